"""A problem prepared for planning: candidates from the rules, and the per-day scores
that the greedy planner and the CP-SAT model both optimise."""

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import cached_property

from catalogue.planner.calendar_days import holiday_indexes
from catalogue.planner.eligibility import Candidate, Eligibility, evaluate
from catalogue.planner.problem import HolidayPolicy, Problem, Title, Venue


@dataclass(frozen=True)
class DayGroup:
    """Days of one candidate that score the same and share a spread bucket and a year."""

    bonus: int
    bucket: int
    year: int
    days: tuple[int, ...]


@dataclass(frozen=True)
class Instance:
    problem: Problem
    eligibility: Eligibility

    @classmethod
    def prepare(cls, problem: Problem) -> "Instance":
        return cls(problem, evaluate(problem))

    @property
    def candidates(self) -> tuple[Candidate, ...]:
        return self.eligibility.candidates

    @cached_property
    def titles(self) -> dict[str, Title]:
        return {t.id: t for t in self.problem.titles}

    @cached_property
    def venues(self) -> dict[str, Venue]:
        return {v.id: v for v in self.problem.venues}

    @cached_property
    def holidays(self) -> dict[str, frozenset[int]]:
        return {c: holiday_indexes(c, self.problem.period) for c in self.problem.countries}

    @cached_property
    def kept(self) -> frozenset[tuple[str, str, int]]:
        period = self.problem.period
        return frozenset(
            (p.title_id, p.venue_id, period.index(p.day))
            for p in self.problem.previous
            if period.start <= p.day <= period.end
        )

    @cached_property
    def years(self) -> tuple[int, ...]:
        """Calendar year of each day index."""
        period = self.problem.period
        return tuple(period.day(i).year for i in range(period.days))

    @cached_property
    def copy_hold(self) -> dict[str, int]:
        """Days a copy is held after a screening in a country before it can screen anywhere
        else: the screening day plus the longest shipping from that country. Planning with
        this bound lets any interval colouring assign copies that respect every shipping time."""
        rules, countries = self.problem.rules, self.problem.countries
        return {
            c: 1 + max((rules.shipping(c, other) for other in countries), default=0)
            for c in countries
        }

    def base_score(self, title_id: str, venue_id: str) -> int:
        w, venue = self.problem.weights, self.venues[venue_id]
        return (
            w.priority * self.titles[title_id].priority
            + w.tier * venue.tier
            + w.audience * venue.seats // 100
        )

    def day_bonus(self, cand: Candidate, day: int) -> int:
        """Score of a screening that depends on its day: key date, holiday, kept from before."""
        w, problem = self.problem.weights, self.problem
        bonus = 0
        key = self.titles[cand.title_id].key_date
        if key is not None and abs(day - problem.period.index(key)) <= w.key_date_window:
            bonus += w.key_date
        if problem.rules.holidays is HolidayPolicy.PREFER and day in self.holidays[cand.country]:
            bonus += w.holiday
        if (cand.title_id, cand.venue_id, day) in self.kept:
            bonus += w.keep
        return bonus

    @cached_property
    def buckets(self) -> tuple[int, ...]:
        """Spread bucket of each day index."""
        n, buckets = self.problem.period.days, max(1, self.problem.weights.spread_buckets)
        return tuple(day * buckets // n for day in range(n))

    @cached_property
    def pieces(self) -> tuple[tuple[int, int, int, int], ...]:
        """(first, last, bucket, year): the period cut where the bucket or the year changes."""
        out: list[tuple[int, int, int, int]] = []
        for day, key in enumerate(zip(self.buckets, self.years, strict=True)):
            if out and (out[-1][2], out[-1][3]) == key:
                out[-1] = (out[-1][0], day, *key)
            else:
                out.append((day, day, *key))
        return tuple(out)

    def bucket(self, day: int) -> int:
        return self.buckets[day]

    @cached_property
    def kept_days(self) -> dict[tuple[str, str], set[int]]:
        out: dict[tuple[str, str], set[int]] = {}
        for t, v, d in self.kept:
            out.setdefault((t, v), set()).add(d)
        return out

    @cached_property
    def distinct_years(self) -> frozenset[int]:
        return frozenset(self.years)

    @cached_property
    def copy_counts(self) -> dict[str, int]:
        return {c.title_id: c.count for c in self.problem.copies}

    def bonus_days(self, cand: Candidate) -> dict[int, int]:
        """The few days of a candidate with a day bonus (key date, holiday, kept)."""
        marked: set[int] = set(self.kept_days.get((cand.title_id, cand.venue_id), ()))
        key = self.titles[cand.title_id].key_date
        if key is not None:
            centre, width = self.problem.period.index(key), self.problem.weights.key_date_window
            marked.update(range(centre - width, centre + width + 1))
        if self.problem.rules.holidays is HolidayPolicy.PREFER:
            marked |= self.holidays[cand.country]
        if not marked:
            return {}
        days = cand.days  # sorted: a few bisections beat a set of every allowed day
        on = {d for d in marked if (i := bisect_left(days, d)) < len(days) and days[i] == d}
        return {d: b for d in on if (b := self.day_bonus(cand, d))}

    @cached_property
    def _day_groups(self) -> dict[tuple[str, str], list[DayGroup]]:
        return {}

    def day_groups(self, cand: Candidate) -> list[DayGroup]:
        """Per piece of the period with candidate days: the plain group (all its days, no
        bonus), then one group per bonus value on the few days that earn it."""
        key = (cand.title_id, cand.venue_id)
        if key not in self._day_groups:
            self._day_groups[key] = self._make_day_groups(cand)
        return self._day_groups[key]

    def _make_day_groups(self, cand: Candidate) -> list[DayGroup]:
        bonus = self.bonus_days(cand)
        groups = []
        for first, last, bucket, year in self.pieces:
            days = cand.days[bisect_left(cand.days, first) : bisect_right(cand.days, last)]
            if not days:
                continue
            groups.append(DayGroup(0, bucket, year, days))
            by_value: dict[int, list[int]] = {}
            for day, value in bonus.items():  # the few bonus days, not every allowed day
                if first <= day <= last:
                    by_value.setdefault(value, []).append(day)
            groups += [
                DayGroup(b, bucket, year, tuple(sorted(d))) for b, d in sorted(by_value.items())
            ]
        return groups

    def objective(self, picks: list[tuple[Candidate, int]]) -> int:
        """The plan objective; the CP-SAT model's objective is built to equal this."""
        w = self.problem.weights
        total = sum(
            self.base_score(c.title_id, c.venue_id) + self.day_bonus(c, d) for c, d in picks
        )
        total += w.country_coverage * len({c.country for c, _ in picks})
        total += w.title_coverage * len({c.title_id for c, _ in picks})
        total += w.spread * len({(c.country, self.bucket(d)) for c, d in picks})
        return total
