"""The LP relaxation of the tour (GLOP): an upper bound on any plan's objective, available in
a fraction of a second, and fractional values that guide the greedy plan.

It keeps what makes a plan worth something (scores, coverage, spread) and the caps that
bind most (per venue and year, once per place, each candidate at most `per_venue` times); it drops
day-level rules (slots, weekly cap, gap, copies), which only lowers the true optimum, so the
bound stays valid. CP-SAT's own LP gets to the same place much more slowly on 2 workers."""

from collections import defaultdict
from dataclasses import dataclass

from ortools.linear_solver import pywraplp

from catalogue.planner.instance import Instance


@dataclass(frozen=True)
class Relaxation:
    bound: float
    values: dict[tuple[str, str], float]  # (title, venue) -> fractional presence


def relax(instance: Instance) -> Relaxation | None:
    """None when GLOP does not reach an optimal LP (then there is no bound to trust)."""
    lp = pywraplp.Solver.CreateSolver("GLOP")
    if lp is None:
        return None
    w, rules = instance.problem.weights, instance.problem.rules
    objective = lp.Objective()
    objective.SetMaximization()
    infinity = lp.infinity()
    presence: dict[tuple[str, str], list[pywraplp.Variable]] = {}
    rows: dict[tuple[str, ...], tuple[float, list[pywraplp.Variable]]] = defaultdict(
        lambda: (0.0, [])
    )

    def row(key: tuple[str, ...], limit: float) -> list[pywraplp.Variable]:
        if key not in rows:
            rows[key] = (limit, [])
        return rows[key][1]

    covers: dict[tuple[str, ...], tuple[int, list[pywraplp.Variable]]] = {}
    for cand in instance.candidates:
        venue = instance.venues[cand.venue_id]
        base = instance.base_score(cand.title_id, cand.venue_id)
        xs = []
        for g in instance.day_groups(cand):
            x = lp.NumVar(0, min(rules.per_venue, len(g.days)), "")
            objective.SetCoefficient(x, base + g.bonus)
            xs.append(x)
            if rules.max_per_venue_year is not None:
                row(("year", cand.venue_id, str(g.year)), rules.max_per_venue_year).append(x)
            covers.setdefault(("spread", cand.country, str(g.bucket)), (w.spread, []))[1].append(x)
        presence[(cand.title_id, cand.venue_id)] = xs
        row(("once", cand.title_id, cand.venue_id), rules.per_venue).extend(xs)
        if rules.once_per_city:
            row(("city", cand.title_id, venue.country, venue.city), 1).extend(xs)
        if rules.once_per_country:
            row(("country", cand.title_id, venue.country), 1).extend(xs)
        covers.setdefault(("title", cand.title_id), (w.title_coverage, []))[1].extend(xs)
        covers.setdefault(("country", cand.country), (w.country_coverage, []))[1].extend(xs)
    for limit, xs in rows.values():
        ct = lp.Constraint(-infinity, limit)
        for x in xs:
            ct.SetCoefficient(x, 1)
    for weight, xs in covers.values():
        covered = lp.NumVar(0, 1, "")
        objective.SetCoefficient(covered, weight)
        ct = lp.Constraint(-infinity, 0)  # covered <= sum(xs)
        ct.SetCoefficient(covered, 1)
        for x in xs:
            ct.SetCoefficient(x, -1)
    if lp.Solve() != pywraplp.Solver.OPTIMAL:
        return None
    values = {key: sum(x.solution_value() for x in xs) for key, xs in presence.items()}
    return Relaxation(objective.Value(), values)
