import itertools
from dataclasses import replace
from datetime import date, timedelta

from _planner_factories import YEAR, central_asia, planned, title, venue, window, with_rules

from catalogue.planner.plan import ReasonCode
from catalogue.planner.problem import Copies, Weights
from catalogue.rights_core.periods import Period

MONTH = Period(date(2025, 9, 1), date(2025, 9, 30))


def _many(n_titles: int, venues, **rules):
    titles = tuple(title(f"t{i}", priority=1 + i % 3) for i in range(n_titles))
    countries = {v.country for v in venues}
    problem = central_asia(
        titles=titles,
        venues=tuple(venues),
        rights=tuple(window(t.id, countries) for t in titles),
        period=MONTH,
    )
    return with_rules(problem, **{"max_per_venue_year": None, **rules})


def test_year_cap_per_venue_and_capacity_taken_names_screenings() -> None:
    plan = planned(_many(5, [venue("v-KZ", "KZ")], max_per_venue_year=3))
    assert len(plan.screenings) == 3
    taken = [r for r in plan.reasons if r.code is ReasonCode.CAPACITY_TAKEN and r.country == "KZ"]
    assert {r.title_id for r in taken} >= {"t0", "t3"} - {s.title_id for s in plan.screenings}
    named = {sid for r in taken for sid in r.evidence["screenings"]}
    assert named == {s.id for s in plan.screenings}


def test_rolling_week_cap() -> None:
    plan = planned(_many(20, [venue("v-KZ", "KZ")], max_per_venue_week=2))
    days = sorted(s.day for s in plan.screenings)
    for i, day in enumerate(days):
        assert sum(1 for d in days[i:] if d - day < timedelta(days=7)) <= 2
    assert len(days) >= 8


def test_one_screening_per_venue_per_day_unless_more_slots() -> None:
    one = planned(_many(40, [venue("v-KZ", "KZ")]))
    assert len(one.screenings) == len({s.day for s in one.screenings})
    two = planned(_many(40, [venue("v-KZ", "KZ", slots_per_day=2, slot_minutes=150)]))
    assert len(two.screenings) > len({s.day for s in two.screenings})
    assert {s.start_time.strftime("%H:%M") for s in two.screenings} == {"19:00", "21:30"}


def test_once_per_city_and_per_country() -> None:
    venues = [venue("a", "KZ"), venue("b", "KZ"), venue("c", "KZ", city="Astana")]
    free = planned(_many(1, venues))
    assert len(free.screenings) == 3
    per_city = planned(_many(1, venues, once_per_city=True))
    assert sorted(s.venue_id for s in per_city.screenings) in (["a", "c"], ["b", "c"])
    per_country = planned(_many(1, venues, once_per_country=True))
    assert len(per_country.screenings) == 1


def test_minimum_gap_between_screenings_of_a_title() -> None:
    venues = [venue(f"v{i}", "KZ") for i in range(6)]
    plan = planned(_many(1, venues, min_gap_days=10))
    days = sorted(s.day for s in plan.screenings)
    assert len(days) == 3
    assert all((b - a).days >= 10 for a, b in itertools.pairwise(days))


def test_limited_copies_travel_with_shipping_time() -> None:
    venues = [venue("kz", "KZ"), venue("uz", "UZ"), venue("kg", "KG")]
    problem = replace(_many(1, venues, default_shipping_days=12), copies=(Copies("t0", 1),))
    plan = planned(problem)
    days = sorted(s.day for s in plan.screenings)
    assert len(days) == 3
    assert all((b - a).days >= 13 for a, b in itertools.pairwise(days))
    assert {s.copy for s in plan.screenings} == {0}


def test_copy_in_use_explains_the_country_left_out() -> None:
    venues = [venue("kz", "KZ"), venue("uz", "UZ")]
    problem = replace(
        _many(1, venues, shipping_days={frozenset({"KZ", "UZ"}): 40}),
        copies=(Copies("t0", 1),),
    )
    plan = planned(problem)
    assert len(plan.screenings) == 1
    left_out = ({"KZ", "UZ"} - {plan.screenings[0].venue_id.upper()}).pop()
    (reason,) = [r for r in plan.reasons if r.title_id == "t0" and r.country == left_out]
    assert reason.code is ReasonCode.COPY_IN_USE
    assert reason.evidence["screenings"] == (plan.screenings[0].id,)


def test_two_copies_can_screen_the_same_day() -> None:
    venues = [venue("kz", "KZ"), venue("uz", "UZ")]
    problem = replace(
        _many(1, venues, shipping_days={frozenset({"KZ", "UZ"}): 40}),
        copies=(Copies("t0", 2),),
    )
    plan = planned(problem)
    assert {s.copy for s in plan.screenings} == {0, 1}


def test_year_cap_counts_per_calendar_year() -> None:
    problem = replace(
        _many(6, [venue("v-KZ", "KZ")], max_per_venue_year=2),
        period=Period(date(2025, 12, 1), date(2026, 1, 31)),
    )
    plan = planned(problem)
    years = sorted(s.day.year for s in plan.screenings)
    assert years == [2025, 2025, 2026, 2026]


def test_coverage_spreads_titles_over_countries() -> None:
    venues = [venue("kz", "KZ"), venue("uz", "UZ")]
    problem = replace(_many(2, venues, max_per_venue_year=1), period=YEAR)
    problem = replace(problem, weights=Weights(tier=0, priority=1))
    plan = planned(problem)
    assert {s.title_id for s in plan.screenings} == {"t0", "t1"}
    assert {s.venue_id for s in plan.screenings} == {"kz", "uz"}
