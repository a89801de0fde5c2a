"""A stored plan as iCalendar (the tour, one venue's or one partner's), CSV or JSON."""

from __future__ import annotations

from sqlmodel import Session

from catalogue.models import TourPlan
from catalogue.planner import Problem, to_csv, to_ical, to_json
from catalogue.tours import store
from catalogue.tours.inputs import Inputs, load_titles, load_venues


def _problem(session: Session, plan: TourPlan) -> Problem:
    """Only what the exports read: the titles' names and the venues' places and zones."""
    inputs = Inputs.of(plan)
    live = store.live_screenings(session, plan.id or 0)
    used = sorted({s.venue_id for s in live})
    return Problem(
        countries=inputs.countries,
        period=inputs.period,
        titles=load_titles(session, sorted({s.title_id for s in live}), inputs.period),
        rights=(),
        venues=load_venues(session, frozenset(), used) if used else (),
        plan_id=f"plan-{plan.id}",
    )


def ical(
    session: Session, plan: TourPlan, venue_id: int | None = None, partner_id: int | None = None
) -> bytes:
    return to_ical(
        _problem(session, plan),
        store.planner_plan(session, plan),
        venue_id=str(venue_id) if venue_id is not None else None,
        partner_id=str(partner_id) if partner_id is not None else None,
    )


def csv(session: Session, plan: TourPlan) -> str:
    return to_csv(store.planner_plan(session, plan))


def json(session: Session, plan: TourPlan) -> str:
    return to_json(store.planner_plan(session, plan))
