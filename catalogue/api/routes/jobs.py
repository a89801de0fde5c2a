"""Background jobs: list, read, cancel, retry, and follow progress as server-sent events.

Staff read jobs, editors and admins act on them; partners get 404 on every job route."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Query, Request
from fastapi.responses import StreamingResponse
from sqlalchemy.engine import Engine
from sqlmodel import Session

from catalogue.api.responses import PAGE_SIZE_CAP, errors
from catalogue.auth.guards import ANY_ROLE, STAFF, Allow
from catalogue.deps import PathId, SessionDep, SettingsDep
from catalogue.errors import InvalidInput
from catalogue.jobs import service
from catalogue.models import Role, User
from catalogue.models.jobs import TERMINAL, JobPage, JobPublic, JobStatus
from catalogue.routing import Router

router = Router(prefix="/jobs", tags=["jobs"])

# How often the event stream looks at the job, and how often it proves the connection is alive.
SSE_POLL_S = 0.5
SSE_KEEPALIVE_S = 15.0


# One event of the stream as OpenAPI 3.2 describes it (`itemSchema`): a bare `schema` of a
# text/event-stream would describe every event, and a string is not what a client parses.
SSE_EVENT = {
    "type": "object",
    "required": ["id", "event", "data"],
    "properties": {
        "id": {"type": "string", "description": "1, 2, 3, ... per connection"},
        "event": {"type": "string", "enum": ["progress", "end"]},
        "data": {
            "type": "string",
            "contentMediaType": "application/json",
            "description": 'progress: the job (as GET /jobs/{job_id}); end: {"status": ...}',
        },
    },
}


# Other roles get 404: for partners, jobs do not exist (nor, for programmers, the job actions).
JobViewer = Annotated[User, Depends(Allow(*STAFF, hide_from=ANY_ROLE))]
JobOperator = Annotated[User, Depends(Allow(Role.admin, Role.editor, hide_from=ANY_ROLE))]


@router.get("", response_model=JobPage, responses=errors(404))
def list_jobs(
    session: SessionDep,
    user: JobViewer,
    settings: SettingsDep,
    job_status: Annotated[JobStatus | None, Query(alias="status")] = None,
    kind: Annotated[str | None, Query(max_length=64)] = None,
    limit: Annotated[int | None, Query(ge=1, le=PAGE_SIZE_CAP)] = None,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> JobPage:
    """Jobs, newest first, filtered by status and kind."""
    page_size = limit or settings.page_size_default
    if page_size > settings.page_size_max:
        raise InvalidInput(f"limit: at most {settings.page_size_max} per page; use offset for more")
    rows, total = service.list_jobs(session, job_status, kind, page_size, offset)
    return JobPage(
        items=[service.to_public(j) for j in rows], total=total, limit=page_size, offset=offset
    )


@router.get("/{job_id}", response_model=JobPublic, responses=errors(404))
def read_job(session: SessionDep, user: JobViewer, job_id: PathId) -> JobPublic:
    """One job with its progress (percent), message, attempts and error."""
    return service.to_public(service.get_job(session, job_id))


@router.post("/{job_id}/cancel", response_model=JobPublic, responses=errors(404, 409))
def cancel_job(session: SessionDep, user: JobOperator, job_id: PathId) -> JobPublic:
    """Cancel: a queued job at once; a running one stops at its next check (within seconds)."""
    return service.to_public(service.cancel(session, service.get_job(session, job_id)))


@router.post("/{job_id}/retry", response_model=JobPublic, responses=errors(404, 409))
def retry_job(session: SessionDep, user: JobOperator, job_id: PathId) -> JobPublic:
    """Queue a failed or cancelled job again with fresh attempts (409 for any other status)."""
    return service.to_public(service.retry(session, service.get_job(session, job_id)))


@router.get(
    "/{job_id}/events",
    response_class=StreamingResponse,
    responses={
        200: {"content": {"text/event-stream": {"itemSchema": SSE_EVENT}},
              "description": "`event: progress` with the job as JSON on every change, then "
                             "`event: end` once it succeeded, failed or was cancelled"},
        **errors(404),
    },
)  # fmt: skip
def job_events(
    session: SessionDep, user: JobViewer, request: Request, job_id: PathId
) -> StreamingResponse:
    """Server-sent events following a job until it ends."""
    service.get_job(session, job_id)  # 404 before the stream starts
    stream = _events(request, request.app.state.engine, job_id)
    return StreamingResponse(
        stream,
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


def _snapshot(engine: Engine, job_id: int) -> JobPublic:
    with Session(engine) as session:
        return service.to_public(service.get_job(session, job_id))


def sse_message(event: str, data: str, event_id: int) -> str:
    lines = "".join(f"data: {line}\n" for line in data.splitlines() or [""])
    return f"id: {event_id}\nevent: {event}\n{lines}\n"


async def _events(request: Request, engine: Engine, job_id: int) -> AsyncIterator[str]:
    last: str | None = None
    sent = 0
    quiet = 0.0
    while not await request.is_disconnected():
        job = await asyncio.to_thread(_snapshot, engine, job_id)
        body = job.model_dump_json()
        if body != last:
            last, sent, quiet = body, sent + 1, 0.0
            yield sse_message("progress", body, sent)
        if job.status in TERMINAL:
            yield sse_message("end", json.dumps({"status": job.status}), sent + 1)
            return
        if quiet >= SSE_KEEPALIVE_S:
            quiet = 0.0
            yield ": keep-alive\n\n"
        await asyncio.sleep(SSE_POLL_S)
        quiet += SSE_POLL_S
