"""One period of days: what a tour is planned over and what an availability question asks about."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"the period ends ({self.end}) before it starts ({self.start})")

    @classmethod
    def on(cls, day: date) -> Period:
        """The one-day period of `day`."""
        return cls(day, day)

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(date(year, 1, 1), date(year, 12, 31))

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def day(self, index: int) -> date:
        """The date `index` days after the start (0: the first day)."""
        return self.start + timedelta(days=index)

    def index(self, day: date) -> int:
        return (day - self.start).days

    def __str__(self) -> str:
        return f"{self.start}..{self.end}"
