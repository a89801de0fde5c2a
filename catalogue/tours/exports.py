"""Stored screenings as iCalendar (a plan, one venue's or one partner's) and CSV, titles in the
reader's language; a plan as the planner's JSON. Staff exports mark screenings that break
rules; a partner's hold only what partners see (screenings of published plans)."""

from __future__ import annotations

import csv as csv_module
import io
import uuid
from collections.abc import Sequence

from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from catalogue.models import TourPlan, TourScreening, Venue
from catalogue.models.tours import PlanState, ScreeningPublic, ScreeningState
from catalogue.planner import CalendarEntry, calendar, to_json
from catalogue.planner.export import UID_NAMESPACE
from catalogue.tours import store

CSV_FIELDS = (
    "id",
    "title",
    "original_title",
    "venue",
    "city",
    "country",
    "day",
    "start_time",
    "time_zone",
    "language",
    "mode",
    "state",
    "flags",
    "title_id",
    "venue_id",
    "key",
)


def uid(screening_id: int) -> str:
    """The screening's own: it stays when the screening moves to another day or venue."""
    return f"{uuid.uuid5(UID_NAMESPACE, f'screening/{screening_id}')}@catalogue"


def _flags(s: ScreeningPublic, staff: bool) -> list[str]:
    flags = ["pinned"] if s.pinned and staff else []
    if s.forced and staff:
        rules = sorted({str(v.get("rule", "")) for v in s.violations})
        flags.append("breaks rules: " + ", ".join(rules))
    return flags


def _entry(s: ScreeningPublic, stamp: dict[int, TourScreening], staff: bool) -> CalendarEntry:
    breaks = "; ".join(f"{v.get('rule')}: {v.get('detail')}" for v in s.violations)
    return CalendarEntry(
        uid=uid(s.id),
        summary=(s.title if s.title == s.original_title else f"{s.title} ({s.original_title})")
        + f" · {s.language} {s.mode}",
        start=s.starts_at,
        location=f"{s.venue}, {s.city}, {s.country}",
        sequence=s.sequence,
        cancelled=s.state == ScreeningState.cancelled,
        description=f"Breaks rules: {breaks}" if staff and s.forced else "",
        stamp=stamp[s.id].updated_at,
    )


def _exported(session: Session, statement: SelectOfScalar[TourScreening]) -> list[TourScreening]:
    """Live screenings, and cancelled ones partners were shown: a calendar removes those only
    when it reads them as cancelled."""
    rows = session.exec(statement).all()
    return [r for r in rows if r.state != ScreeningState.cancelled or r.announced_at is not None]


def _ordered() -> SelectOfScalar[TourScreening]:
    return select(TourScreening).order_by(
        col(TourScreening.day), col(TourScreening.start_time), col(TourScreening.id)
    )


def _ical(
    session: Session, rows: Sequence[TourScreening], name: str, reader: str, staff: bool
) -> bytes:
    stamp = {r.id or 0: r for r in rows}
    shown = store.screenings_public(session, rows, reader)
    return calendar(name, (_entry(s, stamp, staff) for s in shown))


def _csv(session: Session, rows: Sequence[TourScreening], reader: str, staff: bool) -> str:
    out = io.StringIO()
    writer = csv_module.DictWriter(out, fieldnames=CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    for s in store.screenings_public(session, rows, reader):
        writer.writerow(
            {
                "id": s.id,
                "title": s.title,
                "original_title": s.original_title,
                "venue": s.venue,
                "city": s.city,
                "country": s.country,
                "day": s.day.isoformat(),
                "start_time": s.start_time.strftime("%H:%M"),
                "time_zone": s.time_zone,
                "language": s.language,
                "mode": s.mode,
                "state": s.state.value,
                "flags": "; ".join(_flags(s, staff)),
                "title_id": s.title_id,
                "venue_id": s.venue_id,
                "key": s.key,
            }
        )
    return out.getvalue()


def _plan_rows(
    session: Session, plan: TourPlan, venue_id: int | None = None, partner_id: int | None = None
) -> list[TourScreening]:
    statement = _ordered().where(TourScreening.plan_id == plan.id)
    if venue_id is not None:
        statement = statement.where(TourScreening.venue_id == venue_id)
    if partner_id is not None:
        statement = statement.join(Venue, col(Venue.id) == col(TourScreening.venue_id)).where(
            Venue.partner_id == partner_id
        )
    return _exported(session, statement)


def _partner_rows(session: Session, partner_id: int) -> list[TourScreening]:
    """What a partner sees: its venues' screenings while their plans are published."""
    statement = (
        _ordered()
        .join(TourPlan, col(TourPlan.id) == col(TourScreening.plan_id))
        .join(Venue, col(Venue.id) == col(TourScreening.venue_id))
        .where(
            TourPlan.state == PlanState.published,
            Venue.partner_id == partner_id,
            col(TourScreening.state).in_([ScreeningState.published, ScreeningState.cancelled]),
        )
    )
    return _exported(session, statement)


def ical(
    session: Session,
    plan: TourPlan,
    reader: str,
    venue_id: int | None = None,
    partner_id: int | None = None,
) -> bytes:
    suffix = f" {venue_id or partner_id}" if venue_id or partner_id else ""
    rows = _plan_rows(session, plan, venue_id, partner_id)
    return _ical(session, rows, f"{plan.name}{suffix}", reader, staff=True)


def csv(session: Session, plan: TourPlan, reader: str) -> str:
    return _csv(session, _plan_rows(session, plan), reader, staff=True)


def partner_ical(session: Session, partner_id: int, name: str, reader: str) -> bytes:
    return _ical(session, _partner_rows(session, partner_id), name, reader, staff=False)


def partner_csv(session: Session, partner_id: int, reader: str) -> str:
    return _csv(session, _partner_rows(session, partner_id), reader, staff=False)


def json(session: Session, plan: TourPlan) -> str:
    return to_json(store.planner_plan(session, plan))
