"""A plan's state and what partners see: a screening is published exactly while its plan is.
Publishing refuses, naming them, screenings that break rules (until confirmed) and bookings of
a venue and day that another published plan already holds (until resolved or forced)."""

from __future__ import annotations

from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from catalogue.errors import Conflict, page_message
from catalogue.models import TourPlan, TourScreening, Venue
from catalogue.models.tours import (
    PLAN_TRANSITIONS,
    Clash,
    PlanState,
    PlanStatusChange,
    PublishRefusal,
    ScreeningPublic,
    ScreeningState,
    SolveState,
)
from catalogue.models.types import utcnow
from catalogue.tours import store


class PublishRefused(Conflict):
    """409: forced screenings to confirm, or clashes with other published plans to resolve."""

    def __init__(self, forced: list[ScreeningPublic], clashes: list[Clash]) -> None:
        parts = []
        if forced:
            parts.append(
                f"{len(forced)} screening(s) break the planner's rules; "
                "send confirm_forced=true to publish them anyway (they stay flagged for staff)"
            )
        if clashes:
            plans = ", ".join(sorted({f"{c.other_plan_id} ({c.other_plan})" for c in clashes}))
            parts.append(
                f"{len(clashes)} screening(s) book a venue on a day that published plan(s) "
                f"{plans} already hold; move or cancel them, or send force=true"
            )
        super().__init__("plan not published: " + "; ".join(parts))
        self.refusal = PublishRefusal(detail=self.message, forced=forced, clashes=clashes)


def _allowed(plan: TourPlan, to: PlanState) -> None:
    current = PlanState(plan.state)
    if to not in PLAN_TRANSITIONS[current]:
        allowed = ", ".join(sorted(PLAN_TRANSITIONS[current]))
        raise Conflict(
            page_message("plan_transition", plan=plan.id, state=current, allowed=allowed, to=to)
        )


def _move(plan: TourPlan, to: PlanState) -> None:
    _allowed(plan, to)
    plan.state = to
    plan.updated_at = utcnow()
    if to is PlanState.published:
        plan.published_at = plan.updated_at


def _set_screenings(session: Session, plan: TourPlan, to: PlanState) -> None:
    """Partners see a plan's live screenings while it is published, and none otherwise."""
    assert plan.id is not None
    now = utcnow()
    for row in store.live_screenings(session, plan.id):
        state = ScreeningState.published if to is PlanState.published else ScreeningState.planned
        if row.state == state:
            continue
        row.state = state
        row.sequence += 1
        row.updated_at = now
        if state is ScreeningState.published and row.announced_at is None:
            row.announced_at = now
        session.add(row)


def clashes(session: Session, plan: TourPlan) -> list[Clash]:
    """This plan's live screenings at a venue on a day another published plan books too."""
    other = aliased(TourScreening)
    rows = session.exec(
        select(TourScreening, other, TourPlan, Venue)
        .join(
            other,
            (col(other.venue_id) == col(TourScreening.venue_id))
            & (col(other.day) == col(TourScreening.day))
            & (col(other.plan_id) != col(TourScreening.plan_id)),
        )
        .join(TourPlan, col(TourPlan.id) == col(other.plan_id))
        .join(Venue, col(Venue.id) == col(TourScreening.venue_id))
        .where(
            TourScreening.plan_id == plan.id,
            TourScreening.state != ScreeningState.cancelled,
            other.state != ScreeningState.cancelled,
            TourPlan.state == PlanState.published,
        )
        .order_by(col(TourScreening.day), col(TourScreening.id), col(other.id))
    ).all()
    return [
        Clash(
            screening_id=mine.id or 0,
            other_plan_id=theirs_plan.id or 0,
            other_plan=theirs_plan.name,
            other_screening_id=theirs.id or 0,
            venue_id=venue.id or 0,
            venue=venue.name,
            day=mine.day,
        )
        for mine, theirs, theirs_plan, venue in rows
    ]


def _check_publish(session: Session, plan: TourPlan, change: PlanStatusChange) -> None:
    if plan.solve_status == SolveState.pending:
        raise Conflict(page_message("plan_solving", plan=plan.id))
    assert plan.id is not None
    forced = [r for r in store.live_screenings(session, plan.id) if r.forced]
    to_confirm = [] if change.confirm_forced else store.screenings_public(session, forced)
    found = [] if change.force else clashes(session, plan)
    if to_confirm or found:
        raise PublishRefused(to_confirm, found)


def change_state(session: Session, plan: TourPlan, change: PlanStatusChange) -> TourPlan:
    """Publish, archive or take back to draft; the screenings follow the plan."""
    _allowed(plan, change.state)
    if change.state is PlanState.published:
        _check_publish(session, plan, change)
    _move(plan, change.state)
    _set_screenings(session, plan, change.state)
    session.add(plan)
    session.commit()
    session.refresh(plan)
    return plan


def reopen(session: Session, plan: TourPlan) -> None:
    """Edits and re-plans are made on drafts: a published plan goes back to draft, and its
    screenings leave the partners' view until it is published again."""
    if plan.state == PlanState.archived:
        raise Conflict(page_message("plan_archived", plan=plan.id))
    if plan.state == PlanState.published:
        _move(plan, PlanState.draft)
        _set_screenings(session, plan, PlanState.draft)
