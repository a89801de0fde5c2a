"""Reading and writing rights windows: rows <-> plain `Window`s, resolved countries, exclusivity."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date

from sqlalchemy import delete
from sqlmodel import Session, col, select

from catalogue.db import get_or_404
from catalogue.errors import Conflict, InvalidInput, NotFound, page_message
from catalogue.models import Partner, RightsWindow, RightsWindowCountry, Title
from catalogue.models.rights import (
    Holdback,
    WindowCreate,
    WindowFields,
    WindowPublic,
    WindowStatus,
)
from catalogue.models.types import utcnow
from catalogue.rights import territories
from catalogue.rights_core.windows import Window


def countries_of(session: Session, window_ids: Iterable[int]) -> dict[int, frozenset[str]]:
    ids = list(window_ids)
    found: dict[int, set[str]] = defaultdict(set)
    if ids:
        for window_id, country in session.exec(
            select(RightsWindowCountry.window_id, RightsWindowCountry.country).where(
                col(RightsWindowCountry.window_id).in_(ids)
            )
        ):
            found[window_id].add(country)
    return {i: frozenset(found[i]) for i in ids}


def to_window(row: RightsWindow, countries: frozenset[str]) -> Window:
    return Window(
        id=row.id if row.id is not None else -1,  # -1: not saved yet
        title_id=row.title_id,
        media_right=row.media_right,
        countries=countries,
        starts_on=row.starts_on,
        ends_on=row.ends_on,
        subtitle_languages=frozenset(row.subtitle_languages),
        audio_languages=frozenset(row.audio_languages),
        partner_id=row.partner_id,
        exclusive=row.exclusive,
        holdbacks=tuple((h["media_right"], date.fromisoformat(h["until"])) for h in row.holdbacks),
        status=row.status,
    )


def planned_window(
    window_id: int, title_id: int, data: WindowFields, countries: frozenset[str]
) -> Window:
    """The window `data` describes, before it is written."""
    return Window(
        id=window_id,
        title_id=title_id,
        media_right=data.media_right,
        countries=countries,
        starts_on=data.starts_on,
        ends_on=data.ends_on,
        subtitle_languages=frozenset(data.subtitle_languages),
        audio_languages=frozenset(data.audio_languages),
        partner_id=data.partner_id,
        exclusive=data.exclusive,
        holdbacks=tuple((h.media_right.value, h.until) for h in data.holdbacks),
        status=data.status,
    )


def load_windows(session: Session, title_ids: Sequence[int] | None = None) -> list[Window]:
    statement = select(RightsWindow).order_by(col(RightsWindow.id))
    if title_ids is not None:
        statement = statement.where(col(RightsWindow.title_id).in_(list(title_ids)))
    rows = session.exec(statement).all()
    countries = countries_of(session, [r.id for r in rows if r.id is not None])
    return [to_window(r, countries[r.id]) for r in rows if r.id is not None]


def get(session: Session, window_id: int) -> RightsWindow:
    return get_or_404(session, RightsWindow, window_id, "rights window")


def to_public(session: Session, rows: Sequence[RightsWindow]) -> list[WindowPublic]:
    countries = countries_of(session, [r.id for r in rows if r.id is not None])
    return [
        WindowPublic.model_validate(
            row,
            update={
                "countries": sorted(countries[row.id]),  # type: ignore[index]
                "holdbacks": [Holdback.model_validate(h) for h in row.holdbacks],
            },
        )
        for row in rows
    ]


def _overlap(a: Window, b: Window) -> bool:
    a_end, b_end = a.ends_on or date.max, b.ends_on or date.max
    return a.starts_on <= b_end and b.starts_on <= a_end


def exclusivity_conflicts(
    new: Window, existing: Iterable[Window]
) -> list[tuple[Window, frozenset[str]]]:
    """Existing windows that an exclusive grant (new or old) forbids next to `new`: same title and
    media right, overlapping time and countries, for someone else."""
    found = []
    for other in existing:
        if (
            other.id == new.id
            or other.title_id != new.title_id
            or not (new.active and other.active)
        ):
            continue
        if other.media_right != new.media_right or not (new.exclusive or other.exclusive):
            continue
        shared = new.countries & other.countries
        if shared and _overlap(new, other) and other.partner_id != new.partner_id:
            found.append((other, shared))
    return found


def check(session: Session, data: WindowFields, title_id: int) -> frozenset[str]:
    if session.get(Title, title_id) is None:
        raise InvalidInput(f"title_id: title {title_id} does not exist")
    if data.partner_id is not None and session.get(Partner, data.partner_id) is None:
        raise InvalidInput(f"partner_id: partner {data.partner_id} does not exist")
    countries = territories.countries(data.territories, data.excluded_territories)
    if not countries:
        raise InvalidInput("territories: the window covers no country once exclusions are applied")
    return countries


def _apply(row: RightsWindow, data: WindowFields) -> None:
    fields = data.model_dump(mode="json", exclude={"title_id"})
    for key, value in fields.items():
        setattr(row, key, value)
    row.starts_on, row.ends_on = data.starts_on, data.ends_on
    row.updated_at = utcnow()


def save(
    session: Session, data: WindowFields, title_id: int, row: RightsWindow | None = None
) -> RightsWindow:
    """Create (row None) or replace a window's terms; nothing is written if a check fails."""
    countries = check(session, data, title_id)
    candidate = planned_window(row.id if row and row.id else -1, title_id, data, countries)
    clashes = exclusivity_conflicts(candidate, load_windows(session, [title_id]))
    if clashes:
        other, shared = clashes[0]
        raise Conflict(
            f"window {other.id} ({other.media_right}, {other.span}) already grants "
            f"{', '.join(sorted(shared)[:10])} to "
            f"{'partner ' + str(other.partner_id) if other.partner_id else 'any partner'}"
            f"{' exclusively' if other.exclusive else ''}; an exclusive grant cannot overlap it"
        )
    row = row or RightsWindow(
        title_id=title_id,
        media_right=data.media_right,
        territories=data.territories,
        starts_on=data.starts_on,
    )
    _apply(row, data)
    session.add(row)
    session.flush()
    session.exec(delete(RightsWindowCountry).where(col(RightsWindowCountry.window_id) == row.id))  # type: ignore[call-overload]
    session.add_all(RightsWindowCountry(window_id=row.id, country=c) for c in sorted(countries))  # type: ignore[arg-type]
    return row


