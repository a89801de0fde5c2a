from dataclasses import replace
from datetime import date

import pytest
from _planner_factories import central_asia, planned, title, venue, window, with_rules

from catalogue.planner.errors import InvalidProblem
from catalogue.planner.plan import ReasonCode
from catalogue.planner.problem import MustScreen, Pin, PreviousScreening, Weights
from catalogue.rights_core.periods import Period

SEPTEMBER = Period(date(2025, 9, 1), date(2025, 9, 30))


def _small(n_titles: int = 4, **kw):
    titles = tuple(title(f"t{i}", priority=n_titles - i) for i in range(n_titles))
    venues = (venue("kz", "KZ"), venue("uz", "UZ"))
    problem = central_asia(
        titles=titles,
        venues=venues,
        rights=tuple(window(t.id, {"KZ", "UZ"}) for t in titles),
        period=SEPTEMBER,
        **kw,
    )
    return with_rules(problem, max_per_venue_year=2)


def test_must_screen_request_is_met_against_priorities() -> None:
    request = MustScreen("r1", "t3", country="UZ", earliest=date(2025, 9, 20))
    plan = planned(replace(_small(), must_screen=(request,)))
    assert any(
        s.title_id == "t3" and s.venue_id == "uz" and s.day >= date(2025, 9, 20)
        for s in plan.screenings
    )


def test_conflicting_must_screen_requests_are_named() -> None:
    day = date(2025, 9, 10)
    requests = (
        MustScreen("r1", "t0", venue_id="kz", earliest=day, latest=day),
        MustScreen("r2", "t1", venue_id="kz", earliest=day, latest=day),
    )
    plan = planned(replace(_small(), must_screen=requests))
    (conflict,) = [r for r in plan.reasons if r.code is ReasonCode.MUST_SCREEN_CONFLICT]
    assert set(conflict.evidence["requests"]) == {"r1", "r2"}
    met = [s for s in plan.screenings if s.venue_id == "kz" and s.day == day]
    assert len(met) == 1


def test_must_screen_impossible_by_rules_is_a_conflict_with_evidence() -> None:
    request = MustScreen("r1", "t0", country="TM")
    plan = planned(replace(_small(), must_screen=(request,)))
    (conflict,) = [r for r in plan.reasons if r.code is ReasonCode.MUST_SCREEN_CONFLICT]
    assert conflict.evidence["requests"] == ("r1",)
    assert conflict.evidence["rules"] == ("TM:NO_RIGHTS",)


def test_pins_are_kept_and_marked() -> None:
    pin = Pin("t3", "uz", date(2025, 9, 17))
    plan = planned(replace(_small(), pins=(pin,)))
    pinned = [s for s in plan.screenings if s.pinned]
    assert [(s.title_id, s.venue_id, s.day) for s in pinned] == [("t3", "uz", date(2025, 9, 17))]


def test_pin_breaking_a_rule_is_refused() -> None:
    problem = replace(
        _small(), rights=(window("t0", {"KZ"}),), pins=(Pin("t0", "uz", date(2025, 9, 17)),)
    )
    with pytest.raises(InvalidProblem, match="no rights window"):
        planned(problem)


def test_replan_keeps_published_screenings_and_changes_little() -> None:
    problem = _small()
    first = planned(problem)
    previous = tuple(
        PreviousScreening(s.title_id, s.venue_id, s.day, published=(i == 0))
        for i, s in enumerate(first.screenings)
    )
    # The new rights drop t0 in UZ: the replan must move something, and should keep the rest.
    narrowed = tuple(
        replace(w, territories=frozenset({"KZ"})) if w.title_id == "t0" else w
        for w in problem.rights
    )
    weights = Weights(keep=1000)
    second = planned(replace(problem, previous=previous, rights=narrowed, weights=weights))
    before = {(s.title_id, s.venue_id, s.day) for s in first.screenings}
    after = {(s.title_id, s.venue_id, s.day) for s in second.screenings}
    published = first.screenings[0]
    assert (published.title_id, published.venue_id, published.day) in after
    still_allowed = {k for k in before if not (k[0] == "t0" and k[1] == "uz")}
    assert still_allowed <= after


def test_previous_plan_is_reproduced_when_nothing_changed() -> None:
    problem = _small()
    first = planned(problem)
    previous = tuple(PreviousScreening(s.title_id, s.venue_id, s.day) for s in first.screenings)
    second = planned(replace(problem, previous=previous))
    assert {s.id for s in second.screenings} == {s.id for s in first.screenings}


def test_key_date_pulls_the_premiere_near_it() -> None:
    spring = date(2025, 1, 29)
    gala = title("gala", key_date=spring, kind="promo")
    problem = central_asia(
        titles=(gala,),
        venues=(venue("kz", "KZ"),),
        rights=(window("gala", {"KZ"}),),
        weights=Weights(key_date=100, key_date_window=3),
    )
    (s,) = planned(problem).screenings
    assert abs((s.day - spring).days) <= 3
