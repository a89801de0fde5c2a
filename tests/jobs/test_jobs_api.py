"""The job API over HTTP: access by role, filters, cancel/retry answers, the SSE stream, metrics."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from _job_handlers import JOBS, enqueue, run_until_idle
from fastapi.testclient import TestClient
from sqlmodel import Session

from catalogue.app import create_app
from catalogue.settings import Settings
from tests.support.jobs import job_settings


@pytest.fixture
def pool_client(database) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    """The app with its embedded worker pool running, as `catalogue serve` has it."""
    settings = job_settings(database.settings, job_pool_enabled=True)
    app = create_app(settings, database.engine, JOBS)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def _enqueue(session: Session, kind: str, payload: dict | None = None) -> int:  # type: ignore[type-arg]
    job = enqueue(session, kind, payload or {})
    session.commit()
    assert job.id is not None
    return job.id


def test_staff_list_and_filter_jobs(
    client: TestClient, actors, session: Session, database, settings: Settings
) -> None:  # type: ignore[no-untyped-def]
    ok = _enqueue(session, "test_echo")
    bad = _enqueue(session, "test_permanent")
    run_until_idle(database.engine, settings)
    for who in (actors.admin, actors.editor, actors.programmer):
        response = client.get("/jobs", headers=who)
        assert response.status_code == 200
        assert [j["id"] for j in response.json()["items"]] == [bad, ok]
    failed = client.get("/jobs", params={"status": "failed"}, headers=actors.editor).json()
    assert [j["id"] for j in failed["items"]] == [bad] and failed["total"] == 1
    echo = client.get("/jobs", params={"kind": "test_echo"}, headers=actors.editor).json()
    assert [j["id"] for j in echo["items"]] == [ok]
    assert client.get("/jobs", params={"status": "lost"}, headers=actors.editor).status_code == 422


def test_read_a_job_with_progress_and_result(
    client: TestClient, actors, session: Session, database, settings: Settings
) -> None:  # type: ignore[no-untyped-def]
    job_id = _enqueue(session, "test_echo", {"asset_id": 9})
    run_until_idle(database.engine, settings)
    body = client.get(f"/jobs/{job_id}", headers=actors.programmer).json()
    assert body["status"] == "succeeded" and body["progress"] == 100.0
    assert body["result"] == {"echo": {"asset_id": 9}, "attempt": 1}
    assert client.get("/jobs/999", headers=actors.admin).json() == {"detail": "no job 999"}


def test_partners_get_404_on_every_job_route(client: TestClient, actors, session: Session) -> None:  # type: ignore[no-untyped-def]
    job_id = _enqueue(session, "test_echo")
    for method, path in [
        ("GET", "/jobs"),
        ("GET", f"/jobs/{job_id}"),
        ("GET", f"/jobs/{job_id}/events"),
        ("POST", f"/jobs/{job_id}/cancel"),
        ("POST", f"/jobs/{job_id}/retry"),
        ("GET", "/assets/1/renditions"),
    ]:
        response = client.request(method, path, headers=actors.partner)
        assert response.status_code == 404, (method, path)


def test_only_editors_and_admins_cancel_or_retry(
    client: TestClient, actors, session: Session
) -> None:  # type: ignore[no-untyped-def]
    job_id = _enqueue(session, "test_echo")
    assert client.post(f"/jobs/{job_id}/cancel", headers=actors.programmer).status_code == 404
    response = client.post(f"/jobs/{job_id}/cancel", headers=actors.editor)
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    again = client.post(f"/jobs/{job_id}/cancel", headers=actors.admin)
    assert again.status_code == 409
    assert again.json() == {"detail": f"job {job_id} already cancelled; there is nothing to cancel"}
    retried = client.post(f"/jobs/{job_id}/retry", headers=actors.admin)
    assert retried.status_code == 200 and retried.json()["status"] == "queued"
    refused = client.post(f"/jobs/{job_id}/retry", headers=actors.editor)
    assert refused.status_code == 409 and "only failed or cancelled" in refused.json()["detail"]


def _events(lines: Iterator[str]) -> list[tuple[str, dict]]:  # type: ignore[type-arg]
    events, name, data = [], None, []
    for line in lines:
        if line.startswith("event: "):
            name = line.removeprefix("event: ")
        elif line.startswith("data: "):
            data.append(line.removeprefix("data: "))
        elif line == "" and name:
            events.append((name, json.loads("\n".join(data))))
            name, data = None, []
    return events


def test_event_stream_follows_progress_until_the_job_ends(
    pool_client: TestClient,
    actors,
    session: Session,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    job_id = _enqueue(
        session, "test_steps", {"marker": str(tmp_path / "m"), "steps": 6, "step_s": 0.3}
    )
    with pool_client.stream("GET", f"/jobs/{job_id}/events", headers=actors.editor) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        events = _events(response.iter_lines())
    names = [name for name, _ in events]
    assert names[-1] == "end" and events[-1][1] == {"status": "succeeded"}
    progress = [body["progress"] for name, body in events if name == "progress"]
    assert progress == sorted(progress) and progress[-1] == 100.0
    assert len(set(progress)) >= 3  # intermediate steps were seen, not only start and end
    assert events[-2][1]["result"] == {"steps": 6, "attempt": 1}


def test_event_stream_of_an_unknown_job_is_404(client: TestClient, actors) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/jobs/4242/events", headers=actors.admin).status_code == 404


def test_the_pool_runs_jobs_enqueued_through_the_service(
    pool_client: TestClient,
    actors,
    session: Session,  # type: ignore[no-untyped-def]
) -> None:
    job_id = _enqueue(session, "test_echo", {"n": 1})
    with pool_client.stream("GET", f"/jobs/{job_id}/events", headers=actors.admin) as response:
        events = _events(response.iter_lines())
    assert events[-1] == ("end", {"status": "succeeded"})


def test_metrics_count_jobs_by_kind_and_status(
    client: TestClient, actors, session: Session, database, settings: Settings
) -> None:  # type: ignore[no-untyped-def]
    _enqueue(session, "test_echo")
    _enqueue(session, "test_permanent")
    _enqueue(session, "test_permanent")
    run_until_idle(database.engine, settings)
    text = client.get("/metrics").text
    assert 'catalogue_jobs{kind="test_permanent",status="failed"} 2.0' in text
    assert 'catalogue_jobs{kind="test_echo",status="succeeded"} 1.0' in text
    assert 'catalogue_job_duration_seconds_count{kind="test_echo",outcome="succeeded"}' in text


def test_renditions_of_an_asset_without_any_are_404(client: TestClient, actors) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/assets/77/renditions", headers=actors.editor)
    assert response.status_code == 404 and response.json() == {"detail": "no asset 77"}
