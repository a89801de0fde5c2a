"""Failure classification, backoff, cancellation and timeouts, through the real runner."""

from __future__ import annotations

import threading
import time

import pytest
from _job_handlers import enqueue, run_until_idle
from sqlmodel import Session

from catalogue.errors import Conflict
from catalogue.jobs import service, store
from catalogue.jobs.failures import Verdict, classify
from catalogue.models.jobs import Job, JobStatus
from catalogue.settings import Settings
from tests.support.jobs import job_settings
from transcoder.errors import FFmpegFailed, MediaTimeout, TransientMediaError


def _job(session: Session, job_id: int) -> Job:
    session.expire_all()
    job = session.get(Job, job_id)
    assert job is not None
    return job


def test_permanent_error_fails_at_once_with_its_message(
    database, session: Session, settings: Settings
) -> None:
    job = enqueue(session, "test_permanent", {})
    session.commit()
    assert run_until_idle(database.engine, settings) == [(job.id, JobStatus.failed)]
    failed = _job(session, job.id)
    assert failed.attempts == 1
    assert failed.error == "asset 7 has no video stream; upload the programme master"


def test_rejected_media_is_permanent_and_says_why(
    database, session: Session, settings: Settings
) -> None:
    job = enqueue(session, "test_rejected", {})
    session.commit()
    run_until_idle(database.engine, settings)
    assert _job(session, job.id).error == "media rejected: the file is a JPEG image, not a video"


def test_an_unexpected_error_fails_without_retrying_and_names_it(
    database, session: Session, settings: Settings
) -> None:
    job = enqueue(session, "test_bug", {})
    session.commit()
    run_until_idle(database.engine, settings)
    failed = _job(session, job.id)
    assert failed.status == JobStatus.failed and failed.attempts == 1
    assert failed.error == "internal error (KeyError: 'asset_id'); see the worker log"


def test_transient_errors_are_retried_until_success(
    database, session: Session, settings: Settings
) -> None:
    job = enqueue(session, "test_flaky", {"succeed_on": 3})
    session.commit()
    outcomes = run_until_idle(database.engine, settings)
    assert [s for _, s in outcomes] == [JobStatus.queued, JobStatus.queued, JobStatus.succeeded]
    done = _job(session, job.id)
    assert done.attempts == 3 and done.result == {"attempt": 3} and done.error is None


def test_transient_errors_give_up_after_max_attempts(
    database, session: Session, settings: Settings
) -> None:
    job = enqueue(session, "test_flaky", {"succeed_on": 99})
    session.commit()
    run_until_idle(database.engine, settings)
    failed = _job(session, job.id)
    assert failed.status == JobStatus.failed and failed.attempts == 3
    assert failed.error == (
        "TransientJobError: storage unavailable (attempt 3) (gave up after 3 attempts)"
    )


def test_retries_wait_with_exponential_backoff(
    database, session: Session, settings: Settings
) -> None:
    slow = job_settings(settings, job_backoff_base_s=60.0)
    job = enqueue(session, "test_flaky", {"succeed_on": 3})
    session.commit()
    assert run_until_idle(database.engine, slow) == [(job.id, JobStatus.queued)]  # then not due
    waiting = _job(session, job.id)
    delay = (waiting.next_attempt_at - waiting.created_at).total_seconds()
    assert 59 < delay < 70
    assert waiting.message == "attempt 1 of 3 failed; retrying in 60 s"
    assert waiting.error == "TransientJobError: storage unavailable (attempt 1)"


def test_backoff_doubles_and_is_capped() -> None:
    assert [store.backoff_delay(n, 10, 50) for n in (1, 2, 3, 4)] == [10, 20, 40, 50]


@pytest.mark.parametrize(
    ("error", "verdict"),
    [
        (FFmpegFailed("ffmpeg failed", stderr_tail="moov atom not found"), Verdict.permanent),
        (TransientMediaError("ffmpeg was killed by signal 9"), Verdict.transient),
        (MediaTimeout("transcode", 60), Verdict.transient),
        (ConnectionRefusedError("storage"), Verdict.transient),
    ],
)
def test_media_errors_are_classified(error: Exception, verdict: Verdict) -> None:
    assert classify(error).verdict is verdict


def test_storage_outage_is_transient() -> None:
    from botocore.exceptions import EndpointConnectionError

    failure = classify(EndpointConnectionError(endpoint_url="http://s3.internal:9000"))
    assert failure.verdict is Verdict.transient and "s3.internal" in failure.message


def test_a_timeout_stops_the_handler_and_retries(
    database, session: Session, settings: Settings
) -> None:
    job = enqueue(session, "test_hang", {})  # timeout_s=1, max_attempts=2
    session.commit()
    outcomes = run_until_idle(database.engine, settings)
    assert [s for _, s in outcomes] == [JobStatus.queued, JobStatus.failed]
    assert _job(session, job.id).error == "timed out after 1 s (gave up after 2 attempts)"


def test_cancel_a_queued_job(database, session: Session, settings: Settings) -> None:
    job = enqueue(session, "test_echo", {})
    session.commit()
    cancelled = service.cancel(session, job)
    assert cancelled.status == JobStatus.cancelled and cancelled.finished_at is not None
    assert run_until_idle(database.engine, settings) == []


def test_cancel_a_running_job_stops_it(
    database, session: Session, settings: Settings, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    marker = tmp_path / "marker"
    job = enqueue(session, "test_steps", {"marker": str(marker), "steps": 200, "step_s": 0.05})
    session.commit()
    worker = threading.Thread(target=run_until_idle, args=(database.engine, settings))
    worker.start()
    _wait(lambda: marker.exists())
    service.cancel(session, _job(session, job.id))
    worker.join(10)
    stopped = _job(session, job.id)
    assert stopped.status == JobStatus.cancelled and stopped.message == "cancelled on request"
    assert int(marker.read_text().split(":")[1]) < 199


def test_finished_jobs_cannot_be_cancelled_and_only_failed_ones_retried(
    database, session: Session, settings: Settings
) -> None:
    job = enqueue(session, "test_echo", {})
    session.commit()
    run_until_idle(database.engine, settings)
    with pytest.raises(Conflict, match="already succeeded"):
        service.cancel(session, _job(session, job.id))
    with pytest.raises(Conflict, match="only failed or cancelled jobs can be retried"):
        service.retry(session, _job(session, job.id))


def test_retry_a_failed_job_runs_it_again_with_fresh_attempts(
    database, session: Session, settings: Settings
) -> None:
    job = enqueue(session, "test_flaky", {"succeed_on": 4})
    session.commit()
    run_until_idle(database.engine, settings)
    assert _job(session, job.id).status == JobStatus.failed
    again = service.retry(session, _job(session, job.id))
    assert again.status == JobStatus.queued and again.attempts == 0 and again.error is None
    # attempt numbers restart: succeed_on=4 is never reached within 3 attempts again
    run_until_idle(database.engine, settings)
    assert _job(session, job.id).attempts == 3


def _wait(condition, timeout_s: float = 10.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.02)
