"""Ingest: resumable uploads (tus) of masters into storage, assets, probing as a job."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from fastapi import FastAPI
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from catalogue.ingest.staging import StagingArea
from catalogue.ingest.uploads import Ingest, sweep_expired
from catalogue.settings import Settings
from catalogue.storage import make_storage

log = logging.getLogger("catalogue.ingest")


def make_ingest(settings: Settings) -> Ingest:
    return Ingest(settings, make_storage(settings), StagingArea(settings.upload_root))


def ingest_of(app: FastAPI) -> Ingest:
    ingest: Ingest | None = getattr(app.state, "ingest", None)
    if ingest is None:
        ingest = app.state.ingest = make_ingest(app.state.settings)
    return ingest


@contextlib.asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Sweep expired uploads at start, then every `upload_sweep_interval_s`."""
    ingest = ingest_of(app)
    task = asyncio.create_task(_sweep_forever(app, ingest))
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def _sweep_forever(app: FastAPI, ingest: Ingest) -> None:
    while True:
        try:
            removed = await run_in_threadpool(_sweep_once, app, ingest)
            if removed:
                log.info("collected %d expired uploads", removed)
        except Exception:  # a failed sweep must not stop the next one; the error is logged
            log.exception("upload sweep failed")
        await asyncio.sleep(ingest.settings.upload_sweep_interval_s)


def _sweep_once(app: FastAPI, ingest: Ingest) -> int:
    with Session(app.state.engine) as session:
        return sweep_expired(session, ingest)


__all__ = ["Ingest", "ingest_of", "lifespan", "make_ingest"]
