"""Screening tours: plan (a job), read, edit under the rules, re-plan, publish, export; the
readiness matrix; partners' published screenings."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import Depends, Header, Query, Response, status
from fastapi.responses import JSONResponse
from pydantic import ValidationError

from catalogue.api.responses import PAGE_SIZE_CAP, ErrorMessage, errors
from catalogue.auth.guards import STAFF, Allow, AnyUser
from catalogue.deps import PathId, SessionDep, SettingsDep, id_query
from catalogue.errors import InvalidInput
from catalogue.jobs import service as jobs_service
from catalogue.models import Role, User
from catalogue.models.jobs import JobPublic
from catalogue.models.titles import TitleKind
from catalogue.models.tours import (
    CopiesIn,
    EditResult,
    MustScreenIn,
    PlanCreate,
    PlanPage,
    PlanPublic,
    PlanState,
    PlanStatusChange,
    PlanSummary,
    PublishRefusal,
    ReadinessPublic,
    ScreeningEdit,
    ScreeningPublic,
    TitleSelection,
)
from catalogue.planner import PlannerError
from catalogue.routing import Router
from catalogue.tours import (
    edits,
    exports,
    planning,
    publishing,
    readiness,
    requests,
    selection,
    store,
)
from catalogue.tours.inputs import Inputs
from catalogue.validation import Id, LanguageTag

router = Router(tags=["tours"])


# For partners plans do not exist (404); staff without the role get 403.
PlanReader = Annotated[User, Depends(Allow(*STAFF, hide_from=[Role.partner]))]
PlanWriter = Annotated[User, Depends(Allow(Role.admin, Role.programmer, hide_from=[Role.partner]))]


def reader_language(
    user: AnyUser,
    lang: Annotated[
        LanguageTag | None,
        Query(description="language to name titles in (default: the user's, then Accept-Language)"),
    ] = None,
    accept_language: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> str:
    """Titles are named in this language, else its family, else English, else the original."""
    asked = (accept_language or "").split(",")[0].split(";")[0].strip()
    return lang or user.locale or (asked if asked and asked != "*" else "en")


Reader = Annotated[str, Depends(reader_language)]


class Accepted(PlanSummary):
    job: JobPublic


def _accepted(session: SessionDep, plan_id: int, job_id: int) -> Accepted:
    plan = store.get(session, plan_id)
    job = jobs_service.get_job(session, job_id)
    summary = store.summary(plan, store.counts(session, [plan_id]).get(plan_id, 0))
    return Accepted.model_validate({**summary.model_dump(), "job": jobs_service.to_public(job)})


@router.post(
    "/plans", response_model=Accepted, status_code=status.HTTP_202_ACCEPTED, responses=errors(404)
)
def create_plan(session: SessionDep, user: PlanWriter, body: PlanCreate) -> Accepted:
    """Plan a tour: region (M49 names, continents or ISO codes), a year or dates, titles by ids
    or by kind/campaign/tag, optional venues, rules and weights. Answers 202 with the planning
    job; the plan's screenings appear when it is done."""
    plan = planning.new_plan(session, body, user)
    job = planning.request(session, plan, user)
    return _accepted(session, plan.id or 0, job.id or 0)


