"""What CI runs of the soak: `bench/chaos.py --kills 3`, the API killed mid-PATCH and a worker
killed mid-encode, on SQLite (and on PostgreSQL when the test services run): nothing lost,
nothing duplicated, nothing stuck."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import POSTGRES_URL, REQUIRE_POSTGRES

CHAOS = Path(__file__).resolve().parents[2] / "bench" / "chaos.py"


@pytest.mark.slow
@pytest.mark.parametrize("db", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_three_kills_lose_duplicate_and_strand_nothing(db: str) -> None:
    if db == "postgres" and not POSTGRES_URL:
        if REQUIRE_POSTGRES:
            pytest.fail(
                "CATALOGUE_TEST_POSTGRES_URL is not set; run the suite with scripts/test.sh"
            )
        pytest.skip("PostgreSQL not configured (scripts/test.sh starts one)")
    # The soak makes a database of its own on that server, so the suite's is left alone.
    env = {k: v for k, v in os.environ.items() if not k.startswith("CATALOGUE_")}
    if POSTGRES_URL:
        env["CATALOGUE_TEST_POSTGRES_URL"] = POSTGRES_URL
    done = subprocess.run(
        [sys.executable, str(CHAOS), "--kills", "3", "--db", db],
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    report = done.stdout + done.stderr
    assert done.returncode == 0, report
    assert done.stdout.splitlines()[-1] == "3 kills, 0 lost, 0 duplicated, 0 stuck", report
