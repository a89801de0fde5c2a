"""Screening tours: plans (inputs, solver figures, state), their screenings and the reasons
why candidate titles and countries were left out."""

from __future__ import annotations

from datetime import date, datetime, time
from enum import StrEnum
from typing import Annotated, Any

from pydantic import StringConstraints, WithJsonSchema, model_validator
from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    Time,
    UniqueConstraint,
)
from sqlmodel import Field, SQLModel

from catalogue.models.campaigns import Name
from catalogue.models.titles import TitleKind
from catalogue.models.types import UTCDateTime, str_enum, utcnow
from catalogue.validation import CountryCode, Id, LanguageTag, Tag, UniqueList


class PlanState(StrEnum):
    draft = "draft"
    published = "published"
    archived = "archived"


# The only place the workflow is defined: from-state -> states it may move to. An edit or a
# re-plan of a published plan takes it back to draft until it is published again.
PLAN_TRANSITIONS: dict[PlanState, frozenset[PlanState]] = {
    PlanState.draft: frozenset({PlanState.published, PlanState.archived}),
    PlanState.published: frozenset({PlanState.draft, PlanState.archived}),
    PlanState.archived: frozenset({PlanState.draft}),
}


class ScreeningState(StrEnum):
    planned = "planned"
    published = "published"  # partners see it
    cancelled = "cancelled"


class SolveState(StrEnum):
    pending = "pending"  # the planning job has not finished yet
    OPTIMAL = "OPTIMAL"
    FEASIBLE = "FEASIBLE"
    GREEDY = "GREEDY"
    INFEASIBLE = "INFEASIBLE"
    failed = "failed"


class TourPlan(SQLModel, table=True):
    __tablename__ = "tour_plan"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_type=String(200))
    state: PlanState = Field(default=PlanState.draft, sa_type=str_enum(PlanState, 16), index=True)
    # Inputs, as the programmer gave them (regions by name) and as resolved (ISO countries).
    regions: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    countries: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    starts_on: date = Field(sa_column=Column(Date, nullable=False))
    ends_on: date = Field(sa_column=Column(Date, nullable=False))
    title_ids: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    selection: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    venue_ids: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    rules: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    weights: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    # The last solve.
    version: int = 0
    solve_status: SolveState = Field(default=SolveState.pending, sa_type=str_enum(SolveState, 16))
    objective: int | None = None
    best_bound: float | None = None
    seconds: float | None = None
    violations: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    job_id: int | None = Field(default=None, description="the last planning job")
    created_by: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("user.id", ondelete="SET NULL"))
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    published_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class TourScreening(SQLModel, table=True):
    __tablename__ = "tour_screening"
    __table_args__ = (UniqueConstraint("plan_id", "key", name="uq_tour_screening_key"),)

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("tour_plan.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    key: str = Field(sa_type=String(120), description="the planner's screening id")
    title_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("title.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    venue_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("venue.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    day: date = Field(sa_column=Column(Date, nullable=False, index=True))
    start_time: time = Field(sa_column=Column(Time, nullable=False), description="local time")
    time_zone: str = Field(sa_type=String(64))
    language: str = Field(sa_type=String(35))
    mode: str = Field(sa_type=String(16))
    rendition: str = Field(sa_type=String(64))
    copy_number: int | None = None
    pinned: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, default=False))
    state: ScreeningState = Field(
        default=ScreeningState.planned, sa_type=str_enum(ScreeningState, 16), index=True
    )
    # Bumped on each change a calendar must follow (day, venue, time, state): iCalendar SEQUENCE.
    sequence: int = Field(
        default=0, sa_column=Column(Integer, nullable=False, default=0, server_default="0")
    )
    # When partners were first shown it: kept on re-plan, exported as cancelled once cancelled.
    announced_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Set when an editor forced an edit the rules refuse: what it breaks.
    forced: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, default=False))
    violations: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class TourReason(SQLModel, table=True):
    __tablename__ = "tour_reason"

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("tour_plan.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    code: str = Field(sa_type=String(32))
    title_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("title.id", ondelete="CASCADE"), nullable=True),
    )
    country: str | None = Field(default=None, sa_type=String(2))
    detail: str = Field(sa_column=Column(Text, nullable=False))
    evidence: dict[str, list[str]] = Field(
        default_factory=dict, sa_column=Column(JSON, nullable=False)
    )


