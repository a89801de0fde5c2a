"""Plan exports: iCalendar (per tour, venue or partner) and JSON."""

import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from catalogue.planner.plan import Plan, Screening
from catalogue.planner.problem import Problem

UID_NAMESPACE = uuid.UUID("6f1c1f4e-7a55-4c8e-9d0e-3b1c2a9e8d11")


def screening_uid(plan: Plan, screening: Screening) -> str:
    """Stable across exports of the same plan, so calendar clients update, not duplicate."""
    return f"{uuid.uuid5(UID_NAMESPACE, f'{plan.id}/{screening.id}')}@catalogue"


# A fixed stamp keeps exports of an unchanged plan byte-identical (diffable, cacheable).
FIXED_STAMP = datetime(2000, 1, 1, tzinfo=ZoneInfo("UTC"))


@dataclass(frozen=True)
class CalendarEntry:
    """One screening as a calendar event. The uid stays with the screening when it moves and
    `sequence` grows with each change, so calendar clients update the event in place."""

    uid: str
    summary: str
    start: datetime  # aware, in the venue's zone
    location: str
    sequence: int = 0
    cancelled: bool = False
    description: str = ""
    stamp: datetime = FIXED_STAMP


def calendar(name: str, entries: Iterable[CalendarEntry], duration_minutes: int = 120) -> bytes:
    """An iCalendar file with a VTIMEZONE block for each zone used."""
    cal = Calendar()
    cal.add("prodid", "-//catalogue//tour planner//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    for entry in entries:
        event = Event()
        event.add("uid", entry.uid)
        event.add("sequence", entry.sequence)
        event.add("summary", entry.summary)
        event.add("dtstart", entry.start)
        event.add("duration", timedelta(minutes=duration_minutes))
        event.add("location", entry.location)
        event.add("dtstamp", entry.stamp)
        event.add("status", "CANCELLED" if entry.cancelled else "CONFIRMED")
        if entry.description:
            event.add("description", entry.description)
        cal.add_component(event)
    cal.add_missing_timezones()
    # icalendar leaves Component.to_ical unannotated (so Any); it returns the encoded bytes.
    return cast(bytes, cal.to_ical())


def to_ical(
    problem: Problem,
    plan: Plan,
    venue_id: str | None = None,
    partner_id: str | None = None,
) -> bytes:
    """The tour, or one venue's or one partner's screenings."""
    venues = {v.id: v for v in problem.venues}
    titles = {t.id: t for t in problem.titles}
    entries = [
        CalendarEntry(
            uid=screening_uid(plan, s),
            summary=f"{titles[s.title_id].name} ({s.language} {s.mode})",
            start=datetime.combine(s.day, s.start_time, tzinfo=ZoneInfo(s.timezone)),
            location=f"{venues[s.venue_id].name}, {venues[s.venue_id].city}, "
            f"{venues[s.venue_id].country}",
        )
        for s in plan.screenings
        if venue_id in (None, s.venue_id) and partner_id in (None, venues[s.venue_id].partner_id)
    ]
    suffix = f" {venue_id or partner_id}" if venue_id or partner_id else ""
    return calendar(f"{plan.id}{suffix}", entries)


def _row(s: Screening) -> dict[str, str]:
    return {
        "id": s.id,
        "title_id": s.title_id,
        "venue_id": s.venue_id,
        "day": s.day.isoformat(),
        "start_time": s.start_time.strftime("%H:%M"),
        "timezone": s.timezone,
        "language": s.language,
        "mode": s.mode,
        "rendition": s.rendition,
        "copy": "" if s.copy is None else str(s.copy),
        "pinned": "true" if s.pinned else "false",
    }


def to_json(plan: Plan) -> str:
    return json.dumps(
        {
            "id": plan.id,
            "status": plan.status.value,
            "objective": plan.objective,
            "best_bound": plan.best_bound,
            "seconds": round(plan.seconds, 3),
            "screenings": [_row(s) for s in plan.screenings],
            "reasons": [
                {
                    "code": r.code.value,
                    "title_id": r.title_id,
                    "country": r.country,
                    "detail": r.detail,
                    "evidence": {k: list(v) for k, v in r.evidence.items()},
                }
                for r in plan.reasons
            ],
        },
        indent=2,
        ensure_ascii=False,
    )
