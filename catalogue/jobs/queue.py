"""Enqueueing: a `queued` row in the caller's transaction; the back-end is told after commit."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from typing import Any, Protocol

from sqlalchemy import event
from sqlalchemy import inspect as sa_inspect
from sqlmodel import Session, select

from catalogue.jobs.errors import InvalidJobPayload
from catalogue.jobs.kinds import Handler, JobKind
from catalogue.models.jobs import DEDUPE_HOLDING, Job

log = logging.getLogger("catalogue.jobs")

_PENDING = "catalogue.jobs.pending"
_HOOKED = "catalogue.jobs.hooked"


class Dispatcher(Protocol):
    """Tells a back-end that jobs are ready (wakes the embedded pool, or sends Celery tasks)."""

    def notify(self, job_ids: Sequence[int]) -> None: ...


class _NoDispatcher:
    """No back-end in this process: rows wait for a worker polling the table."""

    def notify(self, job_ids: Sequence[int]) -> None:
        return None


_dispatcher: Dispatcher = _NoDispatcher()


def set_dispatcher(dispatcher: Dispatcher | None) -> None:
    global _dispatcher
    _dispatcher = dispatcher or _NoDispatcher()


def current_dispatcher() -> Dispatcher:
    return _dispatcher


def enqueue(
    session: Session,
    kind: JobKind,
    handler: Handler,
    payload: dict[str, Any],
    *,
    dedupe_key: str | None = None,
) -> Job:
    """Add a `queued` job of ``kind`` to ``session`` (committed with the caller's transaction);
    the row records ``handler``'s limits.

    With ``dedupe_key``, an existing job with that key that is queued, running or succeeded is
    returned instead of a new one."""
    if not kind or len(kind) > 64:
        raise ValueError("job kind: 1-64 characters")
    plain = plain_json(payload)
    if dedupe_key is not None:
        pending = [j for j in session.new if isinstance(j, Job) and j.dedupe_key == dedupe_key]
        if pending:
            return pending[0]
        existing = session.exec(
            select(Job).where(Job.dedupe_key == dedupe_key, Job.status.in_(DEDUPE_HOLDING))  # type: ignore[attr-defined]
        ).first()
        if existing is not None:
            return existing
    job = Job(
        kind=kind,
        payload=plain,
        dedupe_key=dedupe_key,
        max_attempts=handler.max_attempts,
        timeout_s=handler.timeout_s,
    )
    session.add(job)
    notify_after_commit(session, job)
    session.flush()
    return job


def plain_json(payload: dict[str, Any]) -> dict[str, Any]:
    try:
        plain = json.loads(json.dumps(payload, allow_nan=False))
    except (TypeError, ValueError) as error:
        raise InvalidJobPayload(
            f"job payload must be plain JSON (ids, strings, numbers): {error}"
        ) from None
    if not isinstance(plain, dict):
        raise InvalidJobPayload("job payload must be a JSON object")
    return plain


def notify_after_commit(session: Session, job: Job) -> None:
    """Tell the back-end about ``job`` once ``session`` commits (never before: it may roll back)."""
    session.info.setdefault(_PENDING, []).append(job)
    if session.info.get(_HOOKED):
        return
    session.info[_HOOKED] = True
    event.listen(session, "after_commit", _flush_pending)
    event.listen(session, "after_rollback", _drop_pending)


def _flush_pending(session: Session) -> None:
    # The identity, not job.id: attributes are expired after commit and must not be reloaded here.
    jobs = session.info.pop(_PENDING, [])
    ids = [key[0] for key in (sa_inspect(job).identity for job in jobs) if key]
    if not ids:
        return
    try:
        _dispatcher.notify(ids)
    except Exception:  # the rows are committed: a worker's sweep dispatches them later
        log.warning("could not dispatch jobs %s now; the sweep will", ids, exc_info=True)


def _drop_pending(session: Session) -> None:
    session.info.pop(_PENDING, None)
