"""`catalogue plan` as an operator runs it: a real process on the test's database file."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from _tours_fixtures import Tour

from tests.conftest import Database


def _run(database: Database, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CATALOGUE_DATA_DIR": str(database.settings.data_dir), "COLUMNS": "200",
           "CATALOGUE_TOURS_TIME_LIMIT_S": "3"}  # fmt: skip
    env.pop("CATALOGUE_DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "catalogue.cli", "plan", *args],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )  # fmt: skip


def test_cli_plans_a_tour_and_prints_it(database: Database, tour: Tour) -> None:
    if database.kind != "sqlite":
        pytest.skip("the CLI process opens the SQLite file of the test")
    result = _run(database, "--region", "Central Asia", "--year", "2025", "--titles",
                  str(tour.harbour), "--titles", str(tour.unlicensed))  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Almaty" in result.stdout and "Harbour Lights" in result.stdout
    assert "NO_RIGHTS" in result.stdout and "plan id: 1" in result.stdout
    ready = _run(database, "readiness", "--region", "KZ", "--year", "2025", "--kind", "documentary")
    assert ready.returncode == 0, ready.stderr
    assert "rights" in ready.stdout and "rendition" in ready.stdout
    bad = _run(database, "--region", "Centrall Asia", "--year", "2025")
    assert bad.returncode == 1 and "close matches" in bad.stderr
