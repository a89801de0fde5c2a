"""Ingest: resumable uploads (tus) of masters into storage, assets, probing as a job."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.engine import Engine
from sqlmodel import Session

from catalogue.ingest.staging import StagingArea
from catalogue.ingest.uploads import Ingest, sweep_expired
from catalogue.periodic import repeating
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

    def sweep() -> None:
        removed = _sweep_once(engine, ingest)
        if removed:
            log.info("collected %d expired uploads", removed)

    interval = ingest.settings.upload_sweep_interval_s
    async with repeating(sweep, interval, what="upload sweep", at_start=True):
        yield


def _sweep_once(engine: Engine, ingest: Ingest) -> int:
    with Session(engine) as session:
        return sweep_expired(session, ingest)


__all__ = ["Ingest", "IngestDep", "make_ingest", "sweeping_uploads"]
