"""Resumable uploads of masters over tus 1.0 (https://tus.io/protocols/resumable-upload).

Bodies are streamed to the staged file in bounded buffers (never read whole), so memory stays
flat whatever the file size. Every answer carries `Tus-Resumable`, errors included.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import Header, Request, Response, status
from fastapi.exceptions import HTTPException, RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect

from catalogue.api.responses import ErrorMessage, errors, without_body
from catalogue.auth.guards import Editor
from catalogue.deps import SessionDep, SettingsDep, away_from_database
from catalogue.errors import CatalogueError, NotAuthenticated, page_message
from catalogue.ingest import Ingest, IngestDep, tus
from catalogue.ingest import uploads as service
from catalogue.ingest.uploads import OpenPatch
from catalogue.models import Upload
from catalogue.routing import Router

log = logging.getLogger("catalogue.ingest")

FLUSH_BYTES = 4 * 1024 * 1024  # written and hashed in a worker thread per 4 MiB
LEASE_POLL_S = 0.2  # how often a PATCH waiting for another request's lease looks again


class TusRoute(APIRoute):
    """Adds `Tus-Resumable` to every answer, and turns errors into answers here so they get it."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def tus_handler(request: Request) -> Response:
            try:
                response = await handler(request)
            except CatalogueError as error:
                response = _error(request, error.status_code, error.message)
                if isinstance(error, NotAuthenticated):
                    response.headers["WWW-Authenticate"] = "Bearer"
                if isinstance(error, tus.UnsupportedVersion):
                    response.headers["Tus-Version"] = tus.VERSION
            except HTTPException as error:
                response = _error(request, error.status_code, str(error.detail))
            except RequestValidationError as error:
                first = error.errors()[0] if error.errors() else {}
                where = ".".join(str(p) for p in first.get("loc", ()))
                response = _error(request, 422, f"{where}: {first.get('msg', 'invalid')}")
            response.headers["Tus-Resumable"] = tus.VERSION
            response.headers["Access-Control-Expose-Headers"] = tus.EXPOSED_HEADERS
            return response

        return tus_handler


def _error(request: Request, code: int, message: str) -> Response:
    if request.method == "HEAD":  # a HEAD answer has no body
        return Response(status_code=code)
    return JSONResponse({"detail": message}, status_code=code)


router = Router(prefix="/uploads", tags=["uploads"], route_class=TusRoute)

_TUS_ERRORS: dict[int | str, dict[str, Any]] = {
    **errors(404, 409, 413),
    410: {"model": ErrorMessage, "description": "The upload expired; start a new one"},
    412: {"model": ErrorMessage, "description": "Tus-Resumable is not 1.0.0"},
    415: {
        "model": ErrorMessage,
        "description": "Content-Type is not application/offset+octet-stream",
    },
    423: {"model": ErrorMessage, "description": "Another request is writing this upload; retry"},
    460: {"model": ErrorMessage, "description": "Upload-Checksum does not match; chunk discarded"},
}

TusVersion = Annotated[str | None, Header(alias="Tus-Resumable")]


@router.options(
    "", status_code=status.HTTP_204_NO_CONTENT, response_class=Response, responses=errors()
)
def discover(user: Editor, settings: SettingsDep) -> Response:
    """What this tus server supports: version, extensions, size limit, checksum algorithms."""
    return Response(
        status_code=status.HTTP_204_NO_CONTENT,
        headers={
            "Tus-Version": tus.VERSION,
            "Tus-Extension": tus.EXTENSIONS,
            "Tus-Max-Size": str(settings.upload_max_bytes),
            "Tus-Checksum-Algorithm": ",".join(tus.CHECKSUMS),
        },
    )


def _header(description: str) -> dict[str, Any]:
    return {"description": description, "schema": {"type": "string"}}


