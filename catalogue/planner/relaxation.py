"""The LP relaxation of the tour (GLOP): an upper bound on any plan's objective, available in
a fraction of a second, and fractional values that guide the greedy plan.

It keeps what makes a plan worth something (scores, coverage, spread) and the caps that
bind most (per venue and year, once per place, each candidate at most once); it drops
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
    objective = []
    presence = {}
    by_year: dict[tuple[str, int], list] = defaultdict(list)
    by_place: dict[tuple[str, str], list] = defaultdict(list)
    covers: dict[tuple[str, ...], tuple[int, list]] = {}
    for cand in instance.candidates:
        venue = instance.venues[cand.venue_id]
        base = instance.base_score(cand.title_id, cand.venue_id)
        groups = [(g, lp.NumVar(0, 1, "")) for g in instance.day_groups(cand)]
        total = sum(x for _, x in groups)
        lp.Add(total <= 1)
        presence[(cand.title_id, cand.venue_id)] = groups
        objective += [(base + g.bonus) * x for g, x in groups]
        for g, x in groups:
            by_year[(cand.venue_id, g.year)].append(x)
            key = ("spread", cand.country, str(g.bucket))
            covers.setdefault(key, (w.spread, []))[1].append(x)
        if rules.once_per_city:
            by_place[(cand.title_id, f"city:{venue.country}:{venue.city}")].append(total)
        if rules.once_per_country:
            by_place[(cand.title_id, f"country:{venue.country}")].append(total)
        covers.setdefault(("title", cand.title_id), (w.title_coverage, []))[1].append(total)
        covers.setdefault(("country", cand.country), (w.country_coverage, []))[1].append(total)
    if rules.max_per_venue_year is not None:
        for xs in by_year.values():
            lp.Add(sum(xs) <= rules.max_per_venue_year)
    for xs in by_place.values():
        lp.Add(sum(xs) <= 1)
    for weight, xs in covers.values():
        covered = lp.NumVar(0, 1, "")
        lp.Add(covered <= sum(xs))
        objective.append(weight * covered)
    lp.Maximize(sum(objective))
    if lp.Solve() != pywraplp.Solver.OPTIMAL:
        return None
    values = {key: sum(x.solution_value() for _, x in groups) for key, groups in presence.items()}
    return Relaxation(lp.Objective().Value(), values)
