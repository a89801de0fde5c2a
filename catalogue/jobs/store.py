"""Every statement that moves a job through its life cycle (see JOB_TRANSITIONS), as single
conditional UPDATEs: a worker that lost its lease can never overwrite the job's new owner."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import col

from catalogue.models.jobs import Job, JobStatus
from catalogue.models.types import utcnow

_id = col(Job.id)  # column handles, typed as columns for the statements below
_status = col(Job.status)


@dataclass(frozen=True, slots=True)
class Claimed:
    id: int
    kind: str
    payload: dict[str, Any]
    attempts: int
    max_attempts: int
    timeout_s: int
    cancel_requested: bool
    worker_id: str


def _claimable(now: datetime) -> ColumnElement[bool]:
    # Queued and due, or running with an expired lease (its worker was killed or lost).
    return or_(
        and_(_status == JobStatus.queued, col(Job.next_attempt_at) <= now),
        and_(_status == JobStatus.running, col(Job.lease_until) < now),
    )


def claim(
    engine: Engine,
    worker_id: str,
    lease_s: float,
    *,
    job_id: int | None = None,
    kinds: Collection[str] | None = None,
) -> Claimed | None:
    """Take the oldest claimable job (or ``job_id`` if claimable) in one statement.

    SQLite serialises writers, so the UPDATE ... WHERE id = (SELECT ...) is atomic there;
    PostgreSQL needs FOR UPDATE SKIP LOCKED so concurrent workers skip each other's rows."""
    now = utcnow()
    pick = select(_id).where(_claimable(now)).order_by(_id).limit(1)
    if job_id is not None:
        pick = pick.where(_id == job_id)
    if kinds is not None:
        pick = pick.where(col(Job.kind).in_(kinds))
    pick = pick.with_for_update(skip_locked=True)
    statement = (
        update(Job)
        .where(_id == pick.scalar_subquery(), _claimable(now))
        .values(
            status=JobStatus.running,
            worker_id=worker_id,
            lease_until=now + timedelta(seconds=lease_s),
            heartbeat_at=now,
            started_at=now,
            finished_at=None,
            attempts=col(Job.attempts) + 1,
        )
        .returning(
            _id,
            col(Job.kind),
            col(Job.payload),
            col(Job.attempts),
            col(Job.max_attempts),
            col(Job.timeout_s),
            col(Job.cancel_requested),
        )
    )
    with engine.begin() as connection:
        row = connection.execute(statement).first()
    if row is None:
        return None
    job_id_, kind, payload, attempts, max_attempts, timeout_s, cancel = row
    return Claimed(
        id=job_id_,
        kind=kind,
        payload=payload,
        attempts=attempts,
        max_attempts=max_attempts,
        timeout_s=timeout_s,
        cancel_requested=cancel,
        worker_id=worker_id,
    )


def _owned(job: Claimed) -> ColumnElement[bool]:
    return and_(_id == job.id, col(Job.worker_id) == job.worker_id, _status == JobStatus.running)


def heartbeat(engine: Engine, job: Claimed, lease_s: float) -> bool | None:
    """Extend the lease. Returns whether a cancel was requested; None when the lease was lost."""
    now = utcnow()
    statement = (
        update(Job)
        .where(_owned(job))
        .values(lease_until=now + timedelta(seconds=lease_s), heartbeat_at=now)
        .returning(col(Job.cancel_requested))
    )
    with engine.begin() as connection:
        row = connection.execute(statement).first()
    return None if row is None else bool(row[0])


def report_progress(engine: Engine, job: Claimed, fraction: float, message: str | None) -> None:
    values: dict[str, Any] = {"progress": round(fraction * 100, 1)}
    if message is not None:
        values["message"] = message[:500]
    with engine.begin() as connection:
        connection.execute(update(Job).where(_owned(job)).values(**values))


def _finish(engine: Engine, job: Claimed, **values: Any) -> bool:
    with engine.begin() as connection:
        result = connection.execute(update(Job).where(_owned(job)).values(**values))
    return result.rowcount == 1


def succeed(engine: Engine, job: Claimed, result: dict[str, Any] | None) -> bool:
    return _finish(
        engine,
        job,
        status=JobStatus.succeeded,
        progress=100.0,
        result=result,
        error=None,
        lease_until=None,
        finished_at=utcnow(),
    )


def fail(engine: Engine, job: Claimed, error: str) -> bool:
    return _finish(
        engine, job, status=JobStatus.failed, error=error, lease_until=None, finished_at=utcnow()
    )


def cancelled(engine: Engine, job: Claimed) -> bool:
    return _finish(
        engine,
        job,
        status=JobStatus.cancelled,
        message="cancelled on request",
        lease_until=None,
        finished_at=utcnow(),
    )


def retry_later(engine: Engine, job: Claimed, error: str, delay_s: float) -> bool:
    return _finish(
        engine,
        job,
        status=JobStatus.queued,
        error=error,
        message=f"attempt {job.attempts} of {job.max_attempts} failed; retrying in {delay_s:g} s",
        lease_until=None,
        dispatched_at=None,
        next_attempt_at=utcnow() + timedelta(seconds=delay_s),
    )


def release(engine: Engine, job: Claimed) -> bool:
    """Hand a job back untouched (the worker is shutting down): the attempt does not count."""
    return _finish(
        engine,
        job,
        status=JobStatus.queued,
        attempts=col(Job.attempts) - 1,
        message="returned to the queue: its worker shut down",
        lease_until=None,
        dispatched_at=None,
        next_attempt_at=utcnow(),
    )


def backoff_delay(attempt: int, base_s: float, cap_s: float) -> float:
    """Exponential: base, 2*base, 4*base, ... capped."""
    return float(min(cap_s, base_s * 2 ** max(0, attempt - 1)))


def due_for_dispatch(engine: Engine, stale_after_s: float, limit: int = 500) -> list[int]:
    """Claimable jobs no back-end was told about recently (a lost broker message, a reclaim)."""
    now = utcnow()
    stale = now - timedelta(seconds=stale_after_s)
    pick = (
        select(_id)
        .where(_claimable(now))
        .where(or_(col(Job.dispatched_at).is_(None), col(Job.dispatched_at) < stale))
        .order_by(_id)
        .limit(limit)
    )
    with engine.begin() as connection:
        ids = [job_id for (job_id,) in connection.execute(pick) if job_id is not None]
        if ids:
            connection.execute(update(Job).where(_id.in_(ids)).values(dispatched_at=now))
    return ids
