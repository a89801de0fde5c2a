"""The tour planner's pure core: region + period + titles + rules in, plan and reasons out."""

from __future__ import annotations

import importlib
from typing import Any

# Exports load on first use (PEP 562): importing one light module (regions, languages) must not
# pull in OR-Tools and pandas, which take seconds to import and are only needed to solve.
_EXPORTS = {
    "Add": "validator",
    "CalendarEntry": "export",
    "Cancel": "validator",
    "Cell": "readiness",
    "Copies": "problem",
    "HolidayPolicy": "problem",
    "InvalidProblem": "errors",
    "Move": "validator",
    "MustScreen": "problem",
    "Pin": "problem",
    "PinEdit": "validator",
    "Plan": "plan",
    "PlannerError": "errors",
    "PreviousScreening": "problem",
    "Problem": "problem",
    "Progress": "solver",
    "ReadinessMatrix": "readiness",
    "Reason": "plan",
    "ReasonCode": "plan",
    "RightStatus": "problem",
    "RightsWindow": "problem",
    "Rules": "problem",
    "Screening": "plan",
    "SolveOptions": "solver",
    "SolveStatus": "plan",
    "Title": "problem",
    "UnknownRegion": "errors",
    "Venue": "problem",
    "VenueKind": "problem",
    "Violation": "validator",
    "Weights": "problem",
    "calendar": "export",
    "check_edit": "validator",
    "check_plan": "validator",
    "plan_tour": "solver",
    "readiness": "readiness",
    "resolve_region": "regions",
    "to_ical": "export",
    "to_json": "export",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'catalogue.planner' has no attribute {name!r}")
    return getattr(importlib.import_module(f"catalogue.planner.{module}"), name)
