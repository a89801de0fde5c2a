"""A job kind for the jobs page test: advances step by step until done or cancelled."""

from __future__ import annotations

import time

from catalogue.jobs import Handler, JobContext, JobKind, JobResult


def steps(ctx: JobContext) -> JobResult:
    total = int(ctx.payload["steps"])
    for step in range(total):
        if ctx.cancelled():
            return {"done": step}
        ctx.progress((step + 1) / total, f"step {step + 1} of {total}")
        time.sleep(0.25)
    return {"done": total}


KIND = JobKind("web_test_steps")
HANDLER = Handler(steps, timeout_s=120, max_attempts=3)
