"""A plan's titles with limited copies and its must-screen requests: checked against the plan's
titles, countries and venues, stored, and handed to the planner."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from sqlalchemy import delete
from sqlmodel import Session, col, select

from catalogue.errors import InvalidInput, page_message
from catalogue.models import TourCopies, TourPlan, TourRequest, Venue
from catalogue.models.tours import CopiesIn, MustScreenIn, MustScreenPublic
from catalogue.planner import Copies, MustScreen


def _in_plan(plan: TourPlan, field: str, title_id: int) -> None:
    if title_id not in plan.title_ids:
        titles = ", ".join(map(str, plan.title_ids))
        raise InvalidInput(
            page_message("title_not_in_plan", field=field, title=title_id, titles=titles)
        )


def replace_copies(session: Session, plan: TourPlan, items: Sequence[CopiesIn]) -> None:
    twice = [t for t, n in Counter(c.title_id for c in items).items() if n > 1]
    if twice:
        raise InvalidInput(page_message("copies_twice", title=twice[0]))
    for item in items:
        _in_plan(plan, "copies", item.title_id)
    session.execute(delete(TourCopies).where(col(TourCopies.plan_id) == plan.id))
    for item in items:
        session.add(TourCopies(plan_id=plan.id or 0, title_id=item.title_id, count=item.count))


def _check_request(session: Session, plan: TourPlan, item: MustScreenIn) -> None:
    _in_plan(plan, "must_screen", item.title_id)
    if item.country is not None and item.country not in plan.countries:
        countries = ", ".join(plan.countries)
        raise InvalidInput(
            page_message("country_not_in_plan", country=item.country, countries=countries)
        )
    if item.venue_id is not None:
        venue = session.get(Venue, item.venue_id)
        if venue is None or venue.country not in plan.countries:
            raise InvalidInput(page_message("venue_not_in_plan", venue=item.venue_id))
        if item.country is not None and venue.country != item.country:
            raise InvalidInput(
                page_message(
                    "venue_elsewhere",
                    venue=item.venue_id,
                    venue_country=venue.country,
                    country=item.country,
                )
            )
    for day in (item.earliest, item.latest):
        if day is not None and not plan.starts_on <= day <= plan.ends_on:
            raise InvalidInput(
                page_message("day_outside_plan", day=day, starts=plan.starts_on, ends=plan.ends_on)
            )


def replace_requests(session: Session, plan: TourPlan, items: Sequence[MustScreenIn]) -> None:
    for item in items:
        _check_request(session, plan, item)
    session.execute(delete(TourRequest).where(col(TourRequest.plan_id) == plan.id))
    for item in items:
        session.add(TourRequest(plan_id=plan.id or 0, **item.model_dump()))


def copies_of(session: Session, plan_id: int) -> list[CopiesIn]:
    rows = session.exec(
        select(TourCopies).where(TourCopies.plan_id == plan_id).order_by(col(TourCopies.title_id))
    )
    return [CopiesIn(title_id=r.title_id, count=r.count) for r in rows]


def requests_of(session: Session, plan_id: int) -> list[MustScreenPublic]:
    rows = session.exec(
        select(TourRequest).where(TourRequest.plan_id == plan_id).order_by(col(TourRequest.id))
    )
    return [MustScreenPublic.model_validate(r, from_attributes=True) for r in rows]


def request_key(request_id: int) -> str:
    """The planner's id of a stored request (named in MUST_SCREEN_CONFLICT evidence)."""
    return f"request-{request_id}"


def planner_inputs(
    session: Session, plan_id: int
) -> tuple[tuple[Copies, ...], tuple[MustScreen, ...]]:
    copies = tuple(Copies(str(c.title_id), c.count) for c in copies_of(session, plan_id))
    must = tuple(
        MustScreen(
            id=request_key(r.id),
            title_id=str(r.title_id),
            country=r.country,
            venue_id=str(r.venue_id) if r.venue_id is not None else None,
            earliest=r.earliest,
            latest=r.latest,
        )
        for r in requests_of(session, plan_id)
    )
    return copies, must
