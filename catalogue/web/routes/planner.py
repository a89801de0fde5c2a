"""The tour planner for staff: plans, a new plan (a job followed live), and one plan as a month
calendar, a venues-by-time timeline, by country, with what was left out and why. Programmers and
administrators edit and publish through the plan API; other staff read. Partners see no planner."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from catalogue.campaigns import service as campaigns_service
from catalogue.deps import PathId, SessionDep
from catalogue.models import Role, User
from catalogue.models.tours import PlanState
from catalogue.partners import service as partners_service
from catalogue.titles import service as titles_service
from catalogue.tours import store
from catalogue.web import calendar_view
from catalogue.web.pages import PREFIX, PageRoute, StaffPage, render

router = APIRouter(prefix=PREFIX, route_class=PageRoute, include_in_schema=False)
PAGE = 50
KINDS = ("drama", "documentary", "promo")


def may_plan(user: User) -> bool:
    return user.role in (Role.admin, Role.programmer)


@router.get("/plans", response_class=HTMLResponse)
def plans_page(
    request: Request,
    session: SessionDep,
    user: StaffPage,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> HTMLResponse:
    plans, total = store.list_plans(session, None, PAGE, offset)
    titles = titles_service.published(session)
    return render(
        request,
        "planner.html",
        user,
        active="planner",
        plans=plans,
        total=total,
        offset=offset,
        page_size=PAGE,
        titles=titles,
        kinds=KINDS,
        campaigns=campaigns_service.names(session),
        may_plan=may_plan(user),
        default_year=date.today().year + 1,
    )


@router.get("/plans/{plan_id}", response_class=HTMLResponse)
def plan_page(
    request: Request, session: SessionDep, user: StaffPage, plan_id: PathId
) -> HTMLResponse:
    plan = store.to_public(session, store.get(session, plan_id))
    title_ids = set(plan.title_ids) | {r.title_id for r in plan.left_out if r.title_id}
    titles = titles_service.names(session, title_ids)
    venues = partners_service.venues_in(session, plan.countries)
    return render(
        request,
        "plan.html",
        user,
        active="planner",
        plan=plan,
        months=calendar_view.months(plan.screenings),
        timeline=calendar_view.timeline(plan.screenings),
        by_country=calendar_view.by_country(plan.screenings),
        titles=titles,
        venues=venues,
        may_plan=may_plan(user) and plan.state != PlanState.archived,
    )