class TourCopies(SQLModel, table=True):
    """A title of the plan travels as this many copies: no more screen (or travel) at once."""

    __tablename__ = "tour_copies"
    __table_args__ = (UniqueConstraint("plan_id", "title_id", name="uq_tour_copies_title"),)

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("tour_plan.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    title_id: int = Field(
        sa_column=Column(Integer, ForeignKey("title.id", ondelete="CASCADE"), nullable=False)
    )
    count: int


class TourRequest(SQLModel, table=True):
    """A must-screen request: the title is screened at least once in the country (or at the
    venue), between the dates when given."""

    __tablename__ = "tour_request"

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("tour_plan.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    title_id: int = Field(
        sa_column=Column(Integer, ForeignKey("title.id", ondelete="CASCADE"), nullable=False)
    )
    country: str | None = Field(default=None, sa_type=String(2))
    venue_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("venue.id", ondelete="CASCADE"), nullable=True),
    )
    earliest: date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    latest: date | None = Field(default=None, sa_column=Column(Date, nullable=True))


# --- API models -------------------------------------------------------------------------------


class CopiesIn(SQLModel):
    model_config = {"extra": "forbid"}

    title_id: Id
    count: Annotated[int, Field(ge=1, le=1000, description="copies that can screen at once")]


class MustScreenIn(SQLModel):
    """Screen the title at least once in the country or at the venue (or anywhere in the tour),
    between the dates when given."""

    model_config = {"extra": "forbid"}

    title_id: Id
    country: CountryCode | None = None
    venue_id: Id | None = None
    earliest: date | None = None
    latest: date | None = None

    @model_validator(mode="after")
    def _dates(self) -> MustScreenIn:
        if self.earliest and self.latest and self.latest < self.earliest:
            raise ValueError(f"latest {self.latest} is before earliest {self.earliest}")
        return self


class MustScreenPublic(MustScreenIn):
    id: int


RegionSpec = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)]


class RulesIn(SQLModel):
    """Overrides of the planner's rules; what is left out keeps its default."""

    model_config = {"extra": "forbid"}

    rights: bool | None = None
    language: bool | None = None
    media: bool | None = None
    calendar: bool | None = None
    holidays: Annotated[str, StringConstraints(pattern="^(ignore|avoid|prefer)$")] | None = None
    min_language_share: Annotated[float, Field(ge=0, le=100)] | None = None
    rendition_lead_days: Annotated[int, Field(ge=0, le=365)] | None = None
    per_venue: Annotated[int, Field(ge=1, le=10)] | None = Field(
        default=None, description="screenings of one title at one venue, on different days"
    )
    max_per_venue_week: Annotated[int, Field(ge=1, le=100)] | None = None
    max_per_venue_year: Annotated[int, Field(ge=1, le=10_000)] | None = None
    once_per_city: bool | None = None
    once_per_country: bool | None = None
    min_gap_days: Annotated[int, Field(ge=0, le=365)] | None = None
    default_shipping_days: Annotated[int, Field(ge=0, le=365)] | None = None


Weight = Annotated[int, Field(ge=0, le=10_000)]


class WeightsIn(SQLModel):
    model_config = {"extra": "forbid"}

    priority: Weight | None = None
    tier: Weight | None = None
    audience: Weight | None = Field(default=None, description="points per 100 seats of the venue")
    country_coverage: Weight | None = None
    title_coverage: Weight | None = None
    spread: Weight | None = None
    key_date: Weight | None = None
    key_date_window: Annotated[int, Field(ge=0, le=365)] | None = None
    holiday: Weight | None = None
    keep: Weight | None = None
    spread_buckets: Annotated[int, Field(ge=1, le=52)] | None = None


