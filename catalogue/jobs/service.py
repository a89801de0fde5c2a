"""Jobs as the API and CLI see them: list, read, cancel, retry."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, select

from catalogue.errors import Conflict, NotFound, page_message
from catalogue.jobs.queue import notify_after_commit
from catalogue.models.jobs import (
    DEDUPE_HOLDING,
    TERMINAL,
    Job,
    JobPublic,
    JobStatus,
    can_move,
)
from catalogue.models.types import utcnow


def list_jobs(
    session: Session,
    status: JobStatus | None,
    kind: str | None,
    limit: int,
    offset: int,
) -> tuple[list[Job], int]:
    query = select(Job)
    if status is not None:
        query = query.where(Job.status == status)
    if kind is not None:
        query = query.where(Job.kind == kind)
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(query.order_by(Job.id.desc()).offset(offset).limit(limit)).all()  # type: ignore[union-attr]
    return list(rows), total


def get_job(session: Session, job_id: int) -> Job:
    job = session.get(Job, job_id)
    if job is None:
        raise NotFound(page_message("no_job", ident=job_id))
    return job


def to_public(job: Job) -> JobPublic:
    return JobPublic.model_validate(job, from_attributes=True)


def cancel(session: Session, job: Job) -> Job:
    """A queued job is cancelled at once; a running one is asked to stop (its worker records it)."""
    status = JobStatus(job.status)
    if status is JobStatus.running:
        job.cancel_requested = True
        job.message = "cancel requested; waiting for the worker to stop"
    elif can_move(status, JobStatus.cancelled):
        job.status = JobStatus.cancelled
        job.cancel_requested = True
        job.finished_at = utcnow()
        job.message = "cancelled before it started"
    else:
        raise Conflict(f"job {job.id} already {status}; there is nothing to cancel")
    session.add(job)
    session.commit()
    session.refresh(job)
    return job


def retry(session: Session, job: Job) -> Job:
    """Queue a failed or cancelled job again, with a fresh set of attempts."""
    status = JobStatus(job.status)
    if status not in TERMINAL or not can_move(status, JobStatus.queued):
        raise Conflict(f"job {job.id} is {status}; only failed or cancelled jobs can be retried")
    if job.dedupe_key is not None:
        twin = session.exec(
            select(Job.id).where(
                Job.dedupe_key == job.dedupe_key,
                Job.id != job.id,
                Job.status.in_(DEDUPE_HOLDING),  # type: ignore[attr-defined]
            )
        ).first()
        if twin is not None:
            raise Conflict(f"job {twin} already does this work ({job.dedupe_key}); see it instead")
    job.status = JobStatus.queued
    job.attempts = 0
    job.cancel_requested = False
    job.error = None
    job.progress = 0.0
    job.message = "queued again on request"
    job.worker_id = None
    job.finished_at = None
    job.dispatched_at = None
    job.next_attempt_at = utcnow()
    session.add(job)
    notify_after_commit(session, job)
    session.commit()
    session.refresh(job)
    return job
