"""Job handlers for the job-system tests; also imported by worker subprocesses through
CATALOGUE_JOB_HANDLER_MODULES, so a test can kill a real worker mid-job."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from catalogue.jobs import JobContext, PermanentJobError, TransientJobError, register
from transcoder.errors import MediaRejected


@register("test_echo", timeout_s=30, max_attempts=3)
def echo(ctx: JobContext) -> dict[str, Any]:
    for step in range(1, 5):
        ctx.progress(step / 4, f"step {step} of 4")
    return {"echo": ctx.payload, "attempt": ctx.attempt}


@register("test_steps", timeout_s=60, max_attempts=3)
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


@register("test_permanent", timeout_s=30, max_attempts=3)
def permanent(ctx: JobContext) -> None:
    raise PermanentJobError("asset 7 has no video stream; upload the programme master")


@register("test_rejected", timeout_s=30, max_attempts=3)
def rejected(ctx: JobContext) -> None:
    raise MediaRejected(["the file is a JPEG image, not a video"])


@register("test_flaky", timeout_s=30, max_attempts=3)
def flaky(ctx: JobContext) -> dict[str, Any]:
    if ctx.attempt < int(ctx.payload["succeed_on"]):
        raise TransientJobError(f"storage unavailable (attempt {ctx.attempt})")
    return {"attempt": ctx.attempt}


@register("test_bug", timeout_s=30, max_attempts=3)
def bug(ctx: JobContext) -> None:
    raise KeyError("asset_id")


@register("test_hang", timeout_s=1, max_attempts=2)
def hang(ctx: JobContext) -> None:
    while not ctx.cancelled():
        time.sleep(0.05)
