"""Subtitle service tests drive jobs explicitly (pool off) and transcode with a tiny ladder."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi import FastAPI

from catalogue.app import create_app
from catalogue.settings import Settings
from tests.support.ladder import write_tiny_ladder


@pytest.fixture
def settings(database, tmp_path: Path) -> Settings:  # type: ignore[no-untyped-def]
    return database.settings.model_copy(
        update={
            "job_pool_enabled": False,
            "job_backoff_base_s": 0.0,
            "transcode_ladder": write_tiny_ladder(tmp_path),
        }
    )


@pytest.fixture
def app(settings: Settings, database) -> FastAPI:  # type: ignore[no-untyped-def]
    return create_app(settings, database.engine)