@router.get("/plans", response_model=PlanPage, responses=errors(404))
def list_plans(
    session: SessionDep,
    user: PlanReader,
    settings: SettingsDep,
    state: PlanState | None = None,
    limit: Annotated[int | None, Query(ge=1, le=PAGE_SIZE_CAP)] = None,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> PlanPage:
    page_size = limit or settings.page_size_default
    if page_size > settings.page_size_max:
        raise InvalidInput(f"limit: at most {settings.page_size_max} per page; use offset for more")
    items, total = store.list_plans(session, state, page_size, offset)
    return PlanPage(items=items, total=total, limit=page_size, offset=offset)


def _titles_filter(
    title_ids: list[int] | None, kind: list[TitleKind] | None, campaign: str | None, tag: str | None
) -> TitleSelection:
    try:
        return TitleSelection(
            title_ids=title_ids or [], kinds=kind or [], campaign=campaign, tag=tag
        )
    except ValidationError as error:
        raise InvalidInput(f"titles: {error.errors()[0]['msg']}") from None


@router.get("/readiness", response_model=ReadinessPublic, responses=errors(404))
def read_readiness(
    session: SessionDep,
    user: PlanReader,
    region: Annotated[list[str], Query(min_length=1, max_length=50)],
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
    starts_on: date | None = None,
    ends_on: date | None = None,
    title_ids: Annotated[list[Id] | None, Query(max_length=2000)] = None,
    kind: Annotated[list[TitleKind] | None, Query()] = None,
    campaign: Annotated[str | None, Query(max_length=80)] = None,
    tag: Annotated[str | None, Query(max_length=64)] = None,
) -> ReadinessPublic:
    """Titles x countries of a region over a year or dates: for each cell, whether the title can
    be screened there, and if not what is missing (rights, subtitles, a rendition, a venue)."""
    if year is not None and (starts_on or ends_on):
        raise InvalidInput("give a year or starts_on and ends_on, not both")
    try:
        period = selection.period(year, starts_on, ends_on)
    except PlannerError as error:
        raise InvalidInput(str(error)) from None
    inputs = Inputs(
        countries=selection.countries(region),
        period=period,
        title_ids=tuple(
            selection.title_ids(session, _titles_filter(title_ids, kind, campaign, tag))
        ),
    )
    return readiness.matrix(session, inputs)


@router.get("/partner/screenings", response_model=list[ScreeningPublic], responses=errors())
def partner_screenings(
    session: SessionDep,
    user: AnyUser,
    reader: Reader,
    partner_id: Annotated[int | None, id_query("staff: one partner's")] = None,
) -> list[ScreeningPublic]:
    """Screenings of published plans: a partner's at its own venues; staff see every
    partner's. A plan taken back to draft or archived takes its screenings away."""
    if user.role == Role.partner:
        if user.partner_id is None:
            return []
        partner_id = user.partner_id
    return store.partner_screenings(session, partner_id, reader)


def _own_partner(user: User, partner_id: int | None) -> int:
    if user.role == Role.partner:
        if user.partner_id is None:
            raise InvalidInput("this account belongs to no partner")
        return user.partner_id
    if partner_id is None:
        raise InvalidInput("partner_id: staff name the partner whose screenings to export")
    return partner_id


@router.get(
    "/partner/screenings.ics",
    response_class=Response,
    responses={200: {"content": {"text/calendar": {}}}, **errors()},
)
def partner_screenings_ical(
    session: SessionDep,
    user: AnyUser,
    reader: Reader,
    partner_id: Annotated[int | None, id_query("staff: one partner's")] = None,
) -> Response:
    """A partner's screenings of published plans as iCalendar: each screening keeps its UID
    when it moves, SEQUENCE grows with each change, a cancelled one is STATUS:CANCELLED."""
    partner = _own_partner(user, partner_id)
    body = exports.partner_ical(session, partner, f"screenings partner {partner}", reader)
    return Response(
        body,
        media_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="screenings.ics"'},
    )


@router.get(
    "/partner/screenings.csv",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}}, **errors()},
)
def partner_screenings_csv(
    session: SessionDep,
    user: AnyUser,
    reader: Reader,
    partner_id: Annotated[int | None, id_query("staff: one partner's")] = None,
) -> Response:
    """The same screenings as CSV: title (reader's language and original), venue, city,
    country, day and time in the venue's zone, language."""
    partner = _own_partner(user, partner_id)
    return Response(
        exports.partner_csv(session, partner, reader),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="screenings.csv"'},
    )


# Exports come before /plans/{plan_id}: "/plans/7.ics" would otherwise match it.
@router.get(
    "/plans/{plan_id}.ics",
    response_class=Response,
    responses={200: {"content": {"text/calendar": {}}}, **errors(404)},
)
def export_ical(
    session: SessionDep,
    user: PlanReader,
    reader: Reader,
    plan_id: PathId,
    venue: Annotated[int | None, id_query("one venue's calendar")] = None,
    partner: Annotated[int | None, id_query("one partner's calendar")] = None,
) -> Response:
    """iCalendar with VTIMEZONE blocks. Each screening keeps its UID when it moves, SEQUENCE
    grows with each change, a cancelled screening partners were shown is STATUS:CANCELLED, and
    screenings that break rules say so in their description."""
    plan = store.get(session, plan_id)
    body = exports.ical(session, plan, reader, venue_id=venue, partner_id=partner)
    return Response(
        body,
        media_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="plan-{plan_id}.ics"'},
    )


@router.get(
    "/plans/{plan_id}.csv",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}}, **errors(404)},
)
def export_csv(session: SessionDep, user: PlanReader, reader: Reader, plan_id: PathId) -> Response:
    """One row per screening: title (reader's language and original), venue, city, country,
    day and time in the venue's zone, language, state and flags (pinned, breaks rules)."""
    plan = store.get(session, plan_id)
    return Response(
        exports.csv(session, plan, reader),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="plan-{plan_id}.csv"'},
    )


