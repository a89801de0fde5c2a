"""The embedded back-end: worker threads inside the service process (FFmpeg runs as a subprocess
anyway, so threads are enough), polling the job table and woken early by enqueue."""

from __future__ import annotations

import logging
import threading
from collections.abc import Collection, Sequence

from catalogue.jobs import store
from catalogue.jobs.runner import JobRuntime, new_worker_id, run_claimed
from catalogue.models.jobs import JobStatus

log = logging.getLogger("catalogue.jobs")


class WorkerPool:
    def __init__(self, runtime: JobRuntime, size: int | None = None) -> None:
        self.runtime = runtime
        self.size = size or runtime.settings.job_workers
        self._wake = threading.Event()
        self._shutdown = threading.Event()
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        for n in range(self.size):
            thread = threading.Thread(target=self._loop, name=f"job-worker-{n}", daemon=True)
            thread.start()
            self._threads.append(thread)
        log.info("embedded job pool started with %d workers", self.size)

    def notify(self, job_ids: Sequence[int]) -> None:
        self._wake.set()

    def stop(self, timeout_s: float = 30.0) -> None:
        """Stop taking jobs; running ones are handed back to the queue (not counted as attempts)."""
        self._shutdown.set()
        self._wake.set()
        for thread in self._threads:
            thread.join(timeout_s)
        self._threads.clear()

    def _loop(self) -> None:
        while not self._shutdown.is_set():
            try:
                ran = run_next(self.runtime, self._shutdown)
            except Exception:  # the database may be briefly away; keep the worker alive
                log.exception("job worker: could not claim or record a job")
                ran = None
            if ran is None:
                self._wake.wait(self.runtime.settings.job_poll_s)
                self._wake.clear()


def run_next(
    runtime: JobRuntime,
    shutdown: threading.Event | None = None,
    kinds: Collection[str] | None = None,
) -> tuple[int, JobStatus | None] | None:
    """Claim and run one due job (of ``kinds``, if given); None when there is none."""
    worker_id = new_worker_id(threading.current_thread().name)
    job = store.claim(runtime.engine, worker_id, runtime.settings.job_lease_s, kinds=kinds)
    if job is None:
        return None
    return job.id, run_claimed(runtime, job, shutdown)


def run_until_idle(
    runtime: JobRuntime,
    max_jobs: int = 1000,
    kinds: Collection[str] | None = None,
) -> list[tuple[int, JobStatus | None]]:
    """Run due jobs in this thread until none is left (for tests and one-shot CLI runs).

    ``kinds`` limits it to some job kinds, e.g. ``("probe_asset",)`` in a test that has no use
    for the transcode a ready asset queues."""
    done: list[tuple[int, JobStatus | None]] = []
    while len(done) < max_jobs:
        ran = run_next(runtime, kinds=kinds)
        if ran is None:
            break
        done.append(ran)
    return done
