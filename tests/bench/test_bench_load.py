"""A short run of the load script (`bench/load.py`) against a real `catalogue serve` on the demo:
every kind of request is served, and nothing fails but refusals that say when to retry."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.ladder import write_tiny_ladder

LOAD = Path(__file__).resolve().parents[2] / "bench" / "load.py"
KINDS = {"search", "title", "partner_catalogue", "hls_segment", "upload_create", "upload_patch"}


def _rows(report: str) -> dict[str, list[str]]:
    """The per-kind table rows of each run, by kind (the last run's row wins)."""
    return {line.split()[0]: line.split() for line in report.splitlines() if line.split()[:1]
            and line.split()[0] in KINDS | {"all"}}  # fmt: skip


@pytest.mark.slow
def test_a_short_mixed_load_is_served_or_told_to_retry(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CATALOGUE_")}
    done = subprocess.run(
        [sys.executable, str(LOAD), "--data-dir", str(tmp_path / "demo"), "--masters", "1",
         "--master-seconds", "2", "--ladder", str(write_tiny_ladder(tmp_path)),
         "--clients", "20", "--duration", "3",
         "--ramp-from", "5", "--ramp-to", "40", "--ramp-steps", "3", "--ramp-duration", "4"],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    report = done.stdout + done.stderr
    assert done.returncode == 0, report  # no error, no timeout
    assert "(a) steady" in report and "(b) ramp" in report, report
    rows = _rows(done.stdout)
    assert set(rows) == KINDS | {"all"}, report
    for kind, (_, _, ok, _, errors, timeouts, *_) in rows.items():
        assert (errors, timeouts) == ("0", "0"), report
        assert int(ok) > 0, f"no {kind} request was served:\n{report}"
    assert "plateau:" in report, report
