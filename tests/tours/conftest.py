"""Tour tests run planning jobs explicitly (pool off) with a short solver time limit."""

from __future__ import annotations

from typing import Any

import pytest
from _tours_fixtures import PlanFn, Tour, build_tour
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from catalogue.app import create_app
from catalogue.settings import Settings
from catalogue.worker import run_until_idle
from tests.conftest import Actors, Database


@pytest.fixture
def settings(database: Database) -> Settings:
    values = {
        **database.settings.model_dump(),
        "job_pool_enabled": False,
        "job_backoff_base_s": 0.0,
        "tours_time_limit_s": 5.0,
    }
    return Settings(**values, _env_file=None)  # type: ignore[call-arg]


@pytest.fixture
def app(settings: Settings, database: Database) -> FastAPI:
    return create_app(settings, database.engine)


@pytest.fixture
def tour(client: TestClient, actors: Actors, session: Session) -> Tour:
    return build_tour(client, actors, session)


@pytest.fixture
def plan(client: TestClient, actors: Actors, database: Database, settings: Settings) -> PlanFn:
    """POST /plans, run the planning job, return the stored plan."""

    def make(**body: Any) -> dict[str, Any]:
        body = {"region": ["Central Asia", "ES", "FR"], "starts_on": "2025-03-01",
                "ends_on": "2025-03-31", **body}  # fmt: skip
        accepted = client.post("/plans", json=body, headers=actors.programmer)
        assert accepted.status_code == 202, accepted.text
        assert accepted.json()["solve_status"] == "pending"
        ran = run_until_idle(database.engine, settings, kinds=("plan_tour",))
        assert [status for _, status in ran] == ["succeeded"], ran
        stored = client.get(f"/plans/{accepted.json()['id']}", headers=actors.programmer)
        assert stored.status_code == 200, stored.text
        result: dict[str, Any] = stored.json()
        return result

    return make
