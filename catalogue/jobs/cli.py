"""`catalogue jobs ...` (registered by catalogue.cli), and the worker loop that `catalogue worker`
(catalogue.worker) runs with the product's job kinds."""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from sqlmodel import Session

from catalogue.db import make_engine
from catalogue.jobs import service
from catalogue.jobs.kinds import Handlers
from catalogue.jobs.pool import WorkerPool, run_until_idle
from catalogue.jobs.runner import JobRuntime
from catalogue.models.jobs import JobStatus
from catalogue.settings import JobBackend, Settings, get_settings

jobs_app = typer.Typer(no_args_is_help=True, help="Background jobs: list, show, cancel, retry.")
console = Console()


def run_worker(
    settings: Settings,
    handlers: Handlers,
    make_storage: Callable[[Settings], object],
    concurrency: int | None = None,
    until_idle: bool = False,
) -> None:
    """Run ``handlers``' jobs: a Celery worker (CATALOGUE_JOB_BACKEND=celery) or a standalone
    embedded pool (until stopped, or with ``until_idle`` until no job is due)."""
    size = concurrency or settings.job_workers
    if settings.job_backend is JobBackend.celery and not until_idle:
        from catalogue.jobs.celery_app import run_worker as run_celery_worker

        run_celery_worker(settings, handlers, make_storage, size, settings.log_level.upper())
        return
    runtime = JobRuntime(make_engine(settings), settings, handlers, make_storage(settings))
    if until_idle:
        done = run_until_idle(runtime)
        console.print(f"ran {len(done)} jobs")
        return
    pool = WorkerPool(runtime, size)
    stopping = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stopping.set())
    pool.start()
    console.print(f"job worker pool: {size} threads on {settings.sqlalchemy_url.split('@')[-1]}")
    stopping.wait()
    console.print("stopping: running jobs go back to the queue")
    pool.stop()


@jobs_app.command("list")
def jobs_list(
    status: Annotated[JobStatus | None, typer.Option(help="queued, running, ...")] = None,
    kind: Annotated[str | None, typer.Option()] = None,
    limit: int = 30,
) -> None:
    """List jobs, newest first."""
    with Session(make_engine(get_settings())) as session:
        rows, total = service.list_jobs(session, status, kind, limit, 0)
        table = Table(
            "id", "kind", "status", "progress", "attempts", "message / error", title=f"{total} jobs"
        )
        for job in rows:
            table.add_row(
                str(job.id),
                job.kind,
                job.status,
                f"{job.progress:.0f}%",
                f"{job.attempts}/{job.max_attempts}",
                job.error or job.message or "",
            )
        console.print(table)


@jobs_app.command("show")
def jobs_show(job_id: int) -> None:
    """Show one job in full."""
    with Session(make_engine(get_settings())) as session:
        public = service.to_public(service.get_job(session, job_id))
        console.print_json(public.model_dump_json())


@jobs_app.command("cancel")
def jobs_cancel(job_id: int) -> None:
    """Cancel a queued job, or ask a running one to stop."""
    with Session(make_engine(get_settings())) as session:
        job = service.cancel(session, service.get_job(session, job_id))
        console.print(
            f"job {job.id}: {job.status}{' (stop requested)' if job.status == 'running' else ''}"
        )


@jobs_app.command("retry")
def jobs_retry(job_id: int) -> None:
    """Queue a failed or cancelled job again."""
    with Session(make_engine(get_settings())) as session:
        job = service.retry(session, service.get_job(session, job_id))
        console.print(f"job {job.id}: {job.status}")
