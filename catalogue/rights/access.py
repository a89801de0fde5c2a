"""What a partner may see: published titles with an active window covering one of its countries
(now, or over a requested period), not licensed to another partner. Every route that serves a
partner asks here; anything else is answered 404, so a hidden object does not betray itself.

Episodes follow their series' windows, promos the windows of the title they promote."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, and_, literal_column, or_
from sqlalchemy.sql import Select
from sqlmodel import Session, col, select

from catalogue.errors import NotFound
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
    return (
        select(RightsWindow.id)
        .join(RightsWindowCountry, col(RightsWindowCountry.window_id) == col(RightsWindow.id))
        .where(
            col(RightsWindowCountry.country).in_(countries),
            RightsWindow.status == WindowStatus.active,
            col(RightsWindow.starts_on) <= period.end,
            or_(col(RightsWindow.ends_on).is_(None), col(RightsWindow.ends_on) >= period.start),
            or_(col(RightsWindow.partner_id).is_(None), col(RightsWindow.partner_id) == partner_id),
        )
    )


def licensed_title_ids(partner: Partner, period: Period) -> Select[Any]:
    assert partner.id is not None
    windows = licensed_window_ids(partner.id, partner.countries, period)
    return select(RightsWindow.title_id).where(col(RightsWindow.id).in_(windows)).distinct()


def licensed_clause(partner: Partner, period: Period) -> ColumnElement[bool]:
    """Titles licensed to the partner over the period: directly, via the series, via the promoted."""
    licensed = licensed_title_ids(partner, period)
    return and_(
        col(Title.status) == TitleStatus.published,
        or_(
            col(Title.id).in_(licensed),
            col(Title.parent_id).in_(licensed),
            col(Title.promotes_id).in_(licensed),
        ),
    )


def title_clause(session: Session, user: User, period: Period | None = None) -> ColumnElement[bool]:
    """The titles a caller may see: staff everything, partners what is licensed to them now."""
    if not is_partner(user):
        return literal_column("1") == literal_column("1")
    return licensed_clause(partner_of(session, user), period or Period.on(today()))


def visible_title(session: Session, user: User, title_id: int) -> Title:
    title = session.exec(
        select(Title).where(Title.id == title_id, title_clause(session, user))
    ).first()
    if title is None:
        raise NotFound(f"title {title_id} not found")
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
        raise NotFound(f"asset {asset_id} not found")
    return asset


def may_see_asset(session: Session, user: User, asset_id: int) -> bool:
    try:
        visible_asset(session, user, asset_id)
    except NotFound:
        return False
    return True
