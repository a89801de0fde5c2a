"""The scale-out back-end: Celery workers with a Redis broker. A task carries only a job id and
runs the same claim/run/record code as the embedded pool; the job table stays the truth.

Delivery settings (see FIELD_NOTES): acks_late + reject_on_worker_lost so a killed worker's task
is redelivered; prefetch 1 so a long transcode does not hold other jobs hostage; a broker
visibility timeout longer than the hard time limit so a long job is not delivered twice."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Sequence

from celery import Celery
from sqlalchemy.engine import Engine

from catalogue.db import make_engine
from catalogue.errors import CatalogueError
from catalogue.jobs import store
from catalogue.jobs.queue import set_dispatcher
from catalogue.jobs.registry import handler_for, load_handlers, registered_kinds
from catalogue.jobs.runner import new_worker_id, run_claimed
from catalogue.settings import Settings

log = logging.getLogger("catalogue.jobs")

TASK = "catalogue.run_job"
QUEUE = "catalogue-jobs"
# Beyond a handler's own timeout (which stops it cleanly), Celery kills the process.
HARD_LIMIT_GRACE_S = 120


class BrokerNotConfigured(CatalogueError):
    pass


def hard_time_limit(settings: Settings) -> int:
    load_handlers(settings.job_handler_modules)
    longest = max((handler_for(k).timeout_s for k in registered_kinds()), default=600)
    return longest + HARD_LIMIT_GRACE_S


def make_celery(settings: Settings) -> Celery:
    if not settings.broker_url:
        raise BrokerNotConfigured(
            "CATALOGUE_JOB_BACKEND=celery needs CATALOGUE_BROKER_URL, e.g. redis://127.0.0.1:6379/0"
        )
    hard = hard_time_limit(settings)
    app = Celery("catalogue", broker=settings.broker_url, set_as_current=False)
    app.conf.update(
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_ignore_result=True,
        task_time_limit=hard,
        task_default_queue=QUEUE,
        broker_transport_options={"visibility_timeout": 2 * hard},
        broker_connection_retry_on_startup=True,
        worker_hijack_root_logger=False,
        worker_send_task_events=False,
    )

    sender = _Sender(app)

    @app.task(name=TASK, ignore_result=True)
    def run_job(job_id: int) -> str:
        # Jobs a handler enqueues (a probe queues the transcode) are sent straight away too.
        set_dispatcher(sender)
        engine = _process_engine(settings)
        job = store.claim(engine, new_worker_id("celery"), settings.job_lease_s, job_id=job_id)
        if job is None:
            # Done, cancelled, not yet due, or running elsewhere: the table says so, nothing to do.
            return "not claimable"
        return str(run_claimed(engine, settings, job))

    return app


class _Sender:
    def __init__(self, app: Celery) -> None:
        self.app = app

    def notify(self, job_ids: Sequence[int]) -> None:
        send_jobs(self.app, job_ids)


def send_jobs(app: Celery, job_ids: Sequence[int]) -> None:
    for job_id in job_ids:
        app.send_task(TASK, args=[job_id], queue=QUEUE)


def _redacted(url: str | None) -> str:
    return (url or "").rsplit("@", 1)[-1]


_engines: dict[int, Engine] = {}


def _process_engine(settings: Settings) -> Engine:
    # One engine per process: pooled connections must never cross a fork (prefork workers).
    pid = os.getpid()
    if pid not in _engines:
        _engines[pid] = make_engine(settings)
    return _engines[pid]


class Sweeper(threading.Thread):
    """Sends tasks for due jobs nobody was told about: retries whose backoff ended, jobs whose
    worker died (lease expired), and jobs enqueued while the broker was down."""

    def __init__(self, app: Celery, settings: Settings, interval_s: float) -> None:
        super().__init__(name="job-sweeper", daemon=True)
        self.app, self.settings, self.interval_s = app, settings, interval_s
        self.halt = threading.Event()

    def run(self) -> None:
        engine = make_engine(self.settings)
        while not self.halt.wait(self.interval_s):
            try:
                ids = store.due_for_dispatch(engine, stale_after_s=self.settings.job_lease_s)
                if ids:
                    log.info("sweep: dispatching jobs %s", ids)
                    send_jobs(self.app, ids)
            except Exception:  # the database or broker may be briefly away
                log.warning("sweep failed; trying again in %.0f s", self.interval_s, exc_info=True)


def run_worker(settings: Settings, concurrency: int, loglevel: str = "INFO") -> None:
    """Run a Celery worker in the foreground (`catalogue worker`)."""
    app = make_celery(settings)
    log.info("Celery worker: %d processes, broker %s", concurrency, _redacted(settings.broker_url))
    sweeper = Sweeper(app, settings, interval_s=max(1.0, settings.job_poll_s))
    sweeper.start()
    app.worker_main(
        [
            "worker",
            f"--loglevel={loglevel}",
            f"--concurrency={concurrency}",
            "--pool=prefork",
            f"--queues={QUEUE}",
            "--without-gossip",
            "--without-mingle",
            f"--hostname=catalogue-{os.getpid()}@%h",
        ]
    )
    sweeper.halt.set()
