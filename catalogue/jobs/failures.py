"""Which failures are worth retrying: the one place exceptions become retry policy."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy.exc import DBAPIError, OperationalError

from catalogue.jobs.errors import PermanentJobError, TransientJobError
from transcoder.errors import (
    BinaryNotFound,
    FFmpegFailed,
    MediaCancelled,
    MediaRejected,
    MediaTimeout,
    TransientMediaError,
)

log = logging.getLogger("catalogue.jobs")


class Verdict(StrEnum):
    permanent = "permanent"
    transient = "transient"


# The error texts the engine writes into a failed job, by code. A handler's own message fills
# {error} or {detail}; the pages take a stored text back to its code to say it in the reader's
# language (catalogue/web/explain.py).
JOB_ERRORS: dict[str, str] = {
    "gave_up": "{error} (gave up after {attempts} attempts)",
    "worker_lost": "gave up after {attempts} attempts: the worker running it stopped "
    "(killed, out of memory, or lost its database connection)",
    "timed_out": "timed out after {seconds} s",
    "media_rejected": "media rejected: {reasons}",
    "database_lost": "database connection lost: {detail}",
    "internal": "internal error ({detail}); see the worker log",
}


def job_error(code: str, **params: object) -> str:
    return JOB_ERRORS[code].format(**params)


@dataclass(frozen=True, slots=True)
class Failure:
    verdict: Verdict
    message: str


_PERMANENT: tuple[type[BaseException], ...] = (PermanentJobError, MediaRejected, FFmpegFailed)
# Machine or dependency trouble: another attempt (maybe on another machine) may succeed.
_TRANSIENT: tuple[type[BaseException], ...] = (
    TransientJobError,
    TransientMediaError,
    MediaTimeout,
    MediaCancelled,  # stopped without a cancel request: the worker was shutting down
    BinaryNotFound,
    OperationalError,
    ConnectionError,
    TimeoutError,
)


def classify(error: BaseException) -> Failure:
    name = type(error).__name__
    if isinstance(error, MediaRejected):
        return Failure(Verdict.permanent, job_error("media_rejected", reasons=error))
    if isinstance(error, _PERMANENT):
        return Failure(Verdict.permanent, str(error) or name)
    if isinstance(error, _TRANSIENT) or _is_storage_outage(error):
        return Failure(Verdict.transient, f"{name}: {error}")
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return Failure(Verdict.transient, job_error("database_lost", detail=error.orig))
    # A bug will not fix itself by retrying; the traceback goes to the log, the gist to the job.
    log.error("job handler raised an unexpected %s", name, exc_info=error)
    return Failure(Verdict.permanent, job_error("internal", detail=f"{name}: {error}"))


def _is_storage_outage(error: BaseException) -> bool:
    # botocore is imported lazily: the embedded form never needs it.
    try:
        from botocore.exceptions import ConnectionError as BotoConnectionError
        from botocore.exceptions import ConnectTimeoutError, EndpointConnectionError
    except ImportError:  # pragma: no cover - boto3 is a dependency
        return False
    return isinstance(error, BotoConnectionError | ConnectTimeoutError | EndpointConnectionError)
