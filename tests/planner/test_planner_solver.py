from dataclasses import replace

from _planner_factories import central_asia, greedy_planned, planned

from catalogue.planner.instance import Instance
from catalogue.planner.plan import SolveStatus
from catalogue.planner.solver import Progress, SolveOptions, plan_tour


def test_cpsat_is_at_least_as_good_as_greedy_and_proves_small_optimum() -> None:
    problem = central_asia(6)
    greedy = greedy_planned(problem)
    best = planned(problem)
    assert greedy.status is SolveStatus.GREEDY
    assert best.status is SolveStatus.OPTIMAL
    assert best.objective >= greedy.objective
    assert best.best_bound == best.objective
    assert best.gap == 0.0


def test_reported_objective_is_the_plan_objective() -> None:
    problem = central_asia(4)
    plan = planned(problem)
    inst = Instance.prepare(problem)
    by_pair = {(c.title_id, c.venue_id): c for c in inst.candidates}
    picks = [
        (by_pair[(s.title_id, s.venue_id)], problem.period.index(s.day)) for s in plan.screenings
    ]
    assert inst.objective(picks) == plan.objective


def test_progress_reports_incumbents() -> None:
    seen: list[Progress] = []
    plan = plan_tour(central_asia(4), SolveOptions(time_limit=5.0), seen.append)
    assert seen
    assert seen[-1].objective <= plan.objective
    assert all(0.0 <= p.fraction <= 1.0 for p in seen)


def test_empty_problem_gives_an_empty_explained_plan() -> None:
    problem = replace(central_asia(2), rights=())
    plan = planned(problem)
    assert plan.screenings == ()
    assert {r.title_id for r in plan.reasons if r.country is None} == {"t0", "t1"}
