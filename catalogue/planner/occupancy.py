"""What a partial plan already uses, so the greedy planner can test a screening in O(log n)."""

from bisect import bisect_left, bisect_right, insort
from collections import Counter
from dataclasses import dataclass, field

from catalogue.planner.eligibility import Candidate
from catalogue.planner.instance import Instance


@dataclass
class Occupancy:
    instance: Instance
    picks: list[tuple[Candidate, int]] = field(default_factory=list)
    venue_day: Counter[tuple[str, int]] = field(default_factory=Counter)
    venue_days: dict[str, list[int]] = field(default_factory=dict)
    venue_year: Counter[tuple[str, int]] = field(default_factory=Counter)
    pairs: Counter[tuple[str, str]] = field(default_factory=Counter)
    pair_days: set[tuple[str, str, int]] = field(default_factory=set)
    title_places: set[tuple[str, str]] = field(default_factory=set)  # (title, city|country)
    title_days: dict[str, list[int]] = field(default_factory=dict)
    title_holds: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    spread_covered: set[tuple[str, int]] = field(default_factory=set)  # (country, bucket)

    def _place_keys(self, cand: Candidate) -> list[tuple[str, str]]:
        rules, venue = self.instance.problem.rules, self.instance.venues[cand.venue_id]
        keys = []
        if rules.once_per_city:
            keys.append((cand.title_id, f"city:{venue.country}:{venue.city}"))
        if rules.once_per_country:
            keys.append((cand.title_id, f"country:{venue.country}"))
        return keys

    def ruled_out(self, cand: Candidate) -> bool:
        """True when no day can fit: the pair is used up, the place taken, the venue full."""
        if self.pairs[(cand.title_id, cand.venue_id)] >= self.instance.problem.rules.per_venue:
            return True
        if any(key in self.title_places for key in self._place_keys(cand)):
            return True
        cap = self.instance.problem.rules.max_per_venue_year
        if cap is None:
            return False
        return all(self.venue_year[(cand.venue_id, y)] >= cap for y in self.instance.distinct_years)

    def fits_ignoring_copies(self, cand: Candidate, day: int) -> bool:
        return self.fits(cand, day, copies=False)

    def fits(self, cand: Candidate, day: int, copies: bool = True) -> bool:
        inst = self.instance
        rules, venue = inst.problem.rules, inst.venues[cand.venue_id]
        if self.pairs[(cand.title_id, cand.venue_id)] >= rules.per_venue:
            return False
        if (cand.title_id, cand.venue_id, day) in self.pair_days:
            return False
        if any(key in self.title_places for key in self._place_keys(cand)):
            return False
        if self.venue_day[(cand.venue_id, day)] >= venue.slots_per_day:
            return False
        cap_year = rules.max_per_venue_year
        if cap_year is not None and self.venue_year[(cand.venue_id, inst.years[day])] >= cap_year:
            return False
        if rules.max_per_venue_week is not None and not self._week_ok(cand.venue_id, day):
            return False
        gap = rules.min_gap_days
        if gap > 0:
            days = self.title_days.get(cand.title_id, [])
            i = bisect_left(days, day)
            if (i < len(days) and days[i] - day < gap) or (i > 0 and day - days[i - 1] < gap):
                return False
        count = inst.copy_counts.get(cand.title_id)
        return not copies or count is None or self._copy_ok(cand, day, count)

    def _week_ok(self, venue_id: str, day: int) -> bool:
        cap = self.instance.problem.rules.max_per_venue_week or 0
        days = self.venue_days.get(venue_id, [])
        for first in range(day - 6, day + 1):
            if bisect_right(days, first + 6) - bisect_left(days, first) >= cap:
                return False
        return True

    def _copy_ok(self, cand: Candidate, day: int, copies: int) -> bool:
        """Fewer than `copies` holds of the title overlap at every day of the new hold."""
        end = day + self.instance.copy_hold[cand.country]
        overlapping = [
            (s, e) for s, e in self.title_holds.get(cand.title_id, []) if s < end and day < e
        ]
        if len(overlapping) < copies:
            return True
        # A sweep over the holds' starts and ends within [day, end): an end sorts before a start
        # on the same day, as a hold [s, e) is free again on day e.
        events = sorted(
            [(max(s, day), 1) for s, _ in overlapping]
            + [(e, -1) for _, e in overlapping if e < end]
        )
        held = 0
        for _, change in events:
            held += change
            if held >= copies:
                return False
        return True

    def add(self, cand: Candidate, day: int) -> None:
        self.picks.append((cand, day))
        self.venue_day[(cand.venue_id, day)] += 1
        insort(self.venue_days.setdefault(cand.venue_id, []), day)
        self.venue_year[(cand.venue_id, self.instance.years[day])] += 1
        self.pairs[(cand.title_id, cand.venue_id)] += 1
        self.pair_days.add((cand.title_id, cand.venue_id, day))
        self.title_places.update(self._place_keys(cand))
        insort(self.title_days.setdefault(cand.title_id, []), day)
        hold = (day, day + self.instance.copy_hold[cand.country])
        self.title_holds.setdefault(cand.title_id, []).append(hold)
        self.spread_covered.add((cand.country, self.instance.bucket(day)))
