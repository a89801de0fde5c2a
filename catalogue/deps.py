"""Dependency aliases shared by the API and the pages: what the application factory built once,
read from `app.state` (settings, database engine, storage). The ingest service's own alias is
`catalogue.ingest.IngestDep`: a foundation names no service."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Annotated, Any

import anyio
import anyio.to_thread
from fastapi import Depends, Path, Query, Request
from sqlmodel import Session

from catalogue.overload import admitted
from catalogue.settings import Settings
from catalogue.storage import Storage
from catalogue.validation import MAX_ID


# The aliases that only read app.state are async: a sync dependency costs a worker-thread hop.
async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


class _Place:
    """The request's place at the database (`overload.admitted`), which it may give back for a
    while and take again (`away_from_database`)."""

    def __init__(self, request: Request) -> None:
        self._app = request.app
        self._settings: Settings = request.app.state.settings
        self._held: AsyncExitStack | None = None

    async def take(self) -> None:
        held = AsyncExitStack()
        settings = self._settings
        await held.enter_async_context(
            admitted(self._app, settings.request_concurrency, settings.request_queue_s)
        )
        self._held = held

    async def give_back(self) -> None:
        held, self._held = self._held, None
        if held is not None:
            await held.aclose()


async def get_session(request: Request) -> AsyncIterator[Session]:
    """The request's session, once the request is admitted (`overload.admitted`): waiting for
    room happens here on the event loop, never on a worker thread, and a refusal is a 503."""
    place = _Place(request)
    await place.take()
    request.state.database_place = place
    session = Session(request.app.state.engine)
    try:
        yield session
    finally:
        try:
            await _close(session)
        finally:
            await place.give_back()


async def _close(session: Session) -> None:
    # Closing gives the connection back (a rollback): on a thread of its own, not one of the
    # pool's, and not cut short if the request is cancelled.
    with anyio.CancelScope(shield=True):
        await anyio.to_thread.run_sync(session.close, limiter=anyio.CapacityLimiter(1))


@asynccontextmanager
async def away_from_database(request: Request, session: Session) -> AsyncIterator[None]:
    """For a long stretch that needs no database (a tus PATCH's body): the request's connection
    and its place go back for the stretch, and are taken again after it (or 503), so slow
    uploads do not starve other requests. The session is reusable after; its objects are
    detached."""
    place: _Place = request.state.database_place
    await _close(session)
    await place.give_back()
    try:
        yield
    finally:
        await place.take()


async def get_storage(request: Request) -> Storage:
    storage: Storage = request.app.state.storage
    return storage


SettingsDep = Annotated[Settings, Depends(get_settings)]
SessionDep = Annotated[Session, Depends(get_session)]
StorageDep = Annotated[Storage, Depends(get_storage)]


def id_query(description: str | None = None) -> Any:
    """An optional id in the query string, bounded like `PathId` (for a filter with its own
    description: `Annotated[int | None, id_query("...")] = None`)."""
    return Query(ge=1, le=MAX_ID, description=description)


# Every id in a path or query string: a number past the largest row id (MAX_ID) is refused with a 422 here,
# never handed to the database driver (which raises OverflowError on it).
PathId = Annotated[int, Path(ge=1, le=MAX_ID)]
QueryId = Annotated[int | None, id_query()]
