"""Background jobs: a job table as the source of truth, run by an embedded worker pool (default)
or by Celery workers with a Redis broker (scale-out), through the same claim/run/record code.

The engine knows no job kind. A feature module defines ``KIND = JobKind("...")`` and
``HANDLER = Handler(fn, timeout_s=..., max_attempts=...)`` with ``def fn(ctx: JobContext) -> ...``;
`catalogue.handlers` lists them in the table the entry points hand the engine. Producers:
``enqueue(session, KIND, HANDLER, {"asset_id": 1}, dedupe_key=...)`` then commit.
"""

from catalogue.jobs.context import JobContext
from catalogue.jobs.errors import (
    InvalidJobPayload,
    PermanentJobError,
    TransientJobError,
    UnknownJobKind,
)
from catalogue.jobs.kinds import Handler, Handlers, JobKind, JobResult
from catalogue.jobs.queue import enqueue

__all__ = [
    "Handler",
    "Handlers",
    "InvalidJobPayload",
    "JobContext",
    "JobKind",
    "JobResult",
    "PermanentJobError",
    "TransientJobError",
    "UnknownJobKind",
    "enqueue",
]
