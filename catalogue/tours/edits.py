"""Editors' changes to a plan: move, add, cancel or pin a screening, each checked by the
planner's independent validator first. A refused edit is stored only when forced, flagged
with the rules it breaks."""

from __future__ import annotations

from dataclasses import replace

from sqlmodel import Session, select

from catalogue.errors import Conflict, InvalidInput, page_message
from catalogue.models import Title, TourPlan, TourScreening, Venue
from catalogue.models.tours import EditKind, ScreeningEdit, ScreeningState
from catalogue.models.types import utcnow
from catalogue.planner import (
    Add,
    Cancel,
    Move,
    PinEdit,
    Problem,
    Screening,
    Violation,
    check_edit,
    check_plan,
)
from catalogue.planner import Venue as PlanVenue
from catalogue.planner.validator import Edit
from catalogue.tours import publishing, store
from catalogue.tours.inputs import Inputs, build_problem, to_plan_venue


class EditRefused(InvalidInput):
    """The edit breaks the planner's rules (422); `force=true` stores it flagged."""

    def __init__(self, violations: list[Violation]) -> None:
        reasons = "; ".join(f"{v.rule}: {v.detail}" for v in violations)
        super().__init__(
            f"edit refused: {reasons}. Send force=true to store it anyway, flagged with these reasons"
        )
        self.violations = violations


def _screening(session: Session, plan: TourPlan, screening_id: int | None) -> TourScreening:
    row = session.get(TourScreening, screening_id) if screening_id is not None else None
    if row is None or row.plan_id != plan.id or row.state == ScreeningState.cancelled:
        raise InvalidInput(page_message("no_live_screening", plan=plan.id, screening=screening_id))
    return row


def _venue(session: Session, problem: Problem, venue_id: int) -> PlanVenue:
    venue = session.get(Venue, venue_id)
    if venue is None:
        raise InvalidInput(page_message("no_venue", venue=venue_id))
    known = next((v for v in problem.venues if v.id == str(venue_id)), None)
    return known or to_plan_venue(venue, None)


def _planner_edit(
    session: Session, plan: TourPlan, problem: Problem, edit: ScreeningEdit
) -> tuple[Edit, TourScreening | None]:
    if edit.action is EditKind.add:
        assert edit.title_id is not None and edit.venue_id is not None
        assert edit.day is not None and edit.language is not None
        if session.get(Title, edit.title_id) is None:
            raise InvalidInput(page_message("no_title", title=edit.title_id))
        venue = _venue(session, problem, edit.venue_id)
        added = Screening(
            title_id=str(edit.title_id),
            venue_id=str(edit.venue_id),
            day=edit.day,
            start_time=venue.start_time,
            timezone=venue.timezone,
            language=edit.language,
            mode=edit.mode,
            rendition=edit.rendition,
        )
        return Add(added), None
    row = _screening(session, plan, edit.screening_id)
    if edit.action is EditKind.move:
        assert edit.day is not None
        if edit.venue_id is not None:
            _venue(session, problem, edit.venue_id)
        venue = str(edit.venue_id) if edit.venue_id is not None else None
        return Move(row.key, edit.day, venue), row
    if edit.action is EditKind.cancel:
        return Cancel(row.key), row
    return PinEdit(row.key), row


def _moved(problem: Problem, old: Screening, move: Move) -> Screening:
    """As check_edit moves it: the venue's zone and first slot."""
    venue_id = move.venue_id or old.venue_id
    venue = next((v for v in problem.venues if v.id == venue_id), None)
    return replace(
        old,
        day=move.day,
        venue_id=venue_id,
        timezone=venue.timezone if venue else old.timezone,
        start_time=venue.start_time if venue else old.start_time,
    )


def _released(problem: Problem, row: TourScreening) -> Problem:
    """Cancelling is deliberate: a pinned screening, or one partners were shown, may go (it
    is exported as cancelled)."""
    spot = (str(row.title_id), str(row.venue_id), row.day)
    return replace(
        problem,
        pins=tuple(p for p in problem.pins if (p.title_id, p.venue_id, p.day) != spot),
        previous=tuple(p for p in problem.previous if (p.title_id, p.venue_id, p.day) != spot),
    )


def _free_key(session: Session, plan: TourPlan, key: str, keep: TourScreening | None) -> None:
    clash = session.exec(
        select(TourScreening).where(TourScreening.plan_id == plan.id, TourScreening.key == key)
    ).first()
    if clash is None or clash is keep:
        return
    if clash.state != ScreeningState.cancelled:
        raise Conflict(page_message("screening_taken", plan=plan.id, screening=clash.id))
    session.delete(clash)
    session.flush()


def apply(session: Session, plan: TourPlan, edit: ScreeningEdit) -> list[Violation]:
    """Check, then store the edit; returns the violations a forced edit carries."""
    publishing.reopen(session, plan)
    problem = build_problem(
        session, Inputs.of(plan), plan, [edit.venue_id] if edit.venue_id else []
    )
    current = store.planner_plan(session, plan)
    planner_edit, row = _planner_edit(session, plan, problem, edit)
    if isinstance(planner_edit, Cancel) and row is not None:
        problem = _released(problem, row)
    violations = check_edit(problem, current, planner_edit)
    if violations and not edit.force:
        session.rollback()
        raise EditRefused(violations)
    flagged = store.violations_json(violations)
    now = utcnow()
    if isinstance(planner_edit, Add):
        s = planner_edit.screening
        _free_key(session, plan, s.id, None)
        row = store.new_row(plan.id or 0, s)
    elif isinstance(planner_edit, Move):
        assert row is not None
        moved = _moved(problem, store.to_screening(row), planner_edit)
        _free_key(session, plan, moved.id, row)
        row.key, row.day, row.venue_id = moved.id, moved.day, int(moved.venue_id)
        row.start_time, row.time_zone = moved.start_time, moved.timezone
        row.sequence += 1
    elif isinstance(planner_edit, Cancel):
        assert row is not None
        row.state = ScreeningState.cancelled
        row.sequence += 1
    else:
        assert row is not None
        row.pinned = True
    row.forced = row.forced or bool(violations)
    row.violations = row.violations + flagged if violations else row.violations
    row.updated_at = now
    session.add(row)
    session.flush()
    plan.violations = store.violations_json(check_plan(problem, store.planner_plan(session, plan)))
    plan.updated_at = now
    session.add(plan)
    session.commit()
    session.refresh(plan)
    return violations
