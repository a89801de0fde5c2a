"""Campaigns: listing with their title counts, creating, editing, deleting."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, col, select

from catalogue.db import get_or_404, unique_or_conflict
from catalogue.errors import InvalidInput
from catalogue.models import Campaign, Title, TitleCampaign, User
from catalogue.models.campaigns import CampaignCreate, CampaignPublic, CampaignUpdate
from catalogue.rights import access


def to_public(
    session: Session, campaigns: list[Campaign], user: User | None = None
) -> list[CampaignPublic]:
    """With `user`, `title_count` counts only the titles that user may see: a partner must not
    learn how many titles it is not licensed for."""
    statement = select(TitleCampaign.campaign_id, func.count()).group_by(
        col(TitleCampaign.campaign_id)
    )
    if user is not None:
        statement = statement.join(Title, col(Title.id) == col(TitleCampaign.title_id)).where(
            access.title_clause(session, user)
        )
    counts: dict[int, int] = dict(session.exec(statement).all())
    return [
        CampaignPublic(**c.model_dump(), title_count=counts.get(c.id or 0, 0)) for c in campaigns
    ]


def names(session: Session) -> dict[str, str]:
    """Campaign names by slug (titles name their campaigns by slug)."""
    return {c.slug: c.name for c in session.exec(select(Campaign)).all()}


def get(session: Session, campaign_id: int) -> Campaign:
    return get_or_404(session, Campaign, campaign_id, "campaign")


def list_all(session: Session, user: User | None = None) -> list[CampaignPublic]:
    campaigns = list(session.exec(select(Campaign).order_by(col(Campaign.name))))
    return to_public(session, campaigns, user)


def read(session: Session, campaign_id: int, user: User | None = None) -> CampaignPublic:
    return to_public(session, [get(session, campaign_id)], user)[0]


def create(session: Session, data: CampaignCreate) -> CampaignPublic:
    campaign = Campaign(**data.model_dump())
    session.add(campaign)
    with unique_or_conflict(session, f"a campaign with slug {data.slug!r} already exists"):
        session.commit()
    session.refresh(campaign)
    return to_public(session, [campaign])[0]


def update(session: Session, campaign_id: int, data: CampaignUpdate) -> CampaignPublic:
    campaign = get(session, campaign_id)
    changes = data.model_dump(exclude_unset=True)
    starts = changes.get("starts_on", campaign.starts_on)
    ends = changes.get("ends_on", campaign.ends_on)
    if starts and ends and ends < starts:
        raise InvalidInput("ends_on is before starts_on")
    for key, value in changes.items():
        setattr(campaign, key, value)
    session.add(campaign)
    session.commit()
    session.refresh(campaign)
    return to_public(session, [campaign])[0]


def delete(session: Session, campaign_id: int) -> None:
    """Its titles stay; they just leave the campaign."""
    session.delete(get(session, campaign_id))
    session.commit()
