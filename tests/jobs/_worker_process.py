"""A real worker in a child process (`catalogue worker` with the tests' job kinds), so a test
can SIGKILL it mid-job."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from catalogue.settings import Settings

HERE = Path(__file__).parent


def worker_env(settings: Settings, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CATALOGUE_")}
    env.update(
        PYTHONPATH=os.pathsep.join([str(HERE), env.get("PYTHONPATH", "")]).rstrip(os.pathsep),
        CATALOGUE_DATA_DIR=str(settings.data_dir),
        CATALOGUE_JOB_LEASE_S=str(settings.job_lease_s),
        CATALOGUE_JOB_HEARTBEAT_S=str(settings.job_heartbeat_s),
        CATALOGUE_JOB_POLL_S=str(settings.job_poll_s),
        CATALOGUE_JOB_BACKOFF_BASE_S=str(settings.job_backoff_base_s),
    )
    if settings.database_url:
        env["CATALOGUE_DATABASE_URL"] = settings.database_url
    if settings.transcode_ladder:
        env["CATALOGUE_TRANSCODE_LADDER"] = str(settings.transcode_ladder)
    env.update(extra)
    return env


def start_worker(env: dict[str, str], log: Path, *args: str) -> subprocess.Popen[bytes]:
    """`catalogue worker` with the tests' job kinds (`_worker_main.py`)."""
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, str(HERE / "_worker_main.py"), *args],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own group: SIGKILL reaches it and nothing of ours
        )


def kill(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(10)


def wait_for(
    condition: Callable[[], object], timeout_s: float, what: str, log: Path | None = None
) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            tail = log.read_text(errors="replace")[-3000:] if log and log.exists() else ""
            raise AssertionError(f"timed out waiting for {what}\n{tail}")
        time.sleep(0.05)
