"""A fast greedy plan: pins first, then must-screen requests, then one screening per title,
one per country, then the rest by score. It warm-starts CP-SAT and is the fallback answer."""

import heapq
from dataclasses import dataclass

from catalogue.planner.eligibility import Candidate
from catalogue.planner.errors import InvalidProblem
from catalogue.planner.instance import Instance
from catalogue.planner.occupancy import Occupancy
from catalogue.planner.problem import MustScreen


@dataclass(frozen=True)
class GreedyResult:
    picks: tuple[tuple[Candidate, int], ...]
    fixed: frozenset[tuple[str, str, int]]
    unmet: tuple[MustScreen, ...]  # requests the greedy could not place


def fixed_picks(instance: Instance) -> list[tuple[Candidate, int]]:
    """Pins and published screenings as (candidate, day); each must pass the rules."""
    by_pair = {(c.title_id, c.venue_id): c for c in instance.candidates}
    period = instance.problem.period
    out = []
    for pin in instance.problem.fixed():
        cand = by_pair.get((pin.title_id, pin.venue_id))
        if not period.start <= pin.day <= period.end:
            raise InvalidProblem(f"pinned {pin} lies outside the period")
        if cand is None:
            reason = instance.eligibility.blocked.get((pin.title_id, pin.venue_id))
            why = reason.detail if reason else "venue is not in the tour's countries"
            raise InvalidProblem(f"pinned {pin} breaks a rule: {why}")
        day = period.index(pin.day)
        if day not in set(cand.days):
            raise InvalidProblem(f"pinned {pin} falls on a day the rules exclude")
        out.append((cand, day))
    return out


def matches(request: MustScreen, cand: Candidate, instance: Instance) -> bool:
    if cand.title_id != request.title_id:
        return False
    if request.venue_id is not None and cand.venue_id != request.venue_id:
        return False
    return request.country is None or cand.country == request.country


def request_days(request: MustScreen, cand: Candidate, instance: Instance) -> list[int]:
    period = instance.problem.period
    first = period.index(request.earliest) if request.earliest else 0
    last = period.index(request.latest) if request.latest else period.days - 1
    return [d for d in cand.days if first <= d <= last]


def _best_day(occ: Occupancy, cand: Candidate, days: list[int] | tuple[int, ...]) -> int | None:
    """The first day that fits, taking day groups by their score (bonus, then a spread
    bucket the country has no screening in yet)."""
    inst = occ.instance
    spread = inst.problem.weights.spread
    allowed = set(days) if len(days) != len(cand.days) else None
    groups = sorted(
        inst.day_groups(cand),
        key=lambda g: (
            -(g.bonus + (spread if (cand.country, g.bucket) not in occ.spread_covered else 0))
        ),
    )
    for group in groups:
        for day in group.days:
            if (allowed is None or day in allowed) and occ.fits(cand, day):
                return day
    return None


def _place(
    occ: Occupancy, cand: Candidate, days: list[int] | tuple[int, ...] | None = None
) -> bool:
    if occ.ruled_out(cand):
        return False
    day = _best_day(occ, cand, cand.days if days is None else days)
    if day is None:
        return False
    occ.add(cand, day)
    return True


def _gain(occ: Occupancy, cand: Candidate, titles: set[str], countries: set[str]) -> int:
    w = occ.instance.problem.weights
    gain = occ.instance.base_score(cand.title_id, cand.venue_id)
    gain += w.title_coverage if cand.title_id not in titles else 0
    return gain + (w.country_coverage if cand.country not in countries else 0)


def _fill(occ: Occupancy, guide: dict[tuple[str, str], float]) -> None:
    """Lazy greedy on marginal gain: a title's or a country's first screening is worth its
    coverage bonus too. Gains only fall as the plan grows, so a popped candidate whose gain
    is still current is the best one; a candidate that does not fit now never will.
    Candidates the LP relaxation takes (value > 1/2) go first, best gain first."""
    titles = {c.title_id for c, _ in occ.picks}
    countries = {c.country for c, _ in occ.picks}
    cands = occ.instance.candidates
    taken = [i for i, c in enumerate(cands) if guide.get((c.title_id, c.venue_id), 0.0) > 0.5]
    taken.sort(key=lambda i: -_gain(occ, cands[i], titles, countries))
    for i in taken:
        if _place(occ, cands[i]):
            titles.add(cands[i].title_id)
            countries.add(cands[i].country)
    heap = [(-_gain(occ, c, titles, countries), i) for i, c in enumerate(cands)]
    heapq.heapify(heap)
    while heap:
        stored, i = heapq.heappop(heap)
        cand = cands[i]
        gain = _gain(occ, cand, titles, countries)
        if gain < -stored:
            heapq.heappush(heap, (-gain, i))
        elif _place(occ, cand):
            titles.add(cand.title_id)
            countries.add(cand.country)
            if not occ.ruled_out(cand):  # another screening at the same venue is allowed
                heapq.heappush(heap, (-_gain(occ, cand, titles, countries), i))


def greedy_plan(
    instance: Instance, guide: dict[tuple[str, str], float] | None = None
) -> GreedyResult:
    """guide: fractional presences from the LP relaxation, if any."""
    occ = Occupancy(instance)
    fixed = fixed_picks(instance)
    for cand, day in fixed:
        occ.add(cand, day)
    unmet = []
    for request in instance.problem.must_screen:
        if any(
            matches(request, c, instance) and d in request_days(request, c, instance)
            for c, d in occ.picks
        ):
            continue
        options = [c for c in instance.candidates if matches(request, c, instance)]
        options.sort(key=lambda c: -instance.base_score(c.title_id, c.venue_id))
        if not any(_place(occ, c, request_days(request, c, instance)) for c in options):
            unmet.append(request)
    _fill(occ, guide or {})
    fixed_keys = frozenset((c.title_id, c.venue_id, d) for c, d in fixed)
    return GreedyResult(tuple(occ.picks), fixed_keys, tuple(unmet))
