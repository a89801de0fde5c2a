"""Must-screen requests that cannot all hold: found with CP-SAT assumptions, which name a
set of requests that together (with the pins and rules) admit no plan."""

from ortools.sat.python import cp_model

from catalogue.planner.cpsat_model import build
from catalogue.planner.greedy import matches, request_days
from catalogue.planner.instance import Instance
from catalogue.planner.plan import Reason, ReasonCode
from catalogue.planner.problem import MustScreen


def _alone(instance: Instance, request: MustScreen) -> Reason | None:
    """A request no candidate can meet, whatever else is planned."""
    if any(
        matches(request, c, instance) and request_days(request, c, instance)
        for c in instance.candidates
    ):
        return None
    rule = [
        f"{r.country}:{r.code.value}"
        for r in instance.eligibility.pair_reasons
        if r.title_id == request.title_id and request.country in (None, r.country)
    ]
    return Reason(
        ReasonCode.MUST_SCREEN_CONFLICT,
        request.title_id,
        request.country,
        f"request {request.id} cannot be met: the rules leave no venue and day for it",
        {"requests": (request.id,), "rules": tuple(rule)},
    )


def split_requests(
    instance: Instance,
    fixed: frozenset[tuple[str, str, int]],
    time_limit: float,
) -> tuple[tuple[MustScreen, ...], tuple[Reason, ...]]:
    """(requests that can all be met together, reasons for the ones left out)."""
    reasons: list[Reason] = []
    kept: list[MustScreen] = []
    for request in instance.problem.must_screen:
        alone = _alone(instance, request)
        if alone is None:
            kept.append(request)
        else:
            reasons.append(alone)
    while kept:
        tm = build(instance, fixed, tuple(kept), with_objective=False)
        tm.model.add_assumptions(list(tm.requests.values()))
        solver = cp_model.CpSolver()
        # Assumption cores need a single worker and no objective.
        solver.parameters.num_workers = 1
        solver.parameters.max_time_in_seconds = time_limit
        status = solver.solve(tm.model)
        if status != cp_model.INFEASIBLE:
            break
        by_index = {lit.index: rid for rid, lit in tm.requests.items()}
        core = [by_index[i] for i in solver.sufficient_assumptions_for_infeasibility()]
        core = core or [r.id for r in kept]
        dropped = next(r for r in reversed(kept) if r.id in core)
        reasons.append(
            Reason(
                ReasonCode.MUST_SCREEN_CONFLICT,
                dropped.title_id,
                dropped.country,
                f"request {dropped.id} conflicts with {', '.join(c for c in core if c != dropped.id) or 'the pinned screenings'}",
                {"requests": tuple(core)},
            )
        )
        kept.remove(dropped)
    return tuple(kept), tuple(reasons)
