"""Job tests drive jobs explicitly (pool off), with short leases and no backoff wait."""

from __future__ import annotations

import pytest
from _job_handlers import JOBS
from fastapi import FastAPI

from catalogue.app import create_app
from catalogue.settings import Settings
from tests.support.jobs import job_settings
from tests.support.s3 import s3_endpoint  # noqa: F401  (the fixture, for test_celery_scale_out)


@pytest.fixture
def settings(database) -> Settings:  # type: ignore[no-untyped-def]
    return job_settings(database.settings)


@pytest.fixture
def app(settings: Settings, database) -> FastAPI:  # type: ignore[no-untyped-def]
    """The app without its worker pool: tests run jobs explicitly with run_until_idle."""
    return create_app(settings, database.engine, JOBS)
