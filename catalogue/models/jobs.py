"""Background jobs: the job table is the source of truth, whichever back-end runs the work."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Index, String, Text, text
from sqlmodel import Field, SQLModel

from catalogue.models.types import UTCDateTime, str_enum, utcnow


class JobStatus(StrEnum):
    queued = "queued"
    running = "running"
    succeeded = "succeeded"
    failed = "failed"
    cancelled = "cancelled"


# The only place the life cycle is defined: from-status -> statuses it may move to.
# running -> queued is a transient failure waiting for its retry; running -> running is a
# reclaim of an expired lease (the worker died).
JOB_TRANSITIONS: dict[JobStatus, frozenset[JobStatus]] = {
    JobStatus.queued: frozenset({JobStatus.running, JobStatus.cancelled}),
    JobStatus.running: frozenset(
        {
            JobStatus.running,
            JobStatus.queued,
            JobStatus.succeeded,
            JobStatus.failed,
            JobStatus.cancelled,
        }
    ),
    JobStatus.succeeded: frozenset(),
    JobStatus.failed: frozenset({JobStatus.queued}),
    JobStatus.cancelled: frozenset({JobStatus.queued}),
}
TERMINAL = frozenset({JobStatus.succeeded, JobStatus.failed, JobStatus.cancelled})
# While a job with a dedupe key is in one of these, enqueueing the same key returns it.
DEDUPE_HOLDING = (JobStatus.queued, JobStatus.running, JobStatus.succeeded)


def can_move(current: JobStatus, target: JobStatus) -> bool:
    return target in JOB_TRANSITIONS[current]


class Job(SQLModel, table=True):
    __table_args__ = (
        Index("ix_job_claim", "status", "next_attempt_at"),
        # Enforces the dedupe rule under concurrent enqueues, not only the check in enqueue().
        Index(
            "uq_job_dedupe_active",
            "dedupe_key",
            unique=True,
            sqlite_where=text("status IN ('queued', 'running', 'succeeded')"),
            postgresql_where=text("status IN ('queued', 'running', 'succeeded')"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(sa_type=String(64), index=True)
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    status: JobStatus = Field(default=JobStatus.queued, sa_type=str_enum(JobStatus, 16), index=True)
    dedupe_key: str | None = Field(default=None, sa_type=String(200))
    progress: float = Field(default=0.0, description="percent, 0-100")
    message: str | None = Field(default=None, sa_type=String(500))
    attempts: int = 0
    max_attempts: int = 3
    timeout_s: int = 600
    error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    worker_id: str | None = Field(default=None, sa_type=String(200))
    lease_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    heartbeat_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    cancel_requested: bool = False
    result: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    next_attempt_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    dispatched_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    started_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


# --- API models -------------------------------------------------------------------------------


class JobPublic(SQLModel):
    id: int
    kind: str
    status: JobStatus
    payload: dict[str, Any]
    progress: float = Field(description="percent, 0-100")
    message: str | None
    attempts: int
    max_attempts: int
    error: str | None
    worker_id: str | None
    cancel_requested: bool
    result: dict[str, Any] | None
    created_at: datetime
    next_attempt_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


class JobPage(SQLModel):
    items: list[JobPublic]
    total: int
    limit: int
    offset: int
