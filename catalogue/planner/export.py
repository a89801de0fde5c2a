"""Plan exports: iCalendar (per tour, venue or partner), CSV and JSON."""

import csv
import io
import json
import uuid
from datetime import datetime, timedelta
from typing import cast
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from catalogue.planner.plan import Plan, Screening
from catalogue.planner.problem import Problem

UID_NAMESPACE = uuid.UUID("6f1c1f4e-7a55-4c8e-9d0e-3b1c2a9e8d11")
FIELDS = (
    "id",
    "title_id",
    "venue_id",
    "day",
    "start_time",
    "timezone",
    "language",
    "mode",
    "rendition",
    "copy",
    "pinned",
)


def screening_uid(plan: Plan, screening: Screening) -> str:
    """Stable across exports of the same plan, so calendar clients update, not duplicate."""
    return f"{uuid.uuid5(UID_NAMESPACE, f'{plan.id}/{screening.id}')}@catalogue"


def to_ical(
    problem: Problem,
    plan: Plan,
    venue_id: str | None = None,
    partner_id: str | None = None,
    duration_minutes: int = 120,
) -> bytes:
    """The tour, or one venue's or one partner's screenings, with VTIMEZONE blocks."""
    venues = {v.id: v for v in problem.venues}
    titles = {t.id: t for t in problem.titles}
    cal = Calendar()
    cal.add("prodid", "-//catalogue//tour planner//EN")
    cal.add("version", "2.0")
    cal.add(
        "x-wr-calname",
        f"{plan.id}" + (f" {venue_id or partner_id}" if venue_id or partner_id else ""),
    )
    for s in plan.screenings:
        venue = venues[s.venue_id]
        if venue_id not in (None, s.venue_id) or partner_id not in (None, venue.partner_id):
            continue
        start = datetime.combine(s.day, s.start_time, tzinfo=ZoneInfo(s.timezone))
        event = Event()
        event.add("uid", screening_uid(plan, s))
        event.add("summary", f"{titles[s.title_id].name} ({s.language} {s.mode})")
        event.add("dtstart", start)
        event.add("duration", timedelta(minutes=duration_minutes))
        event.add("location", f"{venue.name}, {venue.city}, {venue.country}")
        # A fixed stamp keeps exports of one plan byte-identical (diffable, cacheable).
        event.add("dtstamp", datetime(2000, 1, 1, tzinfo=ZoneInfo("UTC")))
        cal.add_component(event)
    cal.add_missing_timezones()
    # icalendar leaves Component.to_ical unannotated (so Any); it returns the encoded bytes.
    return cast(bytes, cal.to_ical())


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


def to_csv(plan: Plan) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(_row(s) for s in plan.screenings)
    return out.getvalue()


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
