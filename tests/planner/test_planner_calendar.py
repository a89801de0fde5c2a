from dataclasses import replace
from datetime import date

import holidays
from _planner_factories import central_asia, planned, title, venue, window, with_rules

from catalogue.planner.problem import HolidayPolicy, Weights
from catalogue.rights_core.periods import Period

JANUARY = Period(date(2025, 1, 1), date(2025, 1, 10))
KZ_HOLIDAYS = set(holidays.country_holidays("KZ", years=2025))


def _kazakh_january(n_titles: int, policy: HolidayPolicy, weights: Weights | None = None):
    titles = tuple(title(f"t{i}") for i in range(n_titles))
    problem = central_asia(
        titles=titles,
        venues=(venue("v-KZ", "KZ"),),
        rights=tuple(window(t.id, {"KZ"}) for t in titles),
        period=JANUARY,
        weights=weights or Weights(),
    )
    return with_rules(problem, holidays=policy, max_per_venue_year=None)


def test_kazakh_holidays_include_the_transferred_day_off() -> None:
    assert date(2025, 1, 3) in KZ_HOLIDAYS  # substituted from Sunday 5 January


def test_holidays_avoided() -> None:
    plan = planned(_kazakh_january(10, HolidayPolicy.AVOID))
    days = {s.day for s in plan.screenings}
    assert days == {date(2025, 1, d) for d in (4, 5, 6, 8, 9, 10)}
    assert not days & KZ_HOLIDAYS


def test_holidays_preferred() -> None:
    weights = Weights(holiday=100, spread=0)
    plan = planned(_kazakh_january(1, HolidayPolicy.PREFER, weights))
    (s,) = plan.screenings
    assert s.day in KZ_HOLIDAYS


def test_holidays_ignored_allows_every_day() -> None:
    plan = planned(_kazakh_january(10, HolidayPolicy.IGNORE))
    assert len(plan.screenings) == 10


def test_calendar_rule_off_opens_closed_days() -> None:
    problem = _kazakh_january(3, HolidayPolicy.AVOID)
    closed = replace(problem, venues=(venue("v-KZ", "KZ", open_weekdays=frozenset()),))
    assert planned(with_rules(closed, calendar=False)).screenings


def test_start_time_is_local_in_the_venue_zone() -> None:
    plan = planned(_kazakh_january(1, HolidayPolicy.AVOID))
    (s,) = plan.screenings
    assert (s.timezone, s.start_time.hour) == ("Asia/Almaty", 19)
