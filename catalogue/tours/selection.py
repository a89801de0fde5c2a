"""A tour's inputs as the programmer wrote them -> checked ids, countries and period."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlmodel import Session, col, select

from catalogue.errors import InvalidInput
from catalogue.models import Campaign, Title, TitleCampaign, TitleStatus, TitleTag, Venue
from catalogue.models.titles import TitleKind
from catalogue.models.tours import TitleSelection
from catalogue.planner import UnknownRegion, resolve_region
from catalogue.rights_core.periods import Period

# Promos are not screened on their own.
SCREENED_KINDS = (TitleKind.drama, TitleKind.documentary)


def countries(regions: Sequence[str]) -> frozenset[str]:
    try:
        return resolve_region(list(regions))
    except UnknownRegion as error:
        raise InvalidInput(f"region: {error}") from None


def period(year: int | None, starts_on: date | None, ends_on: date | None) -> Period:
    if year is not None:
        return Period.year(year)
    if starts_on is None or ends_on is None:
        raise InvalidInput("give a year, or starts_on and ends_on")
    try:
        return Period(starts_on, ends_on)
    except ValueError as error:
        raise InvalidInput(str(error)) from None


def title_ids(session: Session, selection: TitleSelection) -> list[int]:
    """Ids as given (all must exist), else published top-level titles matching the filter."""
    if selection.title_ids:
        found = set(
            session.exec(select(Title.id).where(col(Title.id).in_(selection.title_ids))).all()
        )
        unknown = [i for i in selection.title_ids if i not in found]
        if unknown:
            raise InvalidInput(f"titles.title_ids: no titles with ids {unknown}")
        return list(selection.title_ids)
    statement = select(Title.id).where(
        col(Title.parent_id).is_(None),
        Title.status == TitleStatus.published,
        col(Title.kind).in_(selection.kinds or SCREENED_KINDS),
    )
    if selection.campaign is not None:
        campaign = session.exec(select(Campaign).where(Campaign.slug == selection.campaign)).first()
        if campaign is None:
            raise InvalidInput(f"titles.campaign: no campaign {selection.campaign!r}")
        statement = statement.where(
            col(Title.id).in_(
                select(TitleCampaign.title_id).where(TitleCampaign.campaign_id == campaign.id)
            )
        )
    if selection.tag is not None:
        statement = statement.where(
            col(Title.id).in_(select(TitleTag.title_id).where(TitleTag.tag == selection.tag))
        )
    ids = [i for i in session.exec(statement.order_by(col(Title.id))).all() if i is not None]
    if not ids:
        raise InvalidInput("titles: no published title matches the selection")
    return ids


def venue_ids(session: Session, ids: Sequence[int]) -> list[int]:
    if not ids:
        return []
    found = set(session.exec(select(Venue.id).where(col(Venue.id).in_(list(ids)))).all())
    unknown = [i for i in ids if i not in found]
    if unknown:
        raise InvalidInput(f"venue_ids: no venues with ids {unknown}")
    return list(ids)