class TitleSelection(SQLModel):
    """Titles by ids, or by filter (published top-level titles of a kind, campaign or tag)."""

    model_config = {"extra": "forbid"}

    title_ids: Annotated[list[Id], UniqueList] = Field(default_factory=list, max_length=2000)
    kinds: Annotated[list[TitleKind], UniqueList] = Field(default_factory=list, max_length=3)
    campaign: Annotated[str, StringConstraints(max_length=80)] | None = None
    tag: Tag | None = None


class PlanCreate(SQLModel):
    model_config = {"extra": "forbid"}

    name: Name | None = None
    region: Annotated[list[RegionSpec], UniqueList] = Field(
        min_length=1,
        max_length=50,
        description="UN M49 regions ('Central Asia', 'Americas'), continents or ISO codes",
    )
    year: Annotated[int, Field(ge=2000, le=2100)] | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    titles: TitleSelection = Field(default_factory=TitleSelection)
    venue_ids: Annotated[list[Id], UniqueList] = Field(
        default_factory=list, max_length=2000, description="empty: every venue in the region"
    )
    rules: RulesIn = Field(default_factory=RulesIn)
    weights: WeightsIn = Field(default_factory=WeightsIn)
    copies: list[CopiesIn] = Field(
        default_factory=list, max_length=2000, description="titles with a limited number of copies"
    )
    must_screen: list[MustScreenIn] = Field(
        default_factory=list, max_length=500, description="screenings the plan must include"
    )

    @model_validator(mode="before")
    @classmethod
    def _region_list(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("region"), str):
            return {**data, "region": [data["region"]]}
        return data

    @model_validator(mode="after")
    def _period(self) -> PlanCreate:
        if self.year is None and (self.starts_on is None or self.ends_on is None):
            raise ValueError("give a year, or starts_on and ends_on")
        if self.year is not None and (self.starts_on or self.ends_on):
            raise ValueError("give a year or a date range, not both")
        if self.starts_on and self.ends_on:
            if self.ends_on < self.starts_on:
                raise ValueError(f"ends_on {self.ends_on} is before starts_on {self.starts_on}")
            if (self.ends_on - self.starts_on).days > 731:
                raise ValueError("a tour spans at most two years; plan longer tours in parts")
        return self


# A wall-clock time in the screening's time zone, sent as "19:00:00". JSON Schema's `format: time`
# (RFC 3339) demands an offset, which a local time has none of: document what is sent.
LocalTime = Annotated[
    time,
    WithJsonSchema(
        {
            "type": "string",
            "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]+)?$",
            "description": "local time in time_zone, HH:MM:SS",
            "examples": ["19:00:00"],
        }
    ),
]


class ScreeningPublic(SQLModel):
    id: int
    key: str
    plan_id: int
    title_id: int
    title: str = Field(description="in the reader's language, else its family, English, original")
    original_title: str
    venue_id: int
    venue: str
    city: str
    country: str
    day: date
    start_time: LocalTime
    time_zone: str
    starts_at: datetime = Field(description="the local start as an aware datetime")
    language: str
    mode: str
    rendition: str
    copy_number: int | None
    pinned: bool
    state: ScreeningState
    sequence: int = Field(description="grows with each change (the iCalendar SEQUENCE)")
    forced: bool
    violations: list[dict[str, Any]]


class ReasonOut(SQLModel):
    code: str
    title_id: int | None
    country: str | None
    detail: str
    evidence: dict[str, list[str]]


