"""Editors' forms: create a title, edit it with its translations, add episodes, move it through
the workflow. The title services do the work, as for the API; a form that does not hold
together comes back with every problem named next to what was typed."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from pydantic_core import ErrorDetails
from starlette.datastructures import FormData

from catalogue.auth import cookies
from catalogue.deps import PathId, SessionDep
from catalogue.errors import InvalidInput
from catalogue.models import TitleKind, TitleStatus
from catalogue.models.titles import (
    STATUS_TRANSITIONS,
    EpisodeCreate,
    StatusChange,
    TitleCreate,
    TitlePublic,
    TitleUpdate,
)
from catalogue.routing import Router
from catalogue.titles import service
from catalogue.web.pages import PREFIX, EditorPage, PageRoute, render

router = Router(prefix=PREFIX, route_class=PageRoute, include_in_schema=False)

_LISTS = ("genres", "themes", "tags", "countries_of_origin")
_OPTIONAL = ("production_year", "runtime_minutes", "producer", "content_rating")


async def _form(request: Request) -> FormData:
    """The posted form, once its CSRF token is checked (the guard found the session)."""
    form = await request.form()
    found = cookies.from_request(request)
    assert found is not None
    token = form.get("csrf_token")
    cookies.check_unsafe(request, found, token if isinstance(token, str) else None)
    return form


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def fields(form: FormData) -> dict[str, Any]:
    """The title's fields as the API takes them: lists from comma-separated text, blank optional
    facts as none, translations from the repeated rows (a row without a title is no translation)."""
    data: dict[str, Any] = {
        "original_title": _text(form, "original_title"),
        "original_language": _text(form, "original_language"),
    }
    for name in _OPTIONAL:
        data[name] = _text(form, name) or None  # a cleared box clears the fact
    for name in _LISTS:
        items = [part.strip() for part in _text(form, name).split(",")]
        data[name] = [item for item in items if item]
    rows = zip(
        form.getlist("loc_language"), form.getlist("loc_title"), form.getlist("loc_synopsis"),
        strict=True,
    )  # fmt: skip
    data["localizations"] = [
        {"language": str(language).strip(), "title": str(title).strip(), "synopsis": str(synopsis)}
        for language, title, synopsis in rows
        if str(title).strip()
    ]
    return data


def problems(error: ValidationError) -> list[tuple[str, ErrorDetails]]:
    """(field, what is wrong), one per problem; the page says both in the reader's words (the
    error's type and figures, not pydantic's English message: `explain.form_problem`)."""
    return [(str(item["loc"][0]) if item["loc"] else "", item) for item in error.errors()]


def _form_page(
    request: Request,
    user: Any,
    title: TitlePublic | None,
    values: dict[str, Any],
    errors: list[tuple[str, ErrorDetails]],
    status_code: int = 200,
    episodes: list[TitlePublic] | None = None,
) -> HTMLResponse:
    return render(
        request,
        "title_form.html",
        user,
        status_code,
        title=title,
        values=values,
        problems=errors,
        kinds=list(TitleKind),
        episodes=episodes or [],
        next_statuses=sorted(STATUS_TRANSITIONS[TitleStatus(title.status)]) if title else [],
        active="catalogue",
    )


def _values(title: TitlePublic) -> dict[str, Any]:
    values: dict[str, Any] = title.model_dump()
    for name in _LISTS:
        values[name] = ", ".join(values.get(name) or [])
    values["localizations"] = [loc.model_dump() for loc in title.localizations]
    return values


@router.get("/titles/new", response_class=HTMLResponse)
def new_title(request: Request, user: EditorPage) -> HTMLResponse:
    return _form_page(request, user, None, {"kind": "drama", "localizations": []}, [])


@router.post("/titles/new", response_class=HTMLResponse)
async def create_title(request: Request, session: SessionDep, user: EditorPage) -> Response:
    form = await _form(request)
    data = {**fields(form), "kind": _text(form, "kind")}
    try:
        created = service.create(session, TitleCreate.model_validate(data))
    except ValidationError as invalid:
        return _form_page(request, user, None, _shown(data), problems(invalid), 422)
    return RedirectResponse(f"{PREFIX}/titles/{created.id}", status_code=303)


@router.get("/titles/{title_id}/edit", response_class=HTMLResponse)
def edit_title(
    request: Request, session: SessionDep, user: EditorPage, title_id: PathId
) -> HTMLResponse:
    title = service.read(session, user, title_id)
    return _form_page(
        request, user, title, _values(title), [], episodes=service.episodes(session, user, title_id)
    )


@router.post("/titles/{title_id}/edit", response_class=HTMLResponse)
async def save_title(
    request: Request, session: SessionDep, user: EditorPage, title_id: PathId
) -> Response:
    title = service.read(session, user, title_id)
    form = await _form(request)
    data = fields(form)
    try:
        service.update(session, user, title_id, TitleUpdate.model_validate(data))
    except ValidationError as invalid:
        episodes = service.episodes(session, user, title_id)
        shown = {**_values(title), **_shown(data)}
        return _form_page(request, user, title, shown, problems(invalid), 422, episodes)
    return RedirectResponse(f"{PREFIX}/titles/{title_id}", status_code=303)


@router.post("/titles/{title_id}/status", response_class=HTMLResponse)
async def change_status(
    request: Request, session: SessionDep, user: EditorPage, title_id: PathId
) -> Response:
    form = await _form(request)
    try:
        change = StatusChange.model_validate({"status": _text(form, "status")})
    except ValidationError as invalid:
        raise InvalidInput(f"status: {invalid.errors()[0]['msg']}") from None
    service.set_status(session, user, title_id, change.status)  # a refused move: 409 page
    return RedirectResponse(f"{PREFIX}/titles/{title_id}/edit", status_code=303)


@router.post("/titles/{title_id}/episodes", response_class=HTMLResponse)
async def add_episode(
    request: Request, session: SessionDep, user: EditorPage, title_id: PathId
) -> Response:
    series = service.read(session, user, title_id)
    form = await _form(request)
    data = {
        "original_title": _text(form, "episode_title"),
        "original_language": _text(form, "episode_language") or series.original_language,
        "season_number": _text(form, "season_number") or "1",
        "episode_number": _text(form, "episode_number"),
    }
    try:
        episode = service.add_episode(session, user, title_id, EpisodeCreate.model_validate(data))
    except ValidationError as invalid:
        episodes = service.episodes(session, user, title_id)
        return _form_page(request, user, series, _values(series), problems(invalid), 422, episodes)
    return RedirectResponse(f"{PREFIX}/titles/{episode.id}/edit", status_code=303)


def _shown(data: dict[str, Any]) -> dict[str, Any]:
    """What was typed, back in the form as text."""
    return {
        **data,
        **{name: ", ".join(data.get(name) or []) for name in _LISTS},
    }
