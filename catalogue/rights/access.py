"""What a partner may see: published titles with an active window covering one of its countries
(now, or over a requested period), not licensed to another partner. Every route that serves a
partner asks here; anything else is answered 404, so a hidden object does not betray itself.

Episodes follow their series' windows, promos the windows of the title they promote."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Date, Integer, String, and_, bindparam, literal_column, or_
from sqlalchemy.sql import Select
from sqlalchemy.sql.elements import BindParameter
from sqlmodel import Session, col, select

from catalogue.errors import NotFound, page_message
from catalogue.models import (
    Asset,
    AssetState,
    Partner,
    RightsWindow,
    RightsWindowCountry,
    Role,
    Title,
    TitleStatus,
    User,
)
from catalogue.models.rights import WindowStatus
from catalogue.models.types import utcnow
from catalogue.rights_core.periods import Period


def today() -> date:
    return utcnow().date()


def is_partner(user: User) -> bool:
    return user.role == Role.partner


def partner_of(session: Session, user: User) -> Partner:
    partner = session.get(Partner, user.partner_id) if user.partner_id is not None else None
    if partner is None:  # a partner user always has one; a deleted partner sees nothing
        raise NotFound("not found")
    return partner


def licensed_window_ids(partner_id: int, countries: list[str], period: Period) -> Select[Any]:
    """Active windows for `partner_id` (or any partner) in `countries` overlapping `period`."""
    return _window_ids(partner_id, countries, period.start, period.end)


def _window_ids(
    partner_id: int | BindParameter[int],
    countries: list[str] | BindParameter[Any],
    start: date | BindParameter[date],
    end: date | BindParameter[date],
) -> Select[Any]:
    return (
        select(RightsWindow.id)
        .join(RightsWindowCountry, col(RightsWindowCountry.window_id) == col(RightsWindow.id))
        .where(
            col(RightsWindowCountry.country).in_(countries),
            RightsWindow.status == WindowStatus.active,
            col(RightsWindow.starts_on) <= end,
            or_(col(RightsWindow.ends_on).is_(None), col(RightsWindow.ends_on) >= start),
            or_(col(RightsWindow.partner_id).is_(None), col(RightsWindow.partner_id) == partner_id),
        )
    )


def licensed_title_ids(partner: Partner, period: Period) -> Select[Any]:
    assert partner.id is not None
    return _title_ids(licensed_window_ids(partner.id, partner.countries, period))


def _title_ids(windows: Select[Any]) -> Select[Any]:
    return select(RightsWindow.title_id).where(col(RightsWindow.id).in_(windows)).distinct()


def covered_by(licensed: Select[Any] | BindParameter[Any]) -> ColumnElement[bool]:
    """Published titles whose windows are those of `licensed` titles: the titles themselves,
    their episodes and the promos of them."""
    return and_(
        col(Title.status) == TitleStatus.published,
        or_(
            col(Title.id).in_(licensed),
            col(Title.parent_id).in_(licensed),
            col(Title.promotes_id).in_(licensed),
        ),
    )


# The same rule with the partner and the period as parameters, for statements built once at
# import and executed with `licensed_params(...)`: building a statement costs more CPU than
# running it on the requests that check a licence (every segment a player fetches).
LICENSED_WINDOW_IDS = _window_ids(
    bindparam("licensed_partner_id", type_=Integer),
    bindparam("licensed_countries", type_=String, expanding=True),
    bindparam("licensed_start", type_=Date),
    bindparam("licensed_end", type_=Date),
)
LICENSED = covered_by(_title_ids(LICENSED_WINDOW_IDS))


_LICENSED_TITLE = select(Title).where(col(Title.id) == bindparam("title_id"), LICENSED)


def licensed_params(partner: Partner, period: Period) -> dict[str, Any]:
    """The values of LICENSED_WINDOW_IDS's and LICENSED's parameters."""
    return {
        "licensed_partner_id": partner.id,
        "licensed_countries": partner.countries,
        "licensed_start": period.start,
        "licensed_end": period.end,
    }


def licensed_clause(partner: Partner, period: Period) -> ColumnElement[bool]:
    """Titles licensed to the partner over the period: directly, via the series, via the promoted."""
    return covered_by(licensed_title_ids(partner, period))


def title_clause(session: Session, user: User, period: Period | None = None) -> ColumnElement[bool]:
    """The titles a caller may see: staff everything, partners what is licensed to them now."""
    if not is_partner(user):
        return literal_column("1") == literal_column("1")
    return licensed_clause(partner_of(session, user), period or Period.on(today()))


def visible_title(session: Session, user: User, title_id: int) -> Title:
    """`title_clause`'s rule for one title, with a statement built once (every title page)."""
    if is_partner(user):
        params = licensed_params(partner_of(session, user), Period.on(today()))
        title = session.execute(_LICENSED_TITLE, {"title_id": title_id, **params}).scalar()
    else:
        title = session.get(Title, title_id)
    if title is None:
        raise NotFound(page_message("not_found", what="title", ident=title_id))
    return title


def may_see_title(session: Session, user: User, title_id: int) -> bool:
    try:
        visible_title(session, user, title_id)
    except NotFound:
        return False
    return True


def visible_asset(session: Session, user: User, asset_id: int) -> Asset:
    """An asset the caller may see: staff any; partners the ready assets of titles licensed to
    them now. Anything else is 'not found'."""
    asset = session.get(Asset, asset_id)
    if asset is None or (
        is_partner(user)
        and (asset.state != AssetState.ready or not may_see_title(session, user, asset.title_id))
    ):
        raise NotFound(page_message("not_found", what="asset", ident=asset_id))
    return asset


def may_see_asset(session: Session, user: User, asset_id: int) -> bool:
    try:
        visible_asset(session, user, asset_id)
    except NotFound:
        return False
    return True
