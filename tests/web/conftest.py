"""Browser tests: a real server per test (SQLite, and PostgreSQL when the services run) and one
headless Chromium for the session."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from _web_server import CHROMIUM, CHROMIUM_ARGS, Site, running_site, site_settings
from playwright.sync_api import Browser, sync_playwright


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if shutil.which(CHROMIUM) is None:
        pytest.fail(f"{CHROMIUM} is missing: scripts/services.sh installs Debian's chromium")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def site(database, tmp_path: Path) -> Iterator[Site]:  # type: ignore[no-untyped-def]
    with running_site(site_settings(database.settings, tmp_path), database.engine) as running:
        yield running
