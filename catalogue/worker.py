"""`catalogue worker`: the job engine running the product's job kinds (`HANDLERS`), each
worker process with one storage."""

from __future__ import annotations

from collections.abc import Collection
from typing import Annotated

import typer
from sqlalchemy.engine import Engine

from catalogue.handlers import HANDLERS
from catalogue.jobs import pool
from catalogue.jobs.cli import run_worker
from catalogue.jobs.runner import JobRuntime
from catalogue.media.ffmpeg import require_ffmpeg
from catalogue.models.jobs import JobStatus
from catalogue.settings import Settings, get_settings
from catalogue.storage import make_storage


def runtime(engine: Engine, settings: Settings) -> JobRuntime:
    return JobRuntime(engine, settings, HANDLERS, make_storage(settings))


def run_until_idle(
    engine: Engine, settings: Settings, kinds: Collection[str] | None = None
) -> list[tuple[int, JobStatus | None]]:
    """Run the product's due jobs in this thread until none is left (tests, one-shot runs)."""
    return pool.run_until_idle(runtime(engine, settings), kinds=kinds)


def worker(
    concurrency: Annotated[
        int | None, typer.Option(help="parallel jobs; default: CATALOGUE_JOB_WORKERS")
    ] = None,
    until_idle: Annotated[
        bool, typer.Option("--until-idle", help="run due jobs, then exit (embedded form)")
    ] = False,
) -> None:
    """Run jobs: a Celery worker (CATALOGUE_JOB_BACKEND=celery) or a standalone embedded pool."""
    settings = get_settings()
    require_ffmpeg(settings)  # jobs run FFmpeg on untrusted masters: refuse an unsupported one
    run_worker(settings, HANDLERS, make_storage, concurrency, until_idle)
