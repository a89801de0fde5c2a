"""The tour planner's pure core: region + period + titles + rules in, plan and reasons out."""

from catalogue.planner.errors import InvalidProblem, PlannerError, UnknownRegion
from catalogue.planner.export import to_csv, to_ical, to_json
from catalogue.planner.plan import Plan, Reason, ReasonCode, Screening, SolveStatus
from catalogue.planner.problem import (
    Copies,
    HolidayPolicy,
    MustScreen,
    Period,
    Pin,
    PreviousScreening,
    Problem,
    RightStatus,
    RightsWindow,
    Rules,
    Title,
    Venue,
    VenueKind,
    Weights,
)
from catalogue.planner.readiness import Cell, ReadinessMatrix, readiness
from catalogue.planner.regions import resolve_region
from catalogue.planner.solver import Progress, SolveOptions, plan_tour
from catalogue.planner.validator import (
    Add,
    Cancel,
    Move,
    PinEdit,
    Violation,
    check_edit,
    check_plan,
)

__all__ = [
    "Add",
    "Cancel",
    "Cell",
    "Copies",
    "HolidayPolicy",
    "InvalidProblem",
    "Move",
    "MustScreen",
    "Period",
    "Pin",
    "PinEdit",
    "Plan",
    "PlannerError",
    "PreviousScreening",
    "Problem",
    "Progress",
    "ReadinessMatrix",
    "Reason",
    "ReasonCode",
    "RightStatus",
    "RightsWindow",
    "Rules",
    "Screening",
    "SolveOptions",
    "SolveStatus",
    "Title",
    "UnknownRegion",
    "Venue",
    "VenueKind",
    "Violation",
    "Weights",
    "check_edit",
    "check_plan",
    "plan_tour",
    "readiness",
    "resolve_region",
    "to_csv",
    "to_ical",
    "to_json",
]
