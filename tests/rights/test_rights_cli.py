"""`catalogue rights ...` as an operator runs it: a real process on a real database file."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlmodel import Session

from catalogue import migrate
from catalogue.db import make_engine
from catalogue.models import Title
from catalogue.settings import Settings


def run(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "CATALOGUE_DATA_DIR": str(data_dir), "COLUMNS": "200"}
    environment.pop("CATALOGUE_DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "catalogue.cli", "rights", *args],
        capture_output=True, text=True, env=environment, timeout=120, check=False,
    )  # fmt: skip


def test_import_export_and_availability(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, _env_file=None)  # type: ignore[call-arg]
    engine = make_engine(settings)
    migrate.upgrade(engine)
    with Session(engine) as session:
        session.add(
            Title(
                kind="documentary",
                original_title="丝路回响",
                original_language="zh-Hans",
                status="published",
            )
        )
        session.commit()
    engine.dispose()
    good = tmp_path / "avails.csv"
    good.write_text(
        "Title,LicenseType,Territory,Start,End\n丝路回响,public_screening,Central Asia,2025-01-01,2025-12-31\n"
    )
    imported = run(tmp_path, "import", str(good))
    assert imported.returncode == 0, imported.stderr
    assert "1 rows: 1 created" in imported.stdout
    bad = tmp_path / "bad.csv"
    bad.write_text("Title,LicenseType,Territory,Start\nNope,public_screening,KZ,2025-01-01\n")
    refused = run(tmp_path, "import", str(bad))
    assert (
        refused.returncode == 1
        and "row 2" in refused.stdout
        and "no title is called 'Nope'" in refused.stdout
    )
    assert run(tmp_path, "import", str(tmp_path / "missing.csv")).returncode == 2
    exported = tmp_path / "out.xlsx"
    assert run(tmp_path, "export", str(exported)).returncode == 0 and exported.stat().st_size > 0
    wrong = run(tmp_path, "export", str(tmp_path / "out.txt"))
    assert (
        wrong.returncode == 1
        and "name the sheet .csv or .xlsx" in wrong.stderr
        and "Traceback" not in wrong.stderr
    )
    answer = run(
        tmp_path,
        "availability",
        "--region",
        "Central Asia",
        "--from",
        "2025-07-01",
        "--to",
        "2026-01-31",
    )
    assert answer.returncode == 0, answer.stderr
    assert "丝路回响" in answer.stdout and "outside_period" in answer.stdout
    unclear = run(tmp_path, "availability", "--country", "KZ", "--region", "Europe")
    assert unclear.returncode == 1 and "exactly one" in unclear.stderr
