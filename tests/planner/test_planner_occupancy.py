import gc
import random
from dataclasses import replace

from _planner_factories import central_asia, greedy_planned

from catalogue.planner.instance import Instance
from catalogue.planner.occupancy import Occupancy
from catalogue.planner.problem import Copies


def _held_at_every_day(holds: list[tuple[int, int]], day: int, end: int, copies: int) -> bool:
    """The rule as written: on each day of [day, end) fewer than `copies` holds [s, e) overlap."""
    return all(sum(1 for s, e in holds if s <= d < e) < copies for d in range(day, end))


def test_a_copy_fits_exactly_when_fewer_holds_than_copies_overlap_every_day() -> None:
    """The sweep over holds' starts and ends answers as the day-by-day count does, a hold being
    free again on its end day."""
    for copies in (1, 2, 3):
        problem = replace(central_asia(n_titles=1), copies=(Copies("t0", copies),))
        instance = Instance.prepare(problem)
        cand = instance.candidates[0]
        hold = instance.copy_hold[cand.country]
        rng = random.Random(copies)
        for _ in range(400):
            occ = Occupancy(instance)
            holds = []
            for _ in range(rng.randint(0, 6)):
                start = rng.randint(0, 60)
                holds.append((start, start + rng.randint(1, 2 * hold)))
            occ.title_holds[cand.title_id] = holds
            day = rng.choice([d for d in cand.days if d <= 70])
            expected = _held_at_every_day(holds, day, day + hold, copies)
            assert occ.fits(cand, day) is expected, (copies, holds, day)


def test_planning_pauses_the_cycle_collector_and_restores_it() -> None:
    problem = central_asia(n_titles=3)
    assert gc.isenabled()
    greedy_planned(problem)
    assert gc.isenabled()
    gc.disable()
    try:
        greedy_planned(problem)
        assert not gc.isenabled()  # left as the caller had it
    finally:
        gc.enable()
