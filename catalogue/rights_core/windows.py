"""Rights windows as plain data, and how a window (or several back to back) meets a period."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from catalogue.rights_core.languages import related
from catalogue.rights_core.periods import Period

# The value of catalogue.models.rights.WindowStatus.active: the core does not load the ORM models
# (tests/rights_core checks that the two stay equal).
ACTIVE = "active"


class Match(StrEnum):
    covers = "covers"  # the licensed time spans the whole period
    overlaps = "overlaps"  # at least one day in common
    starts_within = "starts_within"
    ends_within = "ends_within"


@dataclass(frozen=True)
class Span:
    """Days a right can be used: `end` None is open ended."""

    start: date
    end: date | None

    def overlap_days(self, period: Period) -> int:
        last = period.end if self.end is None else min(self.end, period.end)
        return max(0, (last - max(self.start, period.start)).days + 1)

    def __str__(self) -> str:
        return f"{self.start}..{self.end or 'open'}"


@dataclass(frozen=True)
class Window:
    id: int
    title_id: int
    media_right: str
    countries: frozenset[str]
    starts_on: date
    ends_on: date | None = None
    subtitle_languages: frozenset[str] = frozenset()
    audio_languages: frozenset[str] = frozenset()
    partner_id: int | None = None
    exclusive: bool = False
    holdbacks: tuple[tuple[str, date], ...] = ()  # (media right, not before)
    status: str = ACTIVE

    @property
    def active(self) -> bool:
        return self.status == ACTIVE

    @property
    def span(self) -> Span:
        return Span(self.starts_on, self.ends_on)

    def languages(self) -> frozenset[str]:
        return self.subtitle_languages | self.audio_languages

    def licenses_language(self, language: str) -> bool:
        """No languages listed means any; 'zh' matches a licensed 'zh-Hans' and the reverse."""
        listed = self.languages()
        return not listed or any(related(language, tag) for tag in listed)


def merged(spans: Iterable[Span]) -> list[Span]:
    """Spans joined where they touch or overlap: two windows back to back license one stretch."""
    result: list[Span] = []
    for span in sorted(spans, key=lambda s: s.start):
        if result:
            last = result[-1]
            if last.end is None or span.start <= last.end + timedelta(days=1):
                end = None if last.end is None or span.end is None else max(last.end, span.end)
                result[-1] = Span(last.start, end)
                continue
        result.append(span)
    return result


def meets(span: Span, period: Period, match: Match, min_days: int = 0) -> bool:
    days = span.overlap_days(period)
    if days < max(1, min_days):
        return False
    if match is Match.covers:
        return span.start <= period.start and (span.end is None or span.end >= period.end)
    if match is Match.starts_within:
        return period.start <= span.start <= period.end
    if match is Match.ends_within:
        return span.end is not None and period.start <= span.end <= period.end
    return True
