"""Dependency aliases shared by the API and the pages: what the application factory built once,
read from `app.state` (settings, database engine, storage). The ingest service's own alias is
`catalogue.ingest.IngestDep`: a foundation names no service."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any

import anyio
import anyio.to_thread
from fastapi import Depends, Path, Query, Request
from sqlmodel import Session

from catalogue.overload import admitted
from catalogue.settings import Settings
from catalogue.storage import Storage
from catalogue.validation import MAX_ID


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_session(request: Request) -> AsyncIterator[Session]:
    """The request's session, once the request is admitted (`overload.admitted`): waiting for
    room happens here on the event loop, never on a worker thread, and a refusal is a 503."""
    settings: Settings = request.app.state.settings
    async with admitted(request.app, settings.request_concurrency, settings.request_queue_s):
        session = Session(request.app.state.engine)
        try:
            yield session
        finally:
            # Closing gives the connection back (a rollback): on a thread of its own, not one
            # of the pool's, and not cut short if the request is cancelled.
            with anyio.CancelScope(shield=True):
                await anyio.to_thread.run_sync(session.close, limiter=anyio.CapacityLimiter(1))


def get_storage(request: Request) -> Storage:
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
