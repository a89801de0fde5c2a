"""The CP-SAT model: one start variable and presence literal per candidate (title, venue),
the start domain already cut to the candidate's allowed days; intervals for the venue's
day slots, its rolling week cap, the title's minimum gap and its travelling copies."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from itertools import pairwise

from ortools.sat.python import cp_model

from catalogue.planner.eligibility import Candidate
from catalogue.planner.greedy import matches, request_days
from catalogue.planner.instance import Instance
from catalogue.planner.problem import MustScreen


@dataclass
class Choice:
    """Presence and start of one candidate; `groups` splits its days by what they score."""

    cand: Candidate
    present: cp_model.IntVar
    start: cp_model.IntVar
    groups: list[tuple[cp_model.IntVar, list[int], int, int, int]]  # lit, days, score, bucket, year


@dataclass
class TourModel:
    instance: Instance
    model: cp_model.CpModel = field(default_factory=cp_model.CpModel)
    choices: list[Choice] = field(default_factory=list)
    coverage: list[tuple[cp_model.IntVar, list[cp_model.IntVar]]] = field(default_factory=list)
    requests: dict[str, cp_model.IntVar] = field(default_factory=dict)


def _choice(tm: TourModel, index: int, cand: Candidate) -> Choice:
    inst, model = tm.instance, tm.model
    present = model.new_bool_var(f"p{index}")
    start = model.new_int_var_from_domain(cp_model.Domain.from_values(cand.days), f"s{index}")
    base = inst.base_score(cand.title_id, cand.venue_id)
    day_groups = inst.day_groups(cand)
    groups = []
    if len(day_groups) == 1:
        (g,) = day_groups
        groups.append((present, list(g.days), base + g.bonus, g.bucket, g.year))
    else:
        for n, g in enumerate(day_groups):
            lit = model.new_bool_var(f"o{index}_{n}")
            if g.bonus:
                domain = cp_model.Domain.from_values(g.days)
            else:
                # A plain group only needs the range: the start domain already holds the
                # allowed days. Its bonus days may also be taken plainly, which merely
                # under-scores them, so the solver prefers the bonus group.
                domain = cp_model.Domain(g.days[0], g.days[-1])
            model.add_linear_expression_in_domain(start, domain).only_enforce_if(lit)
            groups.append((lit, list(g.days), base + g.bonus, g.bucket, g.year))
        model.add(sum(g[0] for g in groups) == present)
    return Choice(cand, present, start, groups)


def _intervals(tm: TourModel) -> None:
    inst, model = tm.instance, tm.model
    rules = inst.problem.rules
    by_venue: dict[str, list[Choice]] = defaultdict(list)
    by_title: dict[str, list[Choice]] = defaultdict(list)
    for ch in tm.choices:
        by_venue[ch.cand.venue_id].append(ch)
        by_title[ch.cand.title_id].append(ch)
    for venue_id, chs in by_venue.items():
        slots = inst.venues[venue_id].slots_per_day
        day = [model.new_optional_fixed_size_interval_var(c.start, 1, c.present, "d") for c in chs]
        if slots == 1:
            model.add_no_overlap(day)
        else:
            model.add_cumulative(day, [1] * len(day), slots)
        week_cap = rules.max_per_venue_week
        if week_cap is not None and week_cap < 7 * slots:
            week = [
                model.new_optional_fixed_size_interval_var(c.start, 7, c.present, "w") for c in chs
            ]
            model.add_cumulative(week, [1] * len(week), week_cap)
        if rules.max_per_venue_year is not None:
            for year in set(inst.years):
                lits = [g[0] for c in chs for g in c.groups if g[4] == year]
                if len(lits) > rules.max_per_venue_year:
                    model.add(sum(lits) <= rules.max_per_venue_year)
    for title_id, chs in by_title.items():
        if rules.min_gap_days > 0:
            gap = [
                model.new_optional_fixed_size_interval_var(
                    c.start, rules.min_gap_days, c.present, "g"
                )
                for c in chs
            ]
            model.add_no_overlap(gap)
        copies = inst.problem.copies_of(title_id)
        if copies is not None and copies < len(chs):
            holds = [
                model.new_optional_fixed_size_interval_var(
                    c.start, inst.copy_hold[c.cand.country], c.present, "c"
                )
                for c in chs
            ]
            model.add_cumulative(holds, [1] * len(holds), copies)


def _once_per_place(tm: TourModel) -> None:
    inst = tm.instance
    rules = inst.problem.rules
    places: dict[tuple[str, str], list[cp_model.IntVar]] = defaultdict(list)
    for ch in tm.choices:
        venue = inst.venues[ch.cand.venue_id]
        if rules.once_per_city:
            places[(ch.cand.title_id, f"city:{venue.country}:{venue.city}")].append(ch.present)
        if rules.once_per_country:
            places[(ch.cand.title_id, f"country:{venue.country}")].append(ch.present)
    for lits in places.values():
        if len(lits) > 1:
            tm.model.add_at_most_one(lits)


def _objective(tm: TourModel) -> None:
    inst, model = tm.instance, tm.model
    w = inst.problem.weights
    terms = [g[2] * g[0] for ch in tm.choices for g in ch.groups]
    keyed: dict[tuple[str, ...], tuple[int, list[cp_model.IntVar]]] = {}
    for ch in tm.choices:
        for key, weight in (
            (("country", ch.cand.country), w.country_coverage),
            (("title", ch.cand.title_id), w.title_coverage),
        ):
            keyed.setdefault(key, (weight, []))[1].append(ch.present)
        for g in ch.groups:
            spread_key = ("spread", ch.cand.country, str(g[3]))
            keyed.setdefault(spread_key, (w.spread, []))[1].append(g[0])
    for weight, lits in keyed.values():
        if weight == 0:
            continue
        covered = model.new_bool_var("cov")
        model.add_bool_or(lits).only_enforce_if(covered)
        tm.coverage.append((covered, lits))
        terms.append(weight * covered)
    model.maximize(sum(terms))


def add_request(tm: TourModel, request: MustScreen) -> cp_model.IntVar:
    """A literal that, when true, forces the request to be met."""
    model, inst = tm.model, tm.instance
    met = model.new_bool_var(f"req_{request.id}")
    ways = []
    for ch in tm.choices:
        if not matches(request, ch.cand, inst):
            continue
        days = request_days(request, ch.cand, inst)
        if len(days) == len(ch.cand.days):
            ways.append(ch.present)
        elif days:
            way = model.new_bool_var("way")
            model.add_implication(way, ch.present)
            model.add_linear_expression_in_domain(
                ch.start, cp_model.Domain.from_values(days)
            ).only_enforce_if(way)
            ways.append(way)
    model.add_bool_or(ways).only_enforce_if(met)
    tm.requests[request.id] = met
    return met


def build(
    instance: Instance,
    fixed: frozenset[tuple[str, str, int]],
    requests: tuple[MustScreen, ...],
    with_objective: bool = True,
) -> TourModel:
    """Without the objective, requests stay switchable (for assumption cores); with it,
    every request given is hard."""
    tm = TourModel(instance)
    repeats = instance.problem.rules.per_venue
    fixed_at: dict[tuple[str, str], list[int]] = {}
    for t, v, d in sorted(fixed):
        fixed_at.setdefault((t, v), []).append(d)
    for i, cand in enumerate(instance.candidates):
        # One choice per allowed screening of the title at the venue, taken in order of day.
        mine = [_choice(tm, i * repeats + r, cand) for r in range(repeats)]
        for earlier, later in pairwise(mine):
            tm.model.add_implication(later.present, earlier.present)
            tm.model.add(earlier.start < later.start).only_enforce_if(later.present)
        for ch, day in zip(mine, fixed_at.get((cand.title_id, cand.venue_id), []), strict=False):
            tm.model.add(ch.present == 1)
            tm.model.add(ch.start == day)
        tm.choices += mine
    _intervals(tm)
    _once_per_place(tm)
    for request in requests:
        met = add_request(tm, request)
        if with_objective:
            tm.model.add(met == 1)
    if with_objective:
        _objective(tm)
    return tm


def hint(tm: TourModel, picks: tuple[tuple[Candidate, int], ...]) -> None:
    """A complete hint from the greedy plan, so CP-SAT starts from a feasible solution."""
    chosen: dict[tuple[str, str], list[int]] = {}
    for c, d in sorted(picks, key=lambda p: p[1]):
        chosen.setdefault((c.title_id, c.venue_id), []).append(d)
    taken: Counter[tuple[str, str]] = Counter()
    value: dict[int, bool] = {}
    for ch in tm.choices:  # the repeats of a pair follow each other, in order of day
        pair = (ch.cand.title_id, ch.cand.venue_id)
        days = chosen.get(pair, [])
        day = days[taken[pair]] if taken[pair] < len(days) else None
        taken[pair] += 1
        value[ch.present.index] = day is not None
        tm.model.add_hint(ch.present, day is not None)
        tm.model.add_hint(ch.start, ch.cand.days[0] if day is None else day)
        best = None
        if day is not None:
            holding = [g for g in ch.groups if g[1][0] <= day <= g[1][-1] and day in g[1]]
            best = max(holding, key=lambda g: g[2])[0]
        for lit, *_ in ch.groups:
            if lit is not ch.present:
                value[lit.index] = lit is best
                tm.model.add_hint(lit, lit is best)
    for covered, lits in tm.coverage:
        tm.model.add_hint(covered, any(value[lit.index] for lit in lits))
