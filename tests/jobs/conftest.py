"""Job tests drive jobs explicitly (pool off), with short leases and no backoff wait."""

from __future__ import annotations

from pathlib import Path

import _job_handlers  # noqa: F401  (registers the test kinds)
import pytest
from fastapi import FastAPI

from catalogue.api.app import create_app
from catalogue.settings import Settings

HANDLERS_DIR = Path(__file__).parent


def job_settings(base: Settings, **overrides: object) -> Settings:
    values = {
        "job_pool_enabled": False,
        "job_lease_s": 1.5,
        "job_heartbeat_s": 0.2,
        "job_poll_s": 0.1,
        "job_backoff_base_s": 0.0,
        "job_handler_modules": ["_job_handlers"],
        **overrides,
    }
    return Settings(**{**base.model_dump(), **values}, _env_file=None)  # type: ignore[call-arg]


@pytest.fixture
def settings(database) -> Settings:  # type: ignore[no-untyped-def]
    return job_settings(database.settings)


@pytest.fixture
def app(settings: Settings, database) -> FastAPI:  # type: ignore[no-untyped-def]
    """The app without its worker pool: tests run jobs explicitly with run_until_idle."""
    return create_app(settings, database.engine)
