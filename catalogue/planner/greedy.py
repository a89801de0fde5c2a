"""A fast greedy plan: pins first, then must-screen requests, then one screening per title,
one per country, then the rest by score. It warm-starts CP-SAT and is the fallback answer."""

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


def greedy_plan(instance: Instance) -> GreedyResult:
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
    ranked = sorted(
        instance.candidates,
        key=lambda c: (-instance.base_score(c.title_id, c.venue_id), c.title_id, c.venue_id),
    )
    seen_titles = {c.title_id for c, _ in occ.picks}
    for cand in ranked:
        if cand.title_id not in seen_titles and _place(occ, cand):
            seen_titles.add(cand.title_id)
    seen_countries = {c.country for c, _ in occ.picks}
    for cand in ranked:
        if cand.country not in seen_countries and _place(occ, cand):
            seen_countries.add(cand.country)
    for cand in ranked:
        if (cand.title_id, cand.venue_id) not in occ.pairs:
            _place(occ, cand)
    fixed_keys = frozenset((c.title_id, c.venue_id, d) for c, d in fixed)
    return GreedyResult(tuple(occ.picks), fixed_keys, tuple(unmet))