def create(session: Session, data: WindowCreate) -> RightsWindow:
    row = save(session, data, data.title_id)
    session.commit()
    session.refresh(row)
    return row


def delete_window(session: Session, row: RightsWindow) -> None:
    session.delete(row)
    session.commit()


def replace(session: Session, window_id: int, data: WindowFields) -> RightsWindow:
    """New terms for a window (its title stays)."""
    row = get(session, window_id)
    save(session, data, row.title_id, row)
    session.commit()
    session.refresh(row)
    return row


def find(
    session: Session,
    title_id: int | None = None,
    country: str | None = None,
    status: WindowStatus | None = None,
    contract_ref: str | None = None,
) -> list[RightsWindow]:
    """Windows by title, then id; `country` is an ISO code already checked."""
    statement = select(RightsWindow).order_by(col(RightsWindow.title_id), col(RightsWindow.id))
    if title_id is not None:
        statement = statement.where(RightsWindow.title_id == title_id)
    if country:
        here = select(RightsWindowCountry.window_id).where(RightsWindowCountry.country == country)
        statement = statement.where(col(RightsWindow.id).in_(here))
    if status:
        statement = statement.where(RightsWindow.status == status)
    if contract_ref:
        statement = statement.where(RightsWindow.contract_ref == contract_ref)
    return list(session.exec(statement).all())


def of_title(session: Session, title_id: int) -> list[WindowPublic]:
    """A title's windows (GET /titles/{id}/rights and the title page for staff)."""
    if session.get(Title, title_id) is None:
        raise NotFound(page_message("not_found", what="title", ident=title_id))
    return to_public(session, find(session, title_id=title_id))
