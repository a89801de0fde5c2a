"""Run one claimed job: heartbeat and cancel/timeout watch beside the handler, then record how
it ended. The embedded pool and the Celery task both call `run_claimed` with a `JobRuntime`."""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy.engine import Engine

from catalogue.jobs import store
from catalogue.jobs.context import JobContext
from catalogue.jobs.errors import InvalidJobPayload, UnknownJobKind
from catalogue.jobs.failures import Verdict, classify, job_error
from catalogue.jobs.kinds import Handlers, handler_for
from catalogue.jobs.metrics import DURATION, OUTCOMES
from catalogue.jobs.queue import plain_json
from catalogue.models.jobs import JobStatus
from catalogue.settings import Settings

log = logging.getLogger("catalogue.jobs")


@dataclass(frozen=True, slots=True)
class JobRuntime:
    """What a worker process runs jobs with: built once per process by an entry point."""

    engine: Engine
    settings: Settings
    handlers: Handlers
    storage: object
    """Passed on to every handler as ``ctx.storage`` (the engine knows no storage)."""


def new_worker_id(label: str = "pool") -> str:
    # Unique per claim, so a worker never mistakes a job it lost and re-claimed for its own.
    return f"{socket.gethostname()}:{os.getpid()}:{label}:{uuid.uuid4().hex[:8]}"


class StopReason(StrEnum):
    cancel = "cancel"
    timeout = "timeout"
    lost = "lost"
    shutdown = "shutdown"


class Watch(threading.Thread):
    """Renews the lease every heartbeat, and stops the job on cancel, timeout or lost lease."""

    def __init__(
        self,
        engine: Engine,
        job: store.Claimed,
        settings: Settings,
        stop: threading.Event,
        shutdown: threading.Event,
    ) -> None:
        super().__init__(name=f"job-{job.id}-watch", daemon=True)
        self.engine, self.job, self.settings = engine, job, settings
        self.stop, self.shutdown = stop, shutdown
        self.done = threading.Event()
        self.reason: StopReason | None = None
        self.deadline = time.monotonic() + job.timeout_s

    def run(self) -> None:
        interval = min(self.settings.job_heartbeat_s, self.settings.job_lease_s / 3)
        while not self.done.wait(interval):
            try:
                cancel = store.heartbeat(self.engine, self.job, self.settings.job_lease_s)
            except Exception:  # a missed beat is survivable while the lease lasts
                log.warning("job %s: heartbeat failed", self.job.id, exc_info=True)
                continue
            if cancel is None:
                self._halt(StopReason.lost)
            elif cancel:
                self._halt(StopReason.cancel)
            elif time.monotonic() > self.deadline:
                self._halt(StopReason.timeout)
            elif self.shutdown.is_set():
                self._halt(StopReason.shutdown)

    def _halt(self, reason: StopReason) -> None:
        if self.reason is None:
            self.reason = reason
            log.info("job %s: stopping (%s)", self.job.id, reason)
        self.stop.set()


def run_claimed(
    runtime: JobRuntime, job: store.Claimed, shutdown: threading.Event | None = None
) -> JobStatus | None:
    """Run ``job`` and record its outcome; returns the new status (None: the lease was lost)."""
    started = time.monotonic()
    outcome = _run(runtime, job, shutdown or threading.Event())
    label = outcome or "lost"
    OUTCOMES.labels(job.kind, label).inc()
    DURATION.labels(job.kind, label).observe(time.monotonic() - started)
    return outcome


def _run(runtime: JobRuntime, job: store.Claimed, shutdown: threading.Event) -> JobStatus | None:
    engine, settings = runtime.engine, runtime.settings
    if job.cancel_requested:
        return JobStatus.cancelled if store.cancelled(engine, job) else None
    if job.attempts > job.max_attempts:
        gave_up = job_error("worker_lost", attempts=job.max_attempts)
        return JobStatus.failed if store.fail(engine, job, gave_up) else None
    try:
        handler = handler_for(runtime.handlers, job.kind)
    except UnknownJobKind as unknown:
        return JobStatus.failed if store.fail(engine, job, str(unknown)) else None

    stop = threading.Event()
    watch = Watch(engine, job, settings, stop, shutdown)
    ctx = JobContext(
        job_id=job.id,
        kind=job.kind,
        payload=job.payload,
        attempt=job.attempts,
        settings=settings,
        engine=engine,
        storage=runtime.storage,
        _sink=lambda fraction, message: store.report_progress(engine, job, fraction, message),
        _stop=stop,
        _shutdown=shutdown,
    )
    watch.start()
    result: dict[str, Any] | None = None
    error: BaseException | None = None
    try:
        returned = handler.fn(ctx)
        result = None if returned is None else plain_json(returned)
    except InvalidJobPayload as bad:
        error = InvalidJobPayload(f"the handler's result is not plain JSON: {bad}")
    except Exception as raised:  # every failure is classified below, in one place
        error = raised
    finally:
        watch.done.set()
        watch.join()
    # A shutdown seen by the handler before the next heartbeat noticed it is still a shutdown.
    reason = watch.reason or (StopReason.shutdown if shutdown.is_set() else None)
    return _record(engine, settings, job, reason, result, error)


def _record(
    engine: Engine,
    settings: Settings,
    job: store.Claimed,
    reason: StopReason | None,
    result: dict[str, Any] | None,
    error: BaseException | None,
) -> JobStatus | None:
    if reason is StopReason.lost:
        log.warning("job %s: lease lost to another worker; its result is discarded", job.id)
        return None
    if reason is StopReason.cancel:
        return JobStatus.cancelled if store.cancelled(engine, job) else None
    if reason is StopReason.shutdown:
        return JobStatus.queued if store.release(engine, job) else None
    if reason is StopReason.timeout:
        return _retry_or_fail(engine, settings, job, job_error("timed_out", seconds=job.timeout_s))
    if error is None:
        return JobStatus.succeeded if store.succeed(engine, job, result) else None
    failure = classify(error)
    if failure.verdict is Verdict.permanent:
        return JobStatus.failed if store.fail(engine, job, failure.message) else None
    return _retry_or_fail(engine, settings, job, failure.message)


def _retry_or_fail(
    engine: Engine, settings: Settings, job: store.Claimed, message: str
) -> JobStatus | None:
    if job.attempts >= job.max_attempts:
        final = job_error("gave_up", error=message, attempts=job.attempts)
        return JobStatus.failed if store.fail(engine, job, final) else None
    delay = store.backoff_delay(
        job.attempts, settings.job_backoff_base_s, settings.job_backoff_max_s
    )
    return JobStatus.queued if store.retry_later(engine, job, message, delay) else None
