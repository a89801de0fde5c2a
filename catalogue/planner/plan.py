"""Outputs of the tour planner: screenings, reasons for what was left out, the plan."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, time
from enum import StrEnum


class ReasonCode(StrEnum):
    NO_RIGHTS = "NO_RIGHTS"
    WINDOW_OUTSIDE_PERIOD = "WINDOW_OUTSIDE_PERIOD"
    NO_LOCAL_LANGUAGE = "NO_LOCAL_LANGUAGE"
    NO_VENUE_OPEN = "NO_VENUE_OPEN"
    RENDITION_NOT_READY = "RENDITION_NOT_READY"
    CAPACITY_TAKEN = "CAPACITY_TAKEN"
    COPY_IN_USE = "COPY_IN_USE"
    MUST_SCREEN_CONFLICT = "MUST_SCREEN_CONFLICT"
    # Allowed and free in the final plan, yet left out: only a plan cut short by the time
    # limit (or the greedy fallback) can leave a positive-score screening addable.
    NOT_CHOSEN = "NOT_CHOSEN"


# The order in which rules are checked for one (title, venue): the first one that fails is
# the reason; a (title, country) takes the reason of the venue that got furthest.
RULE_ORDER = (
    ReasonCode.NO_RIGHTS,
    ReasonCode.WINDOW_OUTSIDE_PERIOD,
    ReasonCode.NO_LOCAL_LANGUAGE,
    ReasonCode.NO_VENUE_OPEN,
    ReasonCode.RENDITION_NOT_READY,
)


class SolveStatus(StrEnum):
    OPTIMAL = "OPTIMAL"
    FEASIBLE = "FEASIBLE"  # CP-SAT stopped at its time limit with a solution
    GREEDY = "GREEDY"  # the greedy plan: asked for, or CP-SAT found nothing better in time
    INFEASIBLE = "INFEASIBLE"  # pins or must-screen requests cannot all hold


@dataclass(frozen=True)
class Screening:
    title_id: str
    venue_id: str
    day: date
    start_time: time
    timezone: str
    language: str
    mode: str  # "subtitles" or "audio"
    rendition: str
    copy: int | None = None  # which copy, for titles with limited copies
    pinned: bool = False

    @property
    def id(self) -> str:
        return f"{self.title_id}@{self.venue_id}@{self.day.isoformat()}@{self.start_time:%H%M}"


@dataclass(frozen=True)
class Reason:
    """Why a title, a country or a (title, country) pair has no screening."""

    code: ReasonCode
    title_id: str | None
    country: str | None
    detail: str
    evidence: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Plan:
    id: str
    screenings: tuple[Screening, ...]
    objective: int
    best_bound: float
    status: SolveStatus
    seconds: float
    reasons: tuple[Reason, ...] = ()

    @property
    def gap(self) -> float:
        if self.objective == 0:
            return 0.0 if self.best_bound <= 0 else float("inf")
        return max(0.0, (self.best_bound - self.objective) / abs(self.objective))
