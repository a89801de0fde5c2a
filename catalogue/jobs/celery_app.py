"""The scale-out back-end: Celery workers with a Redis broker. A task carries only a job id and
runs the same claim/run/record code as the embedded pool; the job table stays the truth.

Delivery settings (see FIELD_NOTES): acks_late + reject_on_worker_lost so a killed worker's task
is redelivered; prefetch 1 so a long transcode does not hold other jobs hostage; a broker
visibility timeout longer than the hard time limit so a long job is not delivered twice."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Sequence

from celery import Celery
from celery.signals import worker_ready

from catalogue.db import make_engine
from catalogue.errors import CatalogueError
from catalogue.jobs import store
from catalogue.jobs.kinds import Handlers, longest_timeout
from catalogue.jobs.queue import set_dispatcher
from catalogue.jobs.runner import JobRuntime, new_worker_id, run_claimed
from catalogue.settings import Settings

log = logging.getLogger("catalogue.jobs")

TASK = "catalogue.run_job"
QUEUE = "catalogue-jobs"
# Beyond a handler's own timeout (which stops it cleanly), Celery kills the process.
HARD_LIMIT_GRACE_S = 120

StorageFactory = Callable[[Settings], object]


class BrokerNotConfigured(CatalogueError):
    pass


def hard_time_limit(handlers: Handlers) -> int:
    return longest_timeout(handlers) + HARD_LIMIT_GRACE_S


def make_celery(settings: Settings, handlers: Handlers, make_storage: StorageFactory) -> Celery:
    """The Celery app; its task runs ``handlers`` with a storage ``make_storage`` builds once per
    worker process."""
    if not settings.broker_url:
        raise BrokerNotConfigured(
            "CATALOGUE_JOB_BACKEND=celery needs CATALOGUE_BROKER_URL, e.g. redis://127.0.0.1:6379/0"
        )
    hard = hard_time_limit(handlers)
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
        runtime = _process_runtime(settings, handlers, make_storage)
        job = store.claim(
            runtime.engine, new_worker_id("celery"), settings.job_lease_s, job_id=job_id
        )
        if job is None:
            # Done, cancelled, not yet due, or running elsewhere: the table says so, nothing to do.
            return "not claimable"
        return str(run_claimed(runtime, job))

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


_runtimes: dict[int, JobRuntime] = {}


def _process_runtime(
    settings: Settings, handlers: Handlers, make_storage: StorageFactory
) -> JobRuntime:
    # One engine and one storage per process: pooled connections and storage clients must never
    # cross a fork (prefork workers).
    pid = os.getpid()
    if pid not in _runtimes:
        _runtimes[pid] = JobRuntime(
            make_engine(settings), settings, handlers, make_storage(settings)
        )
    return _runtimes[pid]


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


def run_worker(
    settings: Settings,
    handlers: Handlers,
    make_storage: StorageFactory,
    concurrency: int,
    loglevel: str = "INFO",
) -> None:
    """Run a Celery worker in the foreground (`catalogue worker`)."""
    app = make_celery(settings, handlers, make_storage)
    log.info("Celery worker: %d processes, broker %s", concurrency, _redacted(settings.broker_url))
    sweeper = Sweeper(app, settings, interval_s=max(1.0, settings.job_poll_s))
    # Started once the pool's processes are forked, never before: a fork while the sweeper
    # thread held a lock (importing the database driver on its first query) left a pool process
    # blocked forever on its first job (seen once in the cluster test).
    worker_ready.connect(lambda **_: sweeper.start(), weak=False)
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