@router.get(
    "/plans/{plan_id}.json",
    response_class=Response,
    responses={200: {"content": {"application/json": {}}}, **errors(404)},
)
def export_json(session: SessionDep, user: PlanReader, plan_id: PathId) -> Response:
    plan = store.get(session, plan_id)
    return Response(exports.json(session, plan), media_type="application/json")


@router.get("/plans/{plan_id}", response_model=PlanPublic, responses=errors(404))
def read_plan(session: SessionDep, user: PlanReader, reader: Reader, plan_id: PathId) -> PlanPublic:
    """The plan with its inputs, the solver's figures, screenings and left-out reasons."""
    return store.to_public(session, store.get(session, plan_id), reader)


@router.get("/plans/{plan_id}/readiness", response_model=ReadinessPublic, responses=errors(404))
def read_plan_readiness(session: SessionDep, user: PlanReader, plan_id: PathId) -> ReadinessPublic:
    return readiness.matrix(session, Inputs.of(store.get(session, plan_id)))


@router.post("/plans/{plan_id}/edits", response_model=EditResult, responses=errors(404, 409))
def edit_plan(
    session: SessionDep, user: PlanWriter, reader: Reader, plan_id: PathId, body: ScreeningEdit
) -> EditResult:
    """Move, add, cancel or pin a screening. An edit that breaks a rule is refused (422, with
    the reasons) unless `force` is true: then it is stored, flagged with the reasons."""
    plan = store.get(session, plan_id)
    violations = edits.apply(session, plan, body)
    return EditResult(
        plan=store.to_public(session, plan, reader), violations=store.violations_json(violations)
    )


@router.put("/plans/{plan_id}/copies", response_model=PlanPublic, responses=errors(404, 409))
def set_copies(
    session: SessionDep, user: PlanWriter, reader: Reader, plan_id: PathId, body: list[CopiesIn]
) -> PlanPublic:
    """Titles of the plan that travel as a limited number of copies (the whole list; [] for
    none). The plan goes back to draft; plan again to apply it."""
    plan = store.get(session, plan_id)
    publishing.reopen(session, plan)
    requests.replace_copies(session, plan, body)
    session.commit()
    return store.to_public(session, plan, reader)


@router.put("/plans/{plan_id}/must-screen", response_model=PlanPublic, responses=errors(404, 409))
def set_must_screen(
    session: SessionDep, user: PlanWriter, reader: Reader, plan_id: PathId, body: list[MustScreenIn]
) -> PlanPublic:
    """Screenings the plan must include: a title in a country or at a venue, between dates when
    given (the whole list; [] for none). The plan goes back to draft; plan again to apply it;
    requests that cannot all hold are named in the left-out reasons."""
    plan = store.get(session, plan_id)
    publishing.reopen(session, plan)
    requests.replace_requests(session, plan, body)
    session.commit()
    return store.to_public(session, plan, reader)


@router.post(
    "/plans/{plan_id}/replan",
    response_model=Accepted,
    status_code=status.HTTP_202_ACCEPTED,
    responses=errors(404, 409),
)
def replan(session: SessionDep, user: PlanWriter, plan_id: PathId) -> Accepted:
    """Plan again from today's catalogue, keeping pinned and published screenings and as much
    of the current version as the objective allows (a job)."""
    plan = store.get(session, plan_id)
    publishing.reopen(session, plan)
    job = planning.request(session, plan, user)
    return _accepted(session, plan_id, job.id or 0)


@router.post(
    "/plans/{plan_id}/status",
    response_model=PlanSummary,
    responses={
        **errors(404),
        409: {
            "model": PublishRefusal | ErrorMessage,
            "description": "The plan cannot go to that state, or publishing needs confirmation",
        },
    },
)
def change_status(
    session: SessionDep, user: PlanWriter, plan_id: PathId, body: PlanStatusChange
) -> PlanSummary | JSONResponse:
    """Publish (partners then see the screenings at their venues while the plan stays
    published), archive, or back to draft (partners no longer see them). Publishing answers 409
    with the screenings that break rules (send `confirm_forced`) and those booking a venue and
    day another published plan holds (resolve them, or send `force`)."""
    try:
        plan = publishing.change_state(session, store.get(session, plan_id), body)
    except publishing.PublishRefused as refused:
        return JSONResponse(refused.refusal.model_dump(mode="json"), status_code=409)
    return store.summary(plan, store.counts(session, [plan_id]).get(plan_id, 0))
