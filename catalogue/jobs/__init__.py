"""Background jobs: a job table as the source of truth, run by an embedded worker pool (default)
or by Celery workers with a Redis broker (scale-out), through the same claim/run/record code.

Handlers: ``@register("kind", timeout_s=..., max_attempts=...)`` on ``def h(ctx: JobContext)``;
producers: ``enqueue(session, "kind", {"asset_id": 1}, dedupe_key=...)`` then commit.
"""

from catalogue.jobs.context import JobContext
from catalogue.jobs.errors import (
    InvalidJobPayload,
    PermanentJobError,
    TransientJobError,
    UnknownJobKind,
)
from catalogue.jobs.queue import enqueue
from catalogue.jobs.registry import register

__all__ = [
    "InvalidJobPayload",
    "JobContext",
    "PermanentJobError",
    "TransientJobError",
    "UnknownJobKind",
    "enqueue",
    "register",
]
