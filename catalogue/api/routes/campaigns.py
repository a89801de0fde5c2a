"""Campaigns and collections."""

from __future__ import annotations

from fastapi import APIRouter, Response, status
from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from catalogue.api.deps import AnyUser, Editor, SessionDep
from catalogue.api.responses import errors
from catalogue.errors import Conflict, InvalidInput, NotFound
from catalogue.models import Campaign, TitleCampaign
from catalogue.models.campaigns import CampaignCreate, CampaignPublic, CampaignUpdate

router = APIRouter(prefix="/campaigns", tags=["campaigns"])


def _public(session: Session, campaigns: list[Campaign]) -> list[CampaignPublic]:
    counts = dict(
        session.exec(
            select(TitleCampaign.campaign_id, func.count()).group_by(TitleCampaign.campaign_id)
        ).all()
    )
    return [CampaignPublic(**c.model_dump(), title_count=counts.get(c.id, 0)) for c in campaigns]


def _get(session: Session, campaign_id: int) -> Campaign:
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        raise NotFound(f"campaign {campaign_id} not found")
    return campaign


@router.get("", response_model=list[CampaignPublic], responses=errors())
def list_campaigns(session: SessionDep, user: AnyUser) -> list[CampaignPublic]:
    return _public(session, list(session.exec(select(Campaign).order_by(Campaign.name)).all()))


@router.post(
    "", response_model=CampaignPublic, status_code=status.HTTP_201_CREATED, responses=errors(409)
)
def create_campaign(session: SessionDep, user: Editor, body: CampaignCreate) -> CampaignPublic:
    campaign = Campaign(**body.model_dump())
    session.add(campaign)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise Conflict(f"a campaign with slug {body.slug!r} already exists") from None
    session.refresh(campaign)
    return _public(session, [campaign])[0]


@router.get("/{campaign_id}", response_model=CampaignPublic, responses=errors(404))
def read_campaign(session: SessionDep, user: AnyUser, campaign_id: int) -> CampaignPublic:
    return _public(session, [_get(session, campaign_id)])[0]


@router.patch("/{campaign_id}", response_model=CampaignPublic, responses=errors(404))
def update_campaign(
    session: SessionDep, user: Editor, campaign_id: int, body: CampaignUpdate
) -> CampaignPublic:
    campaign = _get(session, campaign_id)
    changes = body.model_dump(exclude_unset=True)
    starts = changes.get("starts_on", campaign.starts_on)
    ends = changes.get("ends_on", campaign.ends_on)
    if starts and ends and ends < starts:
        raise InvalidInput("ends_on is before starts_on")
    for key, value in changes.items():
        setattr(campaign, key, value)
    session.add(campaign)
    session.commit()
    session.refresh(campaign)
    return _public(session, [campaign])[0]


@router.delete("/{campaign_id}", status_code=status.HTTP_204_NO_CONTENT, responses=errors(404))
def delete_campaign(session: SessionDep, user: Editor, campaign_id: int) -> Response:
    """Delete a campaign; its titles stay, they just leave the campaign."""
    session.delete(_get(session, campaign_id))
    session.commit()
    return Response(status_code=status.HTTP_204_NO_CONTENT)
