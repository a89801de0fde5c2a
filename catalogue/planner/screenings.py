"""Turn chosen (candidate, day) pairs into screenings: local start time by slot, language and
rendition from the candidate's offer, and a copy for titles that travel as limited copies."""

from collections import defaultdict
from datetime import datetime, timedelta

from catalogue.planner.eligibility import Candidate
from catalogue.planner.instance import Instance
from catalogue.planner.plan import Screening


def _copies(instance: Instance, picks: list[tuple[Candidate, int]]) -> dict[tuple[str, str], int]:
    """Interval colouring with each copy held for copy_hold days: a free copy always exists
    when no more than `count` holds overlap, which the planners guarantee."""
    assigned: dict[tuple[str, str], int] = {}
    by_title: dict[str, list[tuple[Candidate, int]]] = defaultdict(list)
    for cand, day in picks:
        by_title[cand.title_id].append((cand, day))
    for title_id, mine in by_title.items():
        count = instance.problem.copies_of(title_id)
        if count is None:
            continue
        free_from = [0] * count
        for cand, day in sorted(mine, key=lambda p: (p[1], p[0].venue_id)):
            for copy, free in enumerate(free_from):
                if free <= day:
                    assigned[(cand.title_id, cand.venue_id)] = copy
                    free_from[copy] = day + instance.copy_hold[cand.country]
                    break
    return assigned


def to_screenings(
    instance: Instance,
    picks: list[tuple[Candidate, int]],
    fixed: frozenset[tuple[str, str, int]],
) -> tuple[Screening, ...]:
    period = instance.problem.period
    copies = _copies(instance, picks)
    by_slot: dict[tuple[str, int], list[tuple[Candidate, int]]] = defaultdict(list)
    for cand, day in picks:
        by_slot[(cand.venue_id, day)].append((cand, day))
    out = []
    for (venue_id, day), here in sorted(by_slot.items()):
        venue = instance.venues[venue_id]
        date = period.day(day)
        for slot, (cand, _) in enumerate(sorted(here, key=lambda p: p[0].title_id)):
            start = datetime.combine(date, venue.start_time) + timedelta(
                minutes=slot * venue.slot_minutes
            )
            offer = cand.offer_on(day)
            out.append(
                Screening(
                    title_id=cand.title_id,
                    venue_id=venue_id,
                    day=date,
                    start_time=start.time(),
                    timezone=venue.timezone,
                    language=offer.language,
                    mode=offer.mode,
                    rendition=offer.rendition,
                    copy=copies.get((cand.title_id, venue_id)),
                    pinned=(cand.title_id, venue_id, day) in fixed,
                )
            )
    return tuple(sorted(out, key=lambda s: (s.day, s.venue_id, s.start_time)))
