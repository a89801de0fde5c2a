"""The tour planner for staff: plans, a new plan (a job followed live), and one plan as a month
calendar, a venues-by-time timeline, by country, with what was left out and why. Programmers and
administrators edit and publish through the plan API; other staff read. Partners see no planner."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import Query, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field

from catalogue.auth import cookies
from catalogue.campaigns import service as campaigns_service
from catalogue.deps import PathId, SessionDep
from catalogue.models import Role, User
from catalogue.models.tours import PlanState
from catalogue.partners import service as partners_service
from catalogue.routing import Router
from catalogue.titles import service as titles_service
from catalogue.tours import naming, planning, store
from catalogue.tours.inputs import rules_from, weights_from
from catalogue.web import calendar_view, explain, i18n
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
        title_names={title_id: name.name for title_id, name in titles.items()},
        venue_names={v.id: v.name for v in venues},
        inputs_json={
            "copies": [c.model_dump(mode="json") for c in plan.copies],
            "must_screen": [r.model_dump(mode="json", exclude={"id"}) for r in plan.must_screen],
        },
        rules=rules_from(plan.rules),
        weights=weights_from(plan.weights),
        may_plan=may_plan(user) and plan.state != PlanState.archived,
    )


class ViolationText(BaseModel):
    rule: str = Field(max_length=40)
    detail: str = Field(max_length=2000)


class Said(BaseModel):
    rule: str
    sentence: str
    detail: str | None


@router.post("/plans/{plan_id}/violations")
def violation_sentences(
    request: Request,
    session: SessionDep,
    user: StaffPage,
    plan_id: PathId,
    violations: Annotated[list[ViolationText], Field(max_length=500)],
) -> list[Said]:
    """The plan page's scripts get the API's violations (an edit refused or flagged, a publish
    to confirm) in English: each is said here in the reader's language, as the page says it."""
    cookies.check_script_call(request)
    reader = language_of(request, user)
    plan = store.to_public(session, store.get(session, plan_id), reader)
    titles = naming.title_names(session, set(plan.title_ids), reader)
    venues = partners_service.venues_in(session, plan.countries)
    venue_names = {v.id: v.name for v in venues if v.id is not None}
    names = explain.Names({i: n.name for i, n in titles.items()}, venue_names)
    translations, fmt = i18n.translations(reader), i18n.Formatter(reader)
    said = [(v, explain.violation(v.model_dump(), translations, fmt, names)) for v in violations]
    return [
        Said(rule=explain.rule_name(v.rule, translations), sentence=e.sentence, detail=e.detail)
        for v, e in said
    ]