_TUS_HEADERS = {"Tus-Resumable": _header("1.0.0")}


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_class=Response,
    responses={
        201: {
            "description": "Upload created; its URL is in Location",
            "headers": {
                **_TUS_HEADERS,
                "Location": _header("the upload's URL, for HEAD, PATCH and DELETE"),
                "Upload-Offset": _header("bytes stored (creation-with-upload)"),
                "Upload-Expires": _header("when an unfinished upload is collected (RFC 9110 date)"),
            },
        },
        **_TUS_ERRORS,
    },
)
async def create(
    request: Request,
    session: SessionDep,
    ingest: IngestDep,
    user: Editor,
    tus_resumable: TusVersion = None,
    upload_length: Annotated[str | None, Header(alias="Upload-Length")] = None,
    upload_metadata: Annotated[
        str | None,
        Header(
            alias="Upload-Metadata",
            description="title_id (required), kind (default main), filename; values base64",
        ),
    ] = None,
    upload_checksum: Annotated[str | None, Header(alias="Upload-Checksum")] = None,
) -> Response:
    """Start an upload of `Upload-Length` bytes for a title; the answer's `Location` is its URL.
    With a body (`Content-Type: application/offset+octet-stream`) the first bytes come along."""
    tus.require_version(tus_resumable)
    length = tus.parse_integer("Upload-Length", upload_length)
    wanted = service.UploadRequest.from_metadata(tus.parse_metadata(upload_metadata))
    upload = await run_in_threadpool(service.create_upload, session, ingest, user, length, wanted)
    headers = {"Location": f"{request.scope.get('root_path', '')}/uploads/{upload.id}"}
    if request.headers.get("content-type"):
        try:
            upload = await _append(request, session, ingest, upload, 0, upload_checksum)
        except tus.TooLarge:
            raise
        except CatalogueError as error:  # the upload exists: the client resumes from its offset
            log.info("creation-with-upload %s kept no bytes: %s", upload.id, error.message)
        headers["Upload-Offset"] = str(upload.offset)
    return Response(status_code=201, headers={**headers, **_state_headers(upload)})


@router.head(
    "/{upload_id}",
    response_class=Response,
    responses={
        200: {
            "description": "The upload's state, in headers",
            "headers": {
                **_TUS_HEADERS,
                "Upload-Offset": _header("bytes stored: resume from here"),
                "Upload-Length": _header("the declared total size"),
                "Upload-Expires": _header("when an unfinished upload is collected"),
            },
        },
        **without_body(_TUS_ERRORS),
    },
)
def offset(
    session: SessionDep,
    ingest: IngestDep,
    user: Editor,
    upload_id: str,
    tus_resumable: TusVersion = None,
) -> Response:
    """How many bytes the server has: resume from `Upload-Offset`."""
    tus.require_version(tus_resumable)
    upload = service.get_own(session, ingest, user, upload_id)
    return Response(
        status_code=200,
        headers={
            "Upload-Offset": str(upload.offset),
            "Upload-Length": str(upload.length),
            "Upload-Metadata": tus.encode_metadata(upload.client_metadata),
            "Cache-Control": "no-store",
            **_state_headers(upload),
        },
    )


@router.patch(
    "/{upload_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=_TUS_ERRORS,
)
async def append(
    request: Request,
    session: SessionDep,
    ingest: IngestDep,
    user: Editor,
    upload_id: str,
    tus_resumable: TusVersion = None,
    upload_offset: Annotated[str | None, Header(alias="Upload-Offset")] = None,
    upload_checksum: Annotated[str | None, Header(alias="Upload-Checksum")] = None,
) -> Response:
    """Append the body (`Content-Type: application/offset+octet-stream`) at `Upload-Offset`.
    A wrong offset is 409 and a checksum mismatch 460; neither changes the upload."""
    tus.require_version(tus_resumable)
    tus.require_offset_content_type(request.headers.get("content-type"))
    at = tus.parse_integer("Upload-Offset", upload_offset)
    upload = await run_in_threadpool(service.get_own, session, ingest, user, upload_id)
    upload = await _append(request, session, ingest, upload, at, upload_checksum)
    return Response(
        status_code=204, headers={"Upload-Offset": str(upload.offset), **_state_headers(upload)}
    )


