"""Availability over the database: published titles and their windows into the pure core."""

from __future__ import annotations

from sqlmodel import Session, col, select

from catalogue.errors import InvalidInput
from catalogue.models import Title, TitleStatus
from catalogue.models.rights import AvailabilityItem, AvailabilityPage, ReasonPublic
from catalogue.rights import territories
from catalogue.rights.access import today
from catalogue.rights.availability import Query, availability
from catalogue.rights.store import load_windows

__all__ = ["availability_page", "region", "today"]


def region(spec: str) -> frozenset[str]:
    found = territories.resolve(spec)
    if not found:
        raise InvalidInput(f"region: {spec!r} has no countries")
    return found


def availability_page(session: Session, query: Query, only: bool | None) -> AvailabilityPage:
    """Top-level published titles (series carry their episodes' rights)."""
    titles = session.exec(
        select(Title)
        .where(Title.status == TitleStatus.published, col(Title.parent_id).is_(None))
        .order_by(col(Title.original_title), col(Title.id))
    ).all()
    ids = [t.id for t in titles if t.id is not None]
    names = {t.id: t.original_title for t in titles}
    answers = availability(ids, load_windows(session, ids), query)
    items = [
        AvailabilityItem(
            title_id=a.title_id,
            original_title=names[a.title_id],
            available=a.available,
            countries=list(a.countries),
            window_ids=list(a.window_ids),
            reasons=[
                ReasonPublic(
                    code=r.code.value,
                    country=r.country,
                    detail=r.detail,
                    window_ids=list(r.window_ids),
                )
                for r in a.reasons
            ],
        )
        for a in answers
        if only is None or a.available == only
    ]
    return AvailabilityPage(
        countries=sorted(query.countries),
        starts_on=query.period.start,
        ends_on=query.period.end,
        match=query.match.value,
        items=items,
    )
