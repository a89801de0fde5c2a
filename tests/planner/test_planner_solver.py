from dataclasses import replace

from _planner_factories import central_asia, planned, with_rules

from catalogue.planner.instance import Instance
from catalogue.planner.plan import SolveStatus
from catalogue.planner.relaxation import relax
from catalogue.planner.solver import Progress, SolveOptions, plan_tour


def test_cpsat_proves_a_small_optimum_on_its_own() -> None:
    problem = central_asia(6)
    greedy = planned(problem, SolveOptions(use_cpsat=False, use_relaxation=False))
    best = planned(problem, SolveOptions(time_limit=5.0, use_relaxation=False))
    assert greedy.status is SolveStatus.GREEDY
    assert best.status is SolveStatus.OPTIMAL
    assert best.objective >= greedy.objective
    assert best.best_bound == best.objective
    assert best.gap == 0.0


def test_lp_relaxation_bounds_the_cpsat_plan() -> None:
    problem = with_rules(central_asia(4), max_per_venue_year=2, once_per_city=True)
    best = planned(problem, SolveOptions(time_limit=2.0, use_relaxation=False))
    relaxation = relax(Instance.prepare(problem))
    assert relaxation is not None
    assert relaxation.bound >= best.objective - 1e-6


def test_lp_bound_can_prove_the_greedy_plan_optimal() -> None:
    problem = central_asia(6)
    plan = planned(problem, SolveOptions(use_cpsat=False))
    assert plan.status is SolveStatus.OPTIMAL
    assert plan.objective == planned(problem, SolveOptions(use_relaxation=False)).objective


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
    options = SolveOptions(time_limit=5.0, use_relaxation=False)
    plan = plan_tour(central_asia(4), options, seen.append)
    assert seen
    assert seen[-1].objective <= plan.objective
    assert all(0.0 <= p.fraction <= 1.0 for p in seen)


def test_empty_problem_gives_an_empty_explained_plan() -> None:
    problem = replace(central_asia(2), rights=())
    plan = planned(problem)
    assert plan.screenings == ()
    assert {r.title_id for r in plan.reasons if r.country is None} == {"t0", "t1"}


def test_time_limit_falls_back_to_the_greedy_plan() -> None:
    problem = central_asia(12)
    options = SolveOptions(time_limit=0.001, use_relaxation=False)
    plan = planned(problem, options)
    greedy = planned(problem, SolveOptions(use_cpsat=False, use_relaxation=False))
    assert plan.status is SolveStatus.GREEDY  # CP-SAT cannot even presolve in 1 ms
    assert plan.objective == greedy.objective
    assert {s.id for s in plan.screenings} == {s.id for s in greedy.screenings}
