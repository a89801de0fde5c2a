"""plan_tour: rules, then a greedy plan, then CP-SAT warm-started from it."""

import gc
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from ortools.sat.python import cp_model

from catalogue.planner.conflicts import split_requests
from catalogue.planner.cpsat_model import TourModel, build, hint
from catalogue.planner.eligibility import Candidate
from catalogue.planner.explain import explain
from catalogue.planner.greedy import GreedyResult, greedy_plan
from catalogue.planner.instance import Instance
from catalogue.planner.occupancy import Occupancy
from catalogue.planner.plan import Plan, Reason, ReasonCode, SolveStatus
from catalogue.planner.problem import Problem
from catalogue.planner.relaxation import relax
from catalogue.planner.screenings import to_screenings


@dataclass(frozen=True)
class Progress:
    fraction: float  # of the time limit used
    objective: int  # of the incumbent
    bound: float


ProgressFn = Callable[[Progress], None]


@dataclass(frozen=True)
class SolveOptions:
    time_limit: float = 10.0
    num_workers: int = 2
    gap_limit: float = 0.0  # stop when (bound - objective) / objective is at most this
    use_cpsat: bool = True
    use_relaxation: bool = True  # LP bound and LP-guided greedy
    seed: int = 0


class _Progress(cp_model.CpSolverSolutionCallback):
    """Reports each incumbent, and stops the search once it is within the gap limit of the
    best bound known (CP-SAT's own or the LP relaxation's, which CP-SAT does not see)."""

    def __init__(self, report: ProgressFn | None, options: SolveOptions, lp_bound: float) -> None:
        super().__init__()
        self._report = report
        self._options = options
        self._lp_bound = lp_bound

    def on_solution_callback(self) -> None:
        objective = self.objective_value
        bound = min(self.best_objective_bound, self._lp_bound)
        if self._report is not None:
            fraction = min(1.0, self.wall_time / self._options.time_limit)
            self._report(Progress(fraction, int(objective), bound))
        if objective > 0 and (bound - objective) / objective <= self._options.gap_limit:
            self.stop_search()


def _solve(
    tm: TourModel, options: SolveOptions, progress: ProgressFn | None, lp_bound: float
) -> tuple[cp_model.CpSolverStatus, cp_model.CpSolver]:
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = options.time_limit
    solver.parameters.num_workers = options.num_workers
    solver.parameters.relative_gap_limit = options.gap_limit
    solver.parameters.random_seed = options.seed
    return solver.solve(tm.model, _Progress(progress, options, lp_bound)), solver


def _picks(tm: TourModel, solver: cp_model.CpSolver) -> list[tuple[Candidate, int]]:
    return [
        (ch.cand, solver.value(ch.start)) for ch in tm.choices if solver.boolean_value(ch.present)
    ]


def _unmet_reasons(greedy: GreedyResult, explained: set[str]) -> tuple[Reason, ...]:
    return tuple(
        Reason(
            ReasonCode.MUST_SCREEN_CONFLICT,
            r.title_id,
            r.country,
            f"request {r.id} was not placed before the time limit",
            {"requests": (r.id,)},
        )
        for r in greedy.unmet
        if r.id not in explained
    )


@contextmanager
def _cycle_collector_paused() -> Iterator[None]:
    """Planning allocates some 100,000 small objects (candidates, reasons, day groups) that live
    until the plan is made, and makes no reference cycles: the cycle collector would walk them
    again and again for nothing, a third of a large plan's CPU time. Reference counting still
    frees everything; the collector resumes afterwards (unless it was already off), and runs
    while CP-SAT searches, which can take minutes in a process that also serves requests."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def plan_tour(
    problem: Problem, options: SolveOptions | None = None, progress: ProgressFn | None = None
) -> Plan:
    """Plan the tour; every candidate title and country left out comes with its reason."""
    options = options or SolveOptions()
    started = time.perf_counter()
    with _cycle_collector_paused():
        instance = Instance.prepare(problem)
        relaxation = relax(instance) if options.use_relaxation else None
        greedy = greedy_plan(instance, relaxation.values if relaxation else None)
    picks = list(greedy.picks)
    objective = instance.objective(picks)
    lp_bound = relaxation.bound if relaxation else float("inf")
    bound = lp_bound if instance.candidates else float(objective)
    status = SolveStatus.GREEDY
    conflicts: tuple[Reason, ...] = ()
    request_reasons = _unmet_reasons(greedy, set())
    proven = objective >= lp_bound - 1e-6  # the LP bound already proves the greedy optimal
    close_enough = objective > 0 and (lp_bound - objective) / objective <= options.gap_limit
    if proven and not greedy.unmet:
        status, bound = SolveStatus.OPTIMAL, float(objective)
    elif close_enough and not greedy.unmet:
        pass  # the greedy plan is within the gap limit of the LP bound: CP-SAT cannot help
    elif options.use_cpsat and instance.candidates:
        requests = problem.must_screen
        if greedy.unmet:
            requests, conflicts = split_requests(
                instance, greedy.fixed, max(1.0, options.time_limit / 4)
            )
        explained = {rid for r in conflicts for rid in r.evidence["requests"]}
        fallback_reasons = conflicts + _unmet_reasons(greedy, explained)
        request_reasons = fallback_reasons
        tm = build(instance, greedy.fixed, requests)
        hint(tm, greedy.picks)
        code, solver = _solve(tm, options, progress, lp_bound)
        if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            found = _picks(tm, solver)
            bound = min(solver.best_objective_bound, lp_bound)
            if code == cp_model.OPTIMAL or instance.objective(found) >= bound - 1e-6:
                code, bound = cp_model.OPTIMAL, float(instance.objective(found))
            if instance.objective(found) >= objective or greedy.unmet:
                picks, objective = found, instance.objective(found)
                status = SolveStatus.OPTIMAL if code == cp_model.OPTIMAL else SolveStatus.FEASIBLE
                request_reasons = conflicts
        elif code == cp_model.INFEASIBLE:
            status = SolveStatus.INFEASIBLE
    with _cycle_collector_paused():
        screenings = to_screenings(instance, picks, greedy.fixed)
        occ = Occupancy(instance)
        for cand, day in picks:
            occ.add(cand, day)
        elig = instance.eligibility
        reasons = (
            elig.title_reasons
            + elig.country_reasons
            + elig.pair_reasons
            + request_reasons
            + explain(instance, occ, screenings)
        )
    return Plan(
        id=problem.plan_id,
        screenings=screenings,
        objective=objective,
        best_bound=bound,
        status=status,
        seconds=time.perf_counter() - started,
        reasons=reasons,
    )
