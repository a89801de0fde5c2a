"""Ingest: resumable uploads (tus) of masters into storage, assets, probing as a job."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.engine import Engine
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from catalogue.ingest.staging import StagingArea
from catalogue.ingest.uploads import Ingest, sweep_expired
from catalogue.settings import Settings
from catalogue.storage import Storage

log = logging.getLogger("catalogue.ingest")


def make_ingest(settings: Settings, storage: Storage) -> Ingest:
    return Ingest(settings, storage, StagingArea(settings.upload_root))


async def get_ingest(request: Request) -> Ingest:
    """The service the application factory built once (`app.state.ingest`)."""
    ingest: Ingest = request.app.state.ingest
    return ingest


IngestDep = Annotated[Ingest, Depends(get_ingest)]


@contextlib.asynccontextmanager
async def sweeping_uploads(engine: Engine, ingest: Ingest) -> AsyncIterator[None]:
    """Sweep expired uploads at start, then every `upload_sweep_interval_s`."""
    task = asyncio.create_task(_sweep_forever(engine, ingest))
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def _sweep_forever(engine: Engine, ingest: Ingest) -> None:
    while True:
        try:
            removed = await run_in_threadpool(_sweep_once, engine, ingest)
            if removed:
                log.info("collected %d expired uploads", removed)
        except Exception:  # a failed sweep must not stop the next one; the error is logged
            log.exception("upload sweep failed")
        await asyncio.sleep(ingest.settings.upload_sweep_interval_s)


def _sweep_once(engine: Engine, ingest: Ingest) -> int:
    with Session(engine) as session:
        return sweep_expired(session, ingest)


__all__ = ["Ingest", "IngestDep", "make_ingest", "sweeping_uploads"]
