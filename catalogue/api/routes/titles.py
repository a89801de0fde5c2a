"""Titles, series and episodes."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status

from catalogue import titles as service
from catalogue.api.deps import AnyUser, Editor, SessionDep, SettingsDep
from catalogue.api.responses import errors
from catalogue.errors import InvalidInput
from catalogue.ingest import ingest_of
from catalogue.models import TitleKind, TitleStatus
from catalogue.models.titles import (
    EpisodeCreate,
    StatusChange,
    TitleCreate,
    TitlePage,
    TitlePublic,
    TitleUpdate,
)
from catalogue.titles import TitleFilters, TitleSort
from catalogue.validation import language_tag

router = APIRouter(prefix="/titles", tags=["titles"])


@router.get("", response_model=TitlePage, responses=errors())
def list_titles(
    session: SessionDep,
    user: AnyUser,
    settings: SettingsDep,
    q: Annotated[
        str | None,
        Query(
            max_length=200, description="full-text search over titles and synopses, any language"
        ),
    ] = None,
    kind: TitleKind | None = None,
    title_status: Annotated[TitleStatus | None, Query(alias="status")] = None,
    year_from: Annotated[int | None, Query(ge=1888, le=2100)] = None,
    year_to: Annotated[int | None, Query(ge=1888, le=2100)] = None,
    language: Annotated[
        str | None, Query(description="BCP 47 tag; 'zh' also finds 'zh-Hans'")
    ] = None,
    campaign: Annotated[str | None, Query(max_length=80, description="campaign slug")] = None,
    tag: Annotated[str | None, Query(max_length=64)] = None,
    sort: Annotated[
        TitleSort | None, Query(description="default: relevance with q, else -updated")
    ] = None,
    limit: Annotated[
        int | None, Query(ge=1, description="page size (capped, see settings)")
    ] = None,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> TitlePage:
    """List top-level titles (series, features, promos) with filters, search, sorting and pages."""
    page_size = limit or settings.page_size_default
    if page_size > settings.page_size_max:
        raise InvalidInput(f"limit: at most {settings.page_size_max} per page; use offset for more")
    if year_from and year_to and year_from > year_to:
        raise InvalidInput("year_from is after year_to")
    if language is not None:
        try:
            language = language_tag(language)
        except ValueError as error:
            raise InvalidInput(f"language: {error}") from None
    filters = TitleFilters(
        kind=kind,
        status=title_status,
        year_from=year_from,
        year_to=year_to,
        language=language,
        campaign=campaign,
        tag=tag,
        q=q,
    )
    chosen = sort or (TitleSort.relevance if q else TitleSort.updated_desc)
    rows, total = service.list_titles(session, user, filters, chosen, page_size, offset)
    return TitlePage(
        items=service.to_public(session, rows), total=total, limit=page_size, offset=offset
    )


@router.post(
    "", response_model=TitlePublic, status_code=status.HTTP_201_CREATED, responses=errors(409)
)
def create_title(session: SessionDep, user: Editor, body: TitleCreate) -> TitlePublic:
    """Create a title in `draft`."""
    title = service.create_title(session, body, parent=None)
    return service.to_public(session, [title])[0]


@router.get("/{title_id}", response_model=TitlePublic, responses=errors(404))
def read_title(session: SessionDep, user: AnyUser, title_id: int) -> TitlePublic:
    return service.to_public(session, [service.get_visible(session, user, title_id)])[0]


@router.patch("/{title_id}", response_model=TitlePublic, responses=errors(404, 409))
def update_title(
    session: SessionDep, user: Editor, title_id: int, body: TitleUpdate
) -> TitlePublic:
    """Change metadata; lists sent replace the stored ones. Status has its own endpoint."""
    title = service.update_title(session, service.get_visible(session, user, title_id), body)
    return service.to_public(session, [title])[0]


@router.delete("/{title_id}", status_code=status.HTTP_204_NO_CONTENT, responses=errors(404, 409))
def delete_title(request: Request, session: SessionDep, user: Editor, title_id: int) -> Response:
    """Delete a draft or archived title with its episodes, masters, renditions and subtitles; a
    published one must be archived first."""
    prefixes = service.delete_title(session, service.get_visible(session, user, title_id))
    # Rows first, then bytes: a failure in between leaves unreferenced bytes, never a dangling row.
    storage = ingest_of(request.app).storage
    for prefix in prefixes:
        storage.delete_prefix(prefix)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/{title_id}/status", response_model=TitlePublic, responses=errors(404, 409))
def change_status(
    session: SessionDep, user: Editor, title_id: int, body: StatusChange
) -> TitlePublic:
    """Move through the workflow: draft -> published -> archived (-> draft); others are refused."""
    title = service.change_status(
        session, service.get_visible(session, user, title_id), body.status
    )
    return service.to_public(session, [title])[0]


@router.get("/{title_id}/episodes", response_model=list[TitlePublic], responses=errors(404))
def list_episodes(session: SessionDep, user: AnyUser, title_id: int) -> list[TitlePublic]:
    series = service.get_visible(session, user, title_id)
    return service.to_public(session, service.episodes_of(session, user, series))


@router.post(
    "/{title_id}/episodes",
    response_model=TitlePublic,
    status_code=status.HTTP_201_CREATED,
    responses=errors(404, 409),
)
def create_episode(
    session: SessionDep, user: Editor, title_id: int, body: EpisodeCreate
) -> TitlePublic:
    """Add an episode (a title of its own, of the series' kind) to a series."""
    series = service.get_visible(session, user, title_id)
    if series.kind == TitleKind.promo:
        raise InvalidInput("promos have no episodes")
    episode = service.create_title(session, body, parent=series)
    return service.to_public(session, [episode])[0]
