"""Enqueue, claim, run and record: the life cycle on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from _job_handlers import enqueue, run_until_idle
from sqlmodel import Session

from catalogue.jobs import Handler, InvalidJobPayload, JobKind, store
from catalogue.jobs import enqueue as enqueue_job
from catalogue.models.jobs import Job, JobStatus
from catalogue.settings import Settings


def _job(session: Session, job_id: int) -> Job:
    session.expire_all()
    job = session.get(Job, job_id)
    assert job is not None
    return job


def test_enqueue_run_and_record_result(database, session: Session, settings: Settings) -> None:
    job = enqueue(session, "test_echo", {"asset_id": 3})
    session.commit()
    assert job.status == JobStatus.queued and job.max_attempts == 3 and job.timeout_s == 30

    assert run_until_idle(database.engine, settings) == [(job.id, JobStatus.succeeded)]

    done = _job(session, job.id)
    assert done.status == JobStatus.succeeded
    assert done.result == {"echo": {"asset_id": 3}, "attempt": 1}
    assert done.progress == 100.0 and done.attempts == 1
    assert done.started_at is not None and done.finished_at is not None
    assert done.lease_until is None


def test_enqueue_is_part_of_the_callers_transaction(
    database, session: Session, settings: Settings
) -> None:
    enqueue(session, "test_echo", {"asset_id": 1})
    session.rollback()
    assert run_until_idle(database.engine, settings) == []


def test_dedupe_key_returns_the_active_job(session: Session) -> None:
    first = enqueue(session, "test_echo", {"asset_id": 1}, dedupe_key="echo:1")
    session.commit()
    again = enqueue(session, "test_echo", {"asset_id": 1}, dedupe_key="echo:1")
    other = enqueue(session, "test_echo", {"asset_id": 2}, dedupe_key="echo:2")
    session.commit()
    assert again.id == first.id and other.id != first.id


def test_dedupe_key_is_free_again_after_a_failure(
    database, session: Session, settings: Settings
) -> None:
    failed = enqueue(session, "test_permanent", {}, dedupe_key="p:1")
    session.commit()
    run_until_idle(database.engine, settings)
    fresh = enqueue(session, "test_permanent", {}, dedupe_key="p:1")
    session.commit()
    assert fresh.id != failed.id


def test_payload_must_be_plain_json(session: Session) -> None:
    with pytest.raises(InvalidJobPayload, match="plain JSON"):
        enqueue(session, "test_echo", {"asset": object()})


def test_a_kind_the_worker_does_not_know_fails_with_a_reason(
    database, session: Session, settings: Settings
) -> None:
    job = enqueue_job(session, JobKind("nope"), Handler(lambda ctx: None), {})
    session.commit()
    assert run_until_idle(database.engine, settings) == [(job.id, JobStatus.failed)]
    assert "no handler for job kind 'nope'" in (_job(session, job.id).error or "")


def test_a_job_is_claimed_once(database, session: Session, settings: Settings) -> None:
    job = enqueue(session, "test_echo", {})
    session.commit()
    first = store.claim(database.engine, "w1", 30)
    second = store.claim(database.engine, "w2", 30)
    assert first is not None and first.id == job.id and first.attempts == 1
    assert second is None


def test_claims_oldest_first_and_skips_jobs_not_yet_due(database, session: Session) -> None:
    from datetime import timedelta

    from catalogue.models.types import utcnow

    later = enqueue(session, "test_echo", {"n": 1})
    later.next_attempt_at = utcnow() + timedelta(hours=1)
    now_a = enqueue(session, "test_echo", {"n": 2})
    now_b = enqueue(session, "test_echo", {"n": 3})
    session.commit()
    claimed = [store.claim(database.engine, "w", 30) for _ in range(3)]
    assert [c.id if c else None for c in claimed] == [now_a.id, now_b.id, None]


def test_expired_lease_is_reclaimed_and_counts_an_attempt(
    database, session: Session, settings: Settings
) -> None:
    job = enqueue(session, "test_echo", {})
    session.commit()
    dead = store.claim(database.engine, "dead-worker", lease_s=0.01)
    assert dead is not None
    import time

    time.sleep(0.05)
    assert run_until_idle(database.engine, settings) == [(job.id, JobStatus.succeeded)]
    done = _job(session, job.id)
    assert done.attempts == 2 and done.result == {"echo": {}, "attempt": 2}
    # The dead worker's late report is refused: the job belongs to its new owner.
    assert store.fail(database.engine, dead, "late") is False
    assert _job(session, job.id).status == JobStatus.succeeded


def test_a_job_whose_worker_keeps_dying_fails_with_a_reason(
    database, session: Session, settings: Settings
) -> None:
    import time

    job = enqueue(session, "test_echo", {})
    session.commit()
    for _ in range(3):
        assert store.claim(database.engine, "doomed", lease_s=0.01) is not None
        time.sleep(0.05)
    assert run_until_idle(database.engine, settings) == [(job.id, JobStatus.failed)]
    failed = _job(session, job.id)
    assert failed.error is not None and "gave up after 3 attempts" in failed.error
    assert "killed" in failed.error


def test_stopping_the_pool_hands_running_jobs_back_without_counting_an_attempt(
    database, session: Session, settings: Settings, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    import time

    from _job_handlers import runtime

    from catalogue.jobs.pool import WorkerPool

    marker = tmp_path / "marker"
    job = enqueue(session, "test_steps", {"marker": str(marker), "steps": 500, "step_s": 0.05})
    session.commit()
    pool = WorkerPool(runtime(database.engine, settings), size=1)
    pool.start()
    deadline = time.monotonic() + 10
    while not marker.exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    started = time.monotonic()
    pool.stop()
    assert time.monotonic() - started < 1.0  # the handler saw the shutdown at once
    back = _job(session, job.id)
    assert back.status == JobStatus.queued and back.attempts == 0
    assert back.message == "returned to the queue: its worker shut down"


def test_run_until_idle_can_be_limited_to_some_kinds(
    database, session: Session, settings: Settings
) -> None:
    echo = enqueue(session, "test_echo", {})
    other = enqueue(session, "test_permanent", {})
    session.commit()
    assert run_until_idle(database.engine, settings, kinds=("test_echo",)) == [
        (echo.id, JobStatus.succeeded)
    ]
    assert _job(session, other.id).status == JobStatus.queued