@router.delete(
    "/{upload_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=_TUS_ERRORS,
)
def terminate(
    session: SessionDep,
    ingest: IngestDep,
    user: Editor,
    upload_id: str,
    tus_resumable: TusVersion = None,
) -> Response:
    """Abandon an upload: its bytes are removed (a finished upload's asset stays)."""
    tus.require_version(tus_resumable)
    service.terminate(session, ingest, service.get_own(session, ingest, user, upload_id))
    return Response(status_code=204)


async def _append(
    request: Request,
    session: SessionDep,
    ingest: Ingest,
    upload: Upload,
    at: int,
    checksum_header: str | None,
) -> Upload:
    checksum = tus.parse_checksum(checksum_header) if checksum_header else None
    declared = request.headers.get("content-length")
    content_length = tus.parse_integer("Content-Length", declared) if declared else None
    if content_length == 0 and upload.offset == upload.length == at:
        await run_in_threadpool(service.finish_if_whole, session, ingest, upload)
        return upload
    patch = await _begin(request, session, ingest, upload.id, at, content_length, checksum)
    engine = request.app.state.engine
    try:
        # The body may take minutes: its place at the database goes to other requests meanwhile.
        async with away_from_database(request, session):
            whole_body = await _receive(
                request, patch, lambda: service.renew(engine, ingest, patch)
            )
    except BaseException:
        await run_in_threadpool(service.abandon, engine, ingest, patch)
        raise
    return await run_in_threadpool(service.end_patch, session, ingest, patch, whole_body=whole_body)


async def _begin(
    request: Request,
    session: SessionDep,
    ingest: Ingest,
    upload_id: str,
    at: int,
    content_length: int | None,
    checksum: tuple[str, bytes] | None,
) -> OpenPatch:
    """Take the upload, waiting up to one lease length for a request still writing it (e.g. the
    one a client cut off just before retrying, or one whose node died): then 423."""
    deadline = time.monotonic() + ingest.settings.upload_lease_s + LEASE_POLL_S
    while True:
        try:
            return await run_in_threadpool(
                service.begin_patch, session, ingest, upload_id, at, content_length, checksum
            )
        except tus.UploadLocked:
            if time.monotonic() > deadline:
                raise
        async with away_from_database(request, session):
            await asyncio.sleep(LEASE_POLL_S)


async def _receive(request: Request, patch: OpenPatch, renew: Callable[[], None]) -> bool:
    """Stream the body into the staged file; False when the client went away mid-body.

    Double-buffered: one batch of received chunks is written and hashed in a worker thread while
    the next is received, so the socket is not paused for the disk (at most two batches in
    memory); chunks are never joined (no copy). The upload's lease is renewed on a timer
    meanwhile, however slowly the body comes."""
    staged, room = patch.staged, patch.room
    batch: list[bytes] = []
    batched = 0
    writing: asyncio.Future[None] | None = None
    whole = True
    lease = asyncio.ensure_future(_keep_lease(renew, request.app.state.settings.upload_lease_s))
    try:
        async for chunk in request.stream():
            batched += len(chunk)
            if staged.received + batched > room:
                raise tus.TooLarge(page_message("upload_body_too_long", room=room))
            batch.append(chunk)
            if batched >= FLUSH_BYTES:
                if writing is not None:
                    await writing
                if lease.done():  # the lease was lost: stop writing what is no longer ours
                    lease.result()
                writing = asyncio.ensure_future(run_in_threadpool(staged.write, batch))
                batch, batched = [], 0
    except ClientDisconnect:
        whole = False
    finally:
        try:
            if writing is not None:
                await writing
        finally:
            lease.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await lease
    if batch:
        await run_in_threadpool(staged.write, batch)
    return whole


async def _keep_lease(renew: Callable[[], None], lease_s: float) -> None:
    while True:
        await asyncio.sleep(lease_s / 3)
        await run_in_threadpool(renew)


def _state_headers(upload: Upload) -> dict[str, str]:
    headers = {"Catalogue-Asset-Id": str(upload.asset_id)}
    if upload.completed_at is None:
        headers["Upload-Expires"] = tus.http_date(upload.expires_at)
    return headers
