"""Random small instances: every plan, greedy or CP-SAT, passes the independent validator."""

from datetime import date, timedelta

import pytest
from _planner_factories import title, venue, window
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalogue.planner.instance import Instance
from catalogue.planner.plan import SolveStatus
from catalogue.planner.problem import (
    Copies,
    HolidayPolicy,
    MustScreen,
    Problem,
    Rules,
)
from catalogue.planner.relaxation import relax
from catalogue.planner.solver import SolveOptions, plan_tour
from catalogue.planner.validator import check_plan
from catalogue.rights_core.periods import Period

COUNTRIES = ("KZ", "UZ", "KG")
START = date(2025, 3, 1)
LANGS = ("ru", "kk", "uz", "ky", "en")


@st.composite
def problems(draw: st.DrawFn) -> Problem:
    days = draw(st.integers(10, 40))
    period = Period(START, START + timedelta(days=days - 1))
    n_titles = draw(st.integers(1, 4))
    titles = []
    rights = []
    for i in range(n_titles):
        ready = START + timedelta(days=draw(st.integers(-5, days)))
        titles.append(
            title(
                f"t{i}",
                priority=draw(st.integers(1, 3)),
                subtitle_languages=frozenset(draw(st.sets(st.sampled_from(LANGS), max_size=3))),
                audio_languages=frozenset(draw(st.sets(st.sampled_from(LANGS), max_size=1))),
                renditions={"hls": ready, "burned_in:ru": START},
            )
        )
        first = START + timedelta(days=draw(st.integers(-10, days)))
        rights.append(
            window(
                f"t{i}",
                frozenset(draw(st.sets(st.sampled_from(COUNTRIES), min_size=1))),
                start=first,
                end=first + timedelta(days=draw(st.integers(0, 60))),
            )
        )
    venues = tuple(
        venue(
            f"v{j}",
            draw(st.sampled_from(COUNTRIES)),
            city=draw(st.sampled_from(("A", "B"))),
            open_weekdays=frozenset(draw(st.sets(st.integers(0, 6), min_size=1))),
            equipment=frozenset(draw(st.sets(st.sampled_from(("hls", "burned_in")), min_size=1))),
            slots_per_day=draw(st.integers(1, 2)),
            tier=draw(st.integers(1, 3)),
        )
        for j in range(draw(st.integers(1, 4)))
    )
    rules = Rules(
        holidays=draw(st.sampled_from(list(HolidayPolicy))),
        max_per_venue_week=draw(st.none() | st.integers(1, 3)),
        max_per_venue_year=draw(st.none() | st.integers(1, 5)),
        once_per_city=draw(st.booleans()),
        once_per_country=draw(st.booleans()),
        min_gap_days=draw(st.integers(0, 4)),
        default_shipping_days=draw(st.integers(0, 10)),
    )
    copies = tuple(Copies(t.id, draw(st.integers(1, 2))) for t in titles if draw(st.booleans()))
    requests = tuple(
        MustScreen(
            f"r{k}",
            f"t{draw(st.integers(0, n_titles - 1))}",
            country=draw(st.sampled_from(COUNTRIES)),
        )
        for k in range(draw(st.integers(0, 2)))
    )
    return Problem(
        countries=frozenset(COUNTRIES),
        period=period,
        titles=tuple(titles),
        rights=tuple(rights),
        venues=venues,
        copies=copies,
        must_screen=requests,
        rules=rules,
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_greedy_and_cpsat_plans_are_valid(problem: Problem) -> None:
    greedy = plan_tour(problem, SolveOptions(use_cpsat=False))
    assert check_plan(problem, greedy) == []
    best = plan_tour(problem, SolveOptions(time_limit=1.0, num_workers=2))
    assert check_plan(problem, best) == []
    if best.status in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE) and not problem.must_screen:
        assert best.objective >= greedy.objective
    if best.status is SolveStatus.OPTIMAL:
        assert best.objective == pytest.approx(best.best_bound)
    relaxation = relax(Instance.prepare(problem))
    if relaxation is not None:
        assert relaxation.bound >= best.objective - 1e-6
