"""A plan's screenings arranged for the planner page: month grids (weeks from Monday), a
venues-by-month timeline and groups by country. Pure functions of the plan's screenings."""

from __future__ import annotations

import calendar
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from catalogue.models.tours import ScreeningPublic, ScreeningState


@dataclass
class Day:
    day: date
    screenings: list[ScreeningPublic] = field(default_factory=list)


@dataclass
class Month:
    first: date
    weeks: list[list[Day | None]]
    count: int


@dataclass
class VenueRow:
    venue_id: int
    venue: str
    city: str
    country: str
    cells: list[list[ScreeningPublic]]


@dataclass
class Timeline:
    months: list[date]
    rows: list[VenueRow]


def live(screenings: list[ScreeningPublic]) -> list[ScreeningPublic]:
    ordered = sorted(screenings, key=lambda s: (s.day, s.start_time, s.venue))
    return [s for s in ordered if s.state != ScreeningState.cancelled]


def _month_keys(screenings: list[ScreeningPublic]) -> list[date]:
    return sorted({s.day.replace(day=1) for s in screenings})


def months(screenings: list[ScreeningPublic]) -> list[Month]:
    """One grid per month that has a live screening, weeks starting on Monday."""
    shown = live(screenings)
    by_day: dict[date, list[ScreeningPublic]] = defaultdict(list)
    for screening in shown:
        by_day[screening.day].append(screening)
    grids = []
    for first in _month_keys(shown):
        weeks = [
            [Day(d, by_day.get(d, [])) if d.month == first.month else None for d in week]
            for week in calendar.Calendar(calendar.MONDAY).monthdatescalendar(
                first.year, first.month
            )
        ]
        count = sum(len(v) for d, v in by_day.items() if d.replace(day=1) == first)
        grids.append(Month(first, weeks, count))
    return grids


def timeline(screenings: list[ScreeningPublic]) -> Timeline:
    """Venues (rows) by months (columns) from the first to the last month with a screening."""
    shown = live(screenings)
    keys = _month_keys(shown)
    if not keys:
        return Timeline([], [])
    columns = []
    current = keys[0]
    while current <= keys[-1]:
        columns.append(current)
        current = date(current.year + current.month // 12, current.month % 12 + 1, 1)
    index = {first: n for n, first in enumerate(columns)}
    rows: dict[int, VenueRow] = {}
    for s in shown:
        row = rows.setdefault(
            s.venue_id, VenueRow(s.venue_id, s.venue, s.city, s.country, [[] for _ in columns])
        )
        row.cells[index[s.day.replace(day=1)]].append(s)
    ordered = sorted(rows.values(), key=lambda r: (r.country, r.city, r.venue))
    return Timeline(columns, ordered)


def by_country(screenings: list[ScreeningPublic]) -> dict[str, list[ScreeningPublic]]:
    """Every screening (cancelled ones too, marked on the page) by country code."""
    groups: dict[str, list[ScreeningPublic]] = defaultdict(list)
    for s in sorted(screenings, key=lambda s: (s.country, s.day, s.start_time, s.venue)):
        groups[s.country].append(s)
    return dict(sorted(groups.items()))
