"""`catalogue worker --until-idle` and `catalogue jobs ...` as an operator runs them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from _job_handlers import enqueue
from _worker_process import HERE
from sqlmodel import Session

from catalogue import migrate
from catalogue.db import make_engine
from catalogue.settings import Settings


def run(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CATALOGUE_")}
    env.update(
        CATALOGUE_DATA_DIR=str(data_dir),
        CATALOGUE_JOB_BACKOFF_BASE_S="0",
        PYTHONPATH=str(HERE),
        COLUMNS="200",
    )
    # The worker runs the tests' job kinds (`_worker_main.py`); every other command is the CLI's.
    command = (
        [str(HERE / "_worker_main.py"), *args[1:]]
        if args[0] == "worker"
        else ["-m", "catalogue.cli", *args]
    )
    return subprocess.run(
        [sys.executable, *command],
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
