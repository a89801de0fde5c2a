"""`catalogue worker --until-idle` and `catalogue jobs ...` as an operator runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from _worker_process import HERE
from sqlmodel import Session

from catalogue import migrate
from catalogue.db import make_engine
from catalogue.jobs import enqueue
from catalogue.settings import Settings


def run(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CATALOGUE_")}
    env.update(
        CATALOGUE_DATA_DIR=str(data_dir),
        CATALOGUE_JOB_HANDLER_MODULES=json.dumps(["_job_handlers"]),
        CATALOGUE_JOB_BACKOFF_BASE_S="0",
        PYTHONPATH=str(HERE),
        COLUMNS="200",
    )
    return subprocess.run(
        [sys.executable, "-m", "catalogue.cli", *args],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )  # fmt: skip


def test_worker_runs_due_jobs_and_jobs_lists_them(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, _env_file=None)  # type: ignore[call-arg]
    engine = make_engine(settings)
    migrate.upgrade(engine)
    with Session(engine) as session:
        enqueue(session, "test_echo", {"asset_id": 1})
        enqueue(session, "test_permanent", {})
        session.commit()
    engine.dispose()

    worker = run(tmp_path, "worker", "--until-idle")
    assert worker.returncode == 0, worker.stderr
    assert "ran 2 jobs" in worker.stdout

    listed = run(tmp_path, "jobs", "list", "--status", "failed")
    assert listed.returncode == 0, listed.stderr
    assert "1 jobs" in listed.stdout and "test_permanent" in listed.stdout
    assert "asset 7 has no video stream" in listed.stdout and "test_echo" not in listed.stdout
