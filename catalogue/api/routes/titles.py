"""Titles, series and episodes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query, Response, status

from catalogue.api.responses import errors
from catalogue.auth.guards import AnyUser, Editor
from catalogue.deps import PathId, SessionDep, SettingsDep, StorageDep
from catalogue.models.titles import (
    EpisodeCreate,
    StatusChange,
    TitleCreate,
    TitlePage,
    TitlePublic,
    TitleUpdate,
)
from catalogue.routing import Router
from catalogue.titles import service
from catalogue.titles.filters import TitleFilters

router = Router(prefix="/titles", tags=["titles"])


@router.get("", response_model=TitlePage, responses=errors())
def list_titles(
    session: SessionDep,
    user: AnyUser,
    settings: SettingsDep,
    filters: Annotated[TitleFilters, Query()],
) -> TitlePage:
    """List top-level titles (series, features, promos) with filters, search, sorting and pages."""
    return service.list_page(session, user, filters, settings)


@router.post(
    "", response_model=TitlePublic, status_code=status.HTTP_201_CREATED, responses=errors(409)
)
def create_title(session: SessionDep, user: Editor, body: TitleCreate) -> TitlePublic:
    """Create a title in `draft`."""
    return service.create(session, body)


@router.get("/{title_id}", response_model=TitlePublic, responses=errors(404))
def read_title(session: SessionDep, user: AnyUser, title_id: PathId) -> TitlePublic:
    return service.read(session, user, title_id)


@router.patch("/{title_id}", response_model=TitlePublic, responses=errors(404, 409))
def update_title(
    session: SessionDep, user: Editor, title_id: PathId, body: TitleUpdate
) -> TitlePublic:
    """Change metadata; lists sent replace the stored ones. Status has its own endpoint."""
    return service.update(session, user, title_id, body)


@router.delete("/{title_id}", status_code=status.HTTP_204_NO_CONTENT, responses=errors(404, 409))
def delete_title(
    session: SessionDep, storage: StorageDep, user: Editor, title_id: PathId
) -> Response:
    """Delete a draft or archived title with its episodes, masters, renditions and subtitles; a
    published one must be archived first."""
    service.remove(session, storage, user, title_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/{title_id}/status", response_model=TitlePublic, responses=errors(404, 409))
def change_status(
    session: SessionDep, user: Editor, title_id: PathId, body: StatusChange
) -> TitlePublic:
    """Move through the workflow: draft -> published -> archived (-> draft); others are refused."""
    return service.set_status(session, user, title_id, body.status)


@router.get("/{title_id}/episodes", response_model=list[TitlePublic], responses=errors(404))
def list_episodes(session: SessionDep, user: AnyUser, title_id: PathId) -> list[TitlePublic]:
    return service.episodes(session, user, title_id)


@router.post(
    "/{title_id}/episodes",
    response_model=TitlePublic,
    status_code=status.HTTP_201_CREATED,
    responses=errors(404, 409),
)
def create_episode(
    session: SessionDep, user: Editor, title_id: PathId, body: EpisodeCreate
) -> TitlePublic:
    """Add an episode (a title of its own, of the series' kind) to a series."""
    return service.add_episode(session, user, title_id, body)
