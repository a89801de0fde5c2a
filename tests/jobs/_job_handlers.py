"""Job kinds for the job-system tests, and the table the tests' workers run: the product's
kinds plus these (`_worker_main.py` runs it in a subprocess, so a test can kill a real worker
mid-job). `enqueue` and `run_until_idle` here name the test kinds by their strings."""

from __future__ import annotations

import time
from collections.abc import Collection
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

from catalogue.handlers import HANDLERS
from catalogue.jobs import (
    Handler,
    JobContext,
    JobKind,
    PermanentJobError,
    TransientJobError,
    pool,
)
from catalogue.jobs import enqueue as enqueue_job
from catalogue.jobs.runner import JobRuntime
from catalogue.models.jobs import Job, JobStatus
from catalogue.settings import Settings
from catalogue.storage import make_storage
from transcoder.errors import MediaRejected


def echo(ctx: JobContext) -> dict[str, Any]:
    for step in range(1, 5):
        ctx.progress(step / 4, f"step {step} of 4")
    return {"echo": ctx.payload, "attempt": ctx.attempt}


def steps(ctx: JobContext) -> dict[str, Any] | None:
    """Advances in visible steps; writes a marker per step so a test can see it is running."""
    marker = Path(ctx.payload["marker"])
    count = int(ctx.payload.get("steps", 10))
    for step in range(count):
        if ctx.cancelled():
            return None
        marker.write_text(f"{ctx.attempt}:{step}")
        ctx.progress((step + 1) / count, f"step {step + 1} of {count}")
        time.sleep(float(ctx.payload.get("step_s", 0.2)))
    return {"steps": count, "attempt": ctx.attempt}


def permanent(ctx: JobContext) -> None:
    raise PermanentJobError("asset 7 has no video stream; upload the programme master")


def rejected(ctx: JobContext) -> None:
    raise MediaRejected(["the file is a JPEG image, not a video"])


def flaky(ctx: JobContext) -> dict[str, Any]:
    if ctx.attempt < int(ctx.payload["succeed_on"]):
        raise TransientJobError(f"storage unavailable (attempt {ctx.attempt})")
    return {"attempt": ctx.attempt}


def bug(ctx: JobContext) -> None:
    raise KeyError("asset_id")


def hang(ctx: JobContext) -> None:
    while not ctx.cancelled():
        time.sleep(0.05)


TEST_HANDLERS: dict[JobKind, Handler] = {
    JobKind("test_echo"): Handler(echo, timeout_s=30, max_attempts=3),
    JobKind("test_steps"): Handler(steps, timeout_s=60, max_attempts=3),
    JobKind("test_permanent"): Handler(permanent, timeout_s=30, max_attempts=3),
    JobKind("test_rejected"): Handler(rejected, timeout_s=30, max_attempts=3),
    JobKind("test_flaky"): Handler(flaky, timeout_s=30, max_attempts=3),
    JobKind("test_bug"): Handler(bug, timeout_s=30, max_attempts=3),
    JobKind("test_hang"): Handler(hang, timeout_s=1, max_attempts=2),
}
JOBS: dict[JobKind, Handler] = {**HANDLERS, **TEST_HANDLERS}


def enqueue(
    session: Session, kind: str, payload: dict[str, Any], *, dedupe_key: str | None = None
) -> Job:
    known = JobKind(kind)
    return enqueue_job(session, known, JOBS[known], payload, dedupe_key=dedupe_key)


def runtime(engine: Engine, settings: Settings) -> JobRuntime:
    return JobRuntime(engine, settings, JOBS, make_storage(settings))


def run_until_idle(
    engine: Engine, settings: Settings, kinds: Collection[str] | None = None
) -> list[tuple[int, JobStatus | None]]:
    return pool.run_until_idle(runtime(engine, settings), kinds=kinds)