class PlanSummary(SQLModel):
    id: int
    name: str
    state: PlanState
    regions: list[str]
    countries: list[str]
    starts_on: date
    ends_on: date
    title_ids: list[int]
    selection: dict[str, Any]
    venue_ids: list[int]
    rules: dict[str, Any]
    weights: dict[str, Any]
    version: int
    solve_status: SolveState
    objective: int | None
    best_bound: float | None
    seconds: float | None
    violations: list[dict[str, Any]]
    error: str | None
    job_id: int | None
    screening_count: int
    created_at: datetime
    updated_at: datetime
    published_at: datetime | None


class PlanPublic(PlanSummary):
    copies: list[CopiesIn]
    must_screen: list[MustScreenPublic]
    screenings: list[ScreeningPublic]
    left_out: list[ReasonOut]


class PlanPage(SQLModel):
    items: list[PlanSummary]
    total: int
    limit: int
    offset: int


class PlanAccepted(SQLModel):
    plan_id: int
    job_id: int
    status_url: str
    plan_url: str


class PlanStatusChange(SQLModel):
    model_config = {"extra": "forbid"}

    state: PlanState
    confirm_forced: bool = Field(
        default=False,
        description="publish even though some screenings break rules (they stay flagged for staff)",
    )
    force: bool = Field(
        default=False,
        description="publish even though another published plan books the same venue and day",
    )


class Clash(SQLModel):
    """A screening of this plan and one of another published plan at the same venue and day."""

    screening_id: int
    other_plan_id: int
    other_plan: str
    other_screening_id: int
    venue_id: int
    venue: str
    day: date


class PublishRefusal(SQLModel):
    """409 on publish: what to confirm (forced screenings) or resolve (clashes) first."""

    detail: str
    forced: list[ScreeningPublic] = Field(
        default_factory=list, description="screenings that break rules: confirm_forced"
    )
    clashes: list[Clash] = Field(
        default_factory=list, description="venue and day held by another published plan: force"
    )


class EditKind(StrEnum):
    move = "move"
    add = "add"
    cancel = "cancel"
    pin = "pin"


class ScreeningEdit(SQLModel):
    """One edit: move (screening_id, day, optional venue_id), add (title_id, venue_id, day,
    language, ...), cancel or pin (screening_id). `force` stores an edit the rules refuse,
    flagged with what it breaks."""

    model_config = {"extra": "forbid"}

    action: EditKind
    screening_id: Id | None = None
    title_id: Id | None = None
    venue_id: Id | None = None
    day: date | None = None
    language: LanguageTag | None = None
    mode: Annotated[str, StringConstraints(pattern="^(subtitles|audio)$")] = "subtitles"
    rendition: Annotated[str, StringConstraints(max_length=64)] = "hls"
    force: bool = False

    @model_validator(mode="after")
    def _complete(self) -> ScreeningEdit:
        needed = {
            EditKind.move: ("screening_id", "day"),
            EditKind.add: ("title_id", "venue_id", "day", "language"),
            EditKind.cancel: ("screening_id",),
            EditKind.pin: ("screening_id",),
        }[self.action]
        missing = [name for name in needed if getattr(self, name) is None]
        if missing:
            raise ValueError(f"{self.action.value} needs {', '.join(missing)}")
        return self


class EditResult(SQLModel):
    plan: PlanPublic
    violations: list[dict[str, Any]] = Field(description="what a forced edit breaks")


class CellPublic(SQLModel):
    title_id: int
    title: str
    country: str
    ready: bool
    missing: str | None = Field(
        description="rights, subtitles, rendition or venue: what to get first"
    )
    code: str | None = Field(description="the planner's reason code")
    also_missing: list[str] = Field(
        default_factory=list, description="what else is missing, after `missing`"
    )
    detail: str
    venue_ids: list[int]
    subtitles_to_commission: list[str]


class ReadinessPublic(SQLModel):
    countries: list[str]
    starts_on: date
    ends_on: date
    title_ids: list[int]
    cells: list[CellPublic]
