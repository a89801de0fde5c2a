"""The tour planner for staff: plans, a new plan (a job followed live), and one plan as a month
calendar, a venues-by-time timeline, by country, with what was left out and why. Programmers and
administrators edit and publish through the plan API; other staff read. Partners see no planner."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import Query, Request
from fastapi.responses import HTMLResponse

from catalogue.campaigns import service as campaigns_service
from catalogue.deps import PathId, SessionDep
from catalogue.models import Role, User
from catalogue.models.tours import PlanState
from catalogue.partners import service as partners_service
from catalogue.routing import Router
from catalogue.titles import service as titles_service
from catalogue.tours import naming, planning, store
from catalogue.tours.inputs import rules_from, weights_from
from catalogue.web import calendar_view, i18n
from catalogue.web.pages import PREFIX, PageRoute, StaffPage, language_of, render

router = Router(prefix=PREFIX, route_class=PageRoute, include_in_schema=False)
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
    translations = i18n.translations(language_of(request, user))
    plans, total = store.list_plans(session, None, PAGE, offset)
    published = titles_service.published(session)
    names = naming.title_names(
        session, [t.id for t in published if t.id is not None], language_of(request, user)
    )
    return render(
        request,
        "planner.html",
        user,
        active="planner",
        plans=plans,
        total=total,
        offset=offset,
        page_size=PAGE,
        titles=sorted(names.items(), key=lambda item: item[1].name.casefold()),
        kinds=KINDS,
        campaigns=campaigns_service.names(session),
        may_plan=may_plan(user),
        job_messages={m: translations.gettext(m) for m in planning.JOB_MESSAGES},
        default_year=date.today().year + 1,
        rules=rules_from({}),
    )


@router.get("/plans/{plan_id}", response_class=HTMLResponse)
def plan_page(
    request: Request, session: SessionDep, user: StaffPage, plan_id: PathId
) -> HTMLResponse:
    reader = language_of(request, user)
    plan = store.to_public(session, store.get(session, plan_id), reader)
    title_ids = set(plan.title_ids) | {r.title_id for r in plan.left_out if r.title_id}
    titles = naming.title_names(session, title_ids, reader)
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
        venue_names={v.id: v.name for v in venues},
        inputs_json={
            "copies": [c.model_dump(mode="json") for c in plan.copies],
            "must_screen": [r.model_dump(mode="json", exclude={"id"}) for r in plan.must_screen],
        },
        rules=rules_from(plan.rules),
        weights=weights_from(plan.weights),
        may_plan=may_plan(user) and plan.state != PlanState.archived,
    )
