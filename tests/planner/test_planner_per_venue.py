"""A second screening of a title at the same venue is a rule with a setting (per_venue)."""

from collections import Counter

from _planner_factories import FAST, central_asia, greedy_planned, planned, venue, with_rules

from catalogue.planner.plan import Screening
from catalogue.planner.solver import SolveOptions
from catalogue.planner.validator import check_plan

ONE_VENUE = {"venues": (venue("v-KZ", "KZ"),), "countries": frozenset({"KZ"})}


def _per_pair(screenings: tuple[Screening, ...]) -> Counter[tuple[str, str]]:
    return Counter((s.title_id, s.venue_id) for s in screenings)


def test_by_default_a_title_is_screened_once_per_venue() -> None:
    plan = planned(central_asia(2, **ONE_VENUE))
    assert set(_per_pair(plan.screenings).values()) == {1}


def test_per_venue_allows_repeats_on_different_days_in_greedy_and_cp_sat() -> None:
    problem = with_rules(central_asia(2, **ONE_VENUE), per_venue=3, max_per_venue_year=None)
    for plan in (greedy_planned(problem), planned(problem, FAST)):
        counts = _per_pair(plan.screenings)
        assert set(counts.values()) == {3}, counts
        days = [(s.title_id, s.day) for s in plan.screenings]
        assert len(set(days)) == len(days)


def test_the_validator_holds_plans_to_the_setting() -> None:
    problem = with_rules(central_asia(1, **ONE_VENUE), per_venue=2, max_per_venue_year=None)
    plan = planned(problem, SolveOptions(time_limit=5.0, num_workers=2, use_relaxation=False))
    assert len(plan.screenings) == 2
    stricter = with_rules(problem, per_venue=1)
    assert [v.rule for v in check_plan(stricter, plan)] == ["capacity"]
