"""Which days of the period a venue is open for screenings, and which are public holidays."""

from bisect import bisect_left, bisect_right
from datetime import date
from functools import cache

import holidays

from catalogue.planner.problem import HolidayPolicy, Rules, Venue
from catalogue.rights_core.periods import Period


@cache
def holiday_dates(country: str, years: tuple[int, ...]) -> dict[date, str]:
    """Public holidays and transferred days off; {} for a country `holidays` does not cover."""
    try:
        return dict(holidays.country_holidays(country, years=years))
    except NotImplementedError:
        return {}


def period_years(period: Period) -> tuple[int, ...]:
    return tuple(range(period.start.year, period.end.year + 1))


def holiday_indexes(country: str, period: Period) -> frozenset[int]:
    found = holiday_dates(country, period_years(period))
    return frozenset(period.index(day) for day in found if period.start <= day <= period.end)


def open_days(venue: Venue, period: Period, rules: Rules) -> tuple[int, ...]:
    """Sorted day indexes on which the venue may screen, under the calendar rule."""
    if not rules.calendar:
        return tuple(range(period.days))
    closed = {period.index(d) for d in venue.blackout_dates if period.start <= d <= period.end}
    if rules.holidays is HolidayPolicy.AVOID:
        closed |= holiday_indexes(venue.country, period)
    first_weekday = period.start.weekday()
    return tuple(
        i
        for i in range(period.days)
        if (first_weekday + i) % 7 in venue.open_weekdays and i not in closed
    )


def days_between(days: tuple[int, ...], first: int, last: int) -> tuple[int, ...]:
    return days[bisect_left(days, first) : bisect_right(days, last)]
