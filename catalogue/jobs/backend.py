"""Starts the configured back-end in the service process: the embedded pool, or a sender of
Celery tasks (the work then happens in `catalogue worker` processes)."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from sqlalchemy.engine import Engine

from catalogue.jobs import metrics
from catalogue.jobs.kinds import Handlers
from catalogue.jobs.pool import WorkerPool
from catalogue.jobs.queue import set_dispatcher
from catalogue.jobs.runner import JobRuntime
from catalogue.settings import JobBackend, Settings

log = logging.getLogger("catalogue.jobs")


class Backend:
    def __init__(self, pool: WorkerPool | None) -> None:
        self.pool = pool

    def stop(self) -> None:
        set_dispatcher(None)
        if self.pool is not None:
            self.pool.stop()


class CeleryDispatcher:
    """Sends one task per job id; the task claims the job in the table, so duplicates are harmless."""

    def __init__(self, settings: Settings, handlers: Handlers, storage: object) -> None:
        from catalogue.jobs.celery_app import make_celery

        self.celery = make_celery(settings, handlers, lambda _settings: storage)

    def notify(self, job_ids: Sequence[int]) -> None:
        from catalogue.jobs.celery_app import send_jobs

        send_jobs(self.celery, job_ids)


def start(engine: Engine, settings: Settings, handlers: Handlers, storage: object) -> Backend:
    """Start running ``handlers``' jobs, each given ``storage`` (built once by the caller)."""
    metrics.watch(engine)
    if settings.job_backend is JobBackend.celery:
        set_dispatcher(CeleryDispatcher(settings, handlers, storage))
        return Backend(None)
    if not settings.job_pool_enabled:
        return Backend(None)
    pool = WorkerPool(JobRuntime(engine, settings, handlers, storage))
    pool.start()
    set_dispatcher(pool)
    return Backend(pool)
