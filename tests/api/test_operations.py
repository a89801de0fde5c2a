"""Health, readiness, metrics and request ids."""

from __future__ import annotations

from fastapi.testclient import TestClient

from catalogue import migrate
from tests.conftest import Actors, Database


def test_healthz(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}


def test_readyz_when_migrated(client: TestClient, database: Database) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["migrations"] == migrate.head_revision() and migrate.is_current(
        database.engine
    )


def test_readyz_when_schema_is_behind(client: TestClient, database: Database) -> None:
    if database.kind == "postgresql":
        return  # the shared PostgreSQL schema stays migrated for the other tests; SQLite shows the rule
    migrate.downgrade(database.engine, "base")
    response = client.get("/readyz")
    assert response.status_code == 503
    assert "catalogue db upgrade" in response.json()["migrations"]


def test_metrics_count_requests_by_route_template(client: TestClient, actors: Actors) -> None:
    client.get("/titles/12345", headers=actors.admin)
    body = client.get("/metrics").text
    assert (
        'catalogue_http_requests_total{method="GET",route="/titles/{title_id}",status="404"}'
        in body
    )
    assert "catalogue_http_request_duration_seconds_bucket" in body


def test_request_id_is_echoed_or_made(client: TestClient) -> None:
    assert (
        client.get("/healthz", headers={"X-Request-ID": "abc-123"}).headers["x-request-id"]
        == "abc-123"
    )
    assert len(client.get("/healthz").headers["x-request-id"]) == 32
