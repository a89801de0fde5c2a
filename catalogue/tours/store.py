"""Plans in the database <-> the planner's Plan; public views; states."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func
from sqlmodel import Session, col, select

from catalogue.db import get_or_404
from catalogue.models import TourPlan, TourReason, TourScreening, Venue
from catalogue.models.tours import (
    PlanPublic,
    PlanState,
    PlanSummary,
    ReasonOut,
    ScreeningPublic,
    ScreeningState,
)
from catalogue.models.types import utcnow
from catalogue.planner import Plan, Reason, ReasonCode, Screening, SolveStatus, Violation
from catalogue.tours import naming, requests


def new_row(plan_id: int, s: Screening) -> TourScreening:
    """The stored form of a planner screening (keyed by the planner's screening id)."""
    return TourScreening(
        plan_id=plan_id,
        key=s.id,
        title_id=int(s.title_id),
        venue_id=int(s.venue_id),
        day=s.day,
        start_time=s.start_time,
        time_zone=s.timezone,
        language=s.language,
        mode=s.mode,
        rendition=s.rendition,
        copy_number=s.copy,
        pinned=s.pinned,
    )


def get(session: Session, plan_id: int) -> TourPlan:
    return get_or_404(session, TourPlan, plan_id, "plan")


def live_screenings(session: Session, plan_id: int) -> list[TourScreening]:
    return list(
        session.exec(
            select(TourScreening)
            .where(
                TourScreening.plan_id == plan_id, TourScreening.state != ScreeningState.cancelled
            )
            .order_by(col(TourScreening.day), col(TourScreening.start_time), col(TourScreening.id))
        )
    )


def to_screening(row: TourScreening) -> Screening:
    return Screening(
        title_id=str(row.title_id),
        venue_id=str(row.venue_id),
        day=row.day,
        start_time=row.start_time,
        timezone=row.time_zone,
        language=row.language,
        mode=row.mode,
        rendition=row.rendition,
        copy=row.copy_number,
        pinned=row.pinned,
    )


def planner_plan(session: Session, plan: TourPlan) -> Plan:
    """The stored plan as the planner's validator and exports see it."""
    assert plan.id is not None
    status = plan.solve_status
    return Plan(
        id=f"plan-{plan.id}",
        screenings=tuple(to_screening(r) for r in live_screenings(session, plan.id)),
        objective=plan.objective or 0,
        best_bound=plan.best_bound or 0.0,
        status=SolveStatus(status) if status in SolveStatus.__members__ else SolveStatus.GREEDY,
        seconds=plan.seconds or 0.0,
        reasons=tuple(
            Reason(
                ReasonCode(r.code),
                str(r.title_id) if r.title_id is not None else None,
                r.country,
                r.detail,
                {k: tuple(v) for k, v in r.evidence.items()},
            )
            for r in session.exec(
                select(TourReason).where(TourReason.plan_id == plan.id).order_by(col(TourReason.id))
            )
        ),
    )


def violations_json(violations: Sequence[Violation]) -> list[dict[str, Any]]:
    return [{**asdict(v), "related": list(v.related)} for v in violations]


def save_result(session: Session, plan: TourPlan, result: Plan) -> None:
    """Replace the plan's screenings by the solver's, keeping the state, pin and flags of each
    screening that is still there (same title, venue, day and time)."""
    assert plan.id is not None
    old = {
        r.key: r
        for r in session.exec(select(TourScreening).where(TourScreening.plan_id == plan.id))
    }
    wanted = {s.id: s for s in result.screenings}
    for key, gone in old.items():
        if key not in wanted:
            session.delete(gone)
    session.flush()
    for key, s in wanted.items():
        row = old.get(key)
        if row is None:
            session.add(new_row(plan.id or 0, s))
        else:
            row.language, row.mode, row.rendition = s.language, s.mode, s.rendition
            row.copy_number = s.copy
            if row.state == ScreeningState.cancelled:
                row.state = ScreeningState.planned
            row.updated_at = utcnow()
            session.add(row)
    session.execute(delete(TourReason).where(col(TourReason.plan_id) == plan.id))
    for r in result.reasons:
        session.add(
            TourReason(
                plan_id=plan.id,
                code=r.code.value,
                title_id=int(r.title_id) if r.title_id is not None else None,
                country=r.country,
                detail=r.detail,
                evidence={k: list(v) for k, v in r.evidence.items()},
            )
        )
    plan.solve_status = result.status.value
    plan.objective = result.objective
    plan.best_bound = result.best_bound if result.best_bound != float("inf") else None
    plan.seconds = round(result.seconds, 3)
    plan.version += 1
    plan.error = None
    plan.updated_at = utcnow()
    session.add(plan)


def screenings_public(
    session: Session, rows: Sequence[TourScreening], reader: str = "en"
) -> list[ScreeningPublic]:
    """The screenings as staff and partners read them, titles in the reader's language."""
    titles = naming.title_names(session, {r.title_id for r in rows}, reader)
    venues = {
        v.id: v
        for v in session.exec(select(Venue).where(col(Venue.id).in_({r.venue_id for r in rows})))
    }
    out = []
    for r in rows:
        venue = venues[r.venue_id]
        out.append(
            ScreeningPublic(
                id=r.id or 0,
                key=r.key,
                plan_id=r.plan_id,
                title_id=r.title_id,
                title=titles[r.title_id].name,
                original_title=titles[r.title_id].original,
                venue_id=r.venue_id,
                venue=venue.name,
                city=venue.city,
                country=venue.country,
                day=r.day,
                start_time=r.start_time,
                time_zone=r.time_zone,
                starts_at=datetime.combine(r.day, r.start_time, tzinfo=ZoneInfo(r.time_zone)),
                language=r.language,
                mode=r.mode,
                rendition=r.rendition,
                copy_number=r.copy_number,
                pinned=r.pinned,
                state=ScreeningState(r.state),
                sequence=r.sequence,
                forced=r.forced,
                violations=r.violations,
            )
        )
    return out


def summary(plan: TourPlan, count: int) -> PlanSummary:
    return PlanSummary.model_validate({**plan.model_dump(), "screening_count": count})


def counts(session: Session, plan_ids: Sequence[int]) -> dict[int, int]:
    rows = session.exec(
        select(TourScreening.plan_id, func.count())
        .where(
            col(TourScreening.plan_id).in_(list(plan_ids)),
            TourScreening.state != ScreeningState.cancelled,
        )
        .group_by(col(TourScreening.plan_id))
    ).all()
    return {plan_id: n for plan_id, n in rows}


def to_public(session: Session, plan: TourPlan, reader: str = "en") -> PlanPublic:
    assert plan.id is not None
    rows = list(
        session.exec(
            select(TourScreening)
            .where(TourScreening.plan_id == plan.id)
            .order_by(col(TourScreening.day), col(TourScreening.start_time), col(TourScreening.id))
        )
    )
    reasons = session.exec(
        select(TourReason).where(TourReason.plan_id == plan.id).order_by(col(TourReason.id))
    ).all()
    live = sum(1 for r in rows if r.state != ScreeningState.cancelled)
    return PlanPublic.model_validate(
        {
            **summary(plan, live).model_dump(),
            "copies": requests.copies_of(session, plan.id),
            "must_screen": requests.requests_of(session, plan.id),
            "screenings": screenings_public(session, rows, reader),
            "left_out": [ReasonOut.model_validate(r, from_attributes=True) for r in reasons],
        }
    )


def list_plans(
    session: Session, state: PlanState | None, limit: int, offset: int
) -> tuple[list[PlanSummary], int]:
    statement = select(TourPlan)
    if state is not None:
        statement = statement.where(TourPlan.state == state)
    total = session.exec(select(func.count()).select_from(statement.subquery())).one()
    rows = session.exec(
        statement.order_by(col(TourPlan.id).desc()).limit(limit).offset(offset)
    ).all()
    n = counts(session, [r.id for r in rows if r.id is not None])
    return [summary(r, n.get(r.id or 0, 0)) for r in rows], total


def partner_screenings(
    session: Session, partner_id: int | None, reader: str = "en"
) -> list[ScreeningPublic]:
    """Screenings of published plans (a screening is published exactly while its plan is); a
    partner's at its own venues."""
    statement = (
        select(TourScreening)
        .join(TourPlan, col(TourPlan.id) == col(TourScreening.plan_id))
        .join(Venue, col(Venue.id) == col(TourScreening.venue_id))
        .where(
            TourScreening.state == ScreeningState.published,
            TourPlan.state == PlanState.published,
        )
        .order_by(col(TourScreening.day), col(TourScreening.start_time), col(TourScreening.id))
    )
    if partner_id is not None:
        statement = statement.where(Venue.partner_id == partner_id)
    return screenings_public(session, list(session.exec(statement)), reader)
