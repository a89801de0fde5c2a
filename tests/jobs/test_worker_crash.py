"""A worker process killed with SIGKILL mid-job: nothing half-published, its FFmpeg dies with it,
the job is reclaimed after its lease and finishes, and the dead attempt's temp files are swept."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from _job_handlers import enqueue, run_until_idle
from _worker_process import kill, start_worker, wait_for, worker_env
from sqlmodel import Session, select

from catalogue.media.transcode import workspace
from catalogue.models import Job, JobStatus, RenditionSet
from catalogue.settings import Settings
from catalogue.storage import make_storage
from tests.support.assets import ready_asset
from tests.support.jobs import job_settings
from tests.support.ladder import write_tiny_ladder
from tests.support.media import make_clip


def _processes_naming(path: Path) -> list[int]:
    """Live processes with `path` (or anything under it) in their command line."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmdline = (entry / "cmdline").read_bytes()
                state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
            except (OSError, IndexError):
                continue
            if str(path).encode() in cmdline and state != "Z":
                found.append(int(entry.name))
    return found


def _job(session: Session, job_id: int) -> Job:
    session.expire_all()
    job = session.get(Job, job_id)
    assert job is not None
    return job


def test_a_killed_workers_job_is_reclaimed_after_its_lease(
    database, session: Session, settings: Settings, tmp_path: Path
) -> None:
    marker, log = tmp_path / "marker", tmp_path / "worker.log"
    job = enqueue(session, "test_steps", {"marker": str(marker), "steps": 20, "step_s": 0.1})
    session.commit()
    worker = start_worker(worker_env(settings), log)
    try:
        wait_for(
            lambda: marker.exists() and marker.read_text().endswith(":3"), 30, "the job to run", log
        )
    finally:
        kill(worker)
    stranded = _job(session, job.id)
    assert stranded.status == JobStatus.running and stranded.attempts == 1
    assert run_until_idle(database.engine, settings) == []  # the lease has not expired yet

    wait_for(lambda: run_until_idle(database.engine, settings), 10, "the lease to expire")
    done = _job(session, job.id)
    assert done.status == JobStatus.succeeded and done.attempts == 2
    assert done.result == {"steps": 20, "attempt": 2}


@pytest.mark.slow
def test_a_worker_killed_mid_encode_publishes_nothing_and_the_retry_completes(
    database, session: Session, tmp_path: Path
) -> None:
    settings = job_settings(database.settings, transcode_ladder=write_tiny_ladder(tmp_path))
    clip = make_clip(tmp_path / "long.mp4", seconds=30.0)
    asset = ready_asset(session, settings, clip)
    assert asset.id is not None
    [job_id] = session.exec(select(Job.id).where(Job.kind == "transcode_asset")).all()
    log = tmp_path / "worker.log"
    worker = start_worker(worker_env(settings), log)
    try:
        wait_for(
            lambda: (_job(session, job_id).progress or 0) > 15,
            60,
            "the encode to be under way",
            log,
        )
    finally:
        kill(worker)
    # FFmpeg runs in its own process group, out of the worker's: it must still die with it.
    wait_for(lambda: not _processes_naming(workspace(settings, asset.id)), 5, "FFmpeg to die")
    storage = make_storage(settings)
    assert storage.list(f"renditions/{asset.id}/") == []  # nothing half-published
    assert session.exec(select(RenditionSet)).all() == []
    [dead] = workspace(settings, asset.id).iterdir()  # the dead attempt's temp files
    assert dead.name.startswith(f"job-{job_id}-attempt-1-")

    wait_for(lambda: run_until_idle(database.engine, settings), 20, "the lease to expire")
    done = _job(session, job_id)
    assert done.status == JobStatus.succeeded, done.error
    assert done.attempts == 2
    keys = [info.key for info in storage.list(f"renditions/{asset.id}/")]
    assert f"renditions/{asset.id}/master.m3u8" in keys
    assert not workspace(settings, asset.id).exists()
    leftovers = list((settings.data_dir / "work" / "transcode").glob("**/*.work-*"))
    assert leftovers == []


# Creates files under a folder as an orphaned FFmpeg writing HLS segments does, re-creating the
# folder when it is swept away, until it is killed (or after a minute at most).
_WRITER = textwrap.dedent(
    """
    import os, sys, time
    folder, ready = sys.argv[1], sys.argv[2]
    end, n = time.monotonic() + 60, 0
    while time.monotonic() < end:
        os.makedirs(folder, exist_ok=True)
        try:
            open(os.path.join(folder, f"segment-{n}.m4s"), "wb").close()
        except FileNotFoundError:
            continue
        n += 1
        if n == 100:
            open(ready, "w").close()
    """
)


@pytest.mark.slow
def test_a_retry_starts_clean_while_a_dead_attempt_still_writes_into_its_folder(
    database, session: Session, tmp_path: Path
) -> None:
    settings = job_settings(database.settings, transcode_ladder=write_tiny_ladder(tmp_path))
    asset = ready_asset(session, settings, make_clip(tmp_path / "short.mp4", seconds=2.0))
    assert asset.id is not None
    [job_id] = session.exec(select(Job.id).where(Job.kind == "transcode_asset")).all()
    left = workspace(settings, asset.id) / "job-0-attempt-1-killed" / "out"
    ready = tmp_path / "writing"
    writer = subprocess.Popen([sys.executable, "-c", _WRITER, str(left), str(ready)])
    try:
        wait_for(ready.exists, 30, "the dead attempt's writes")
        assert run_until_idle(database.engine, settings, kinds=["transcode_asset"]) == [
            (job_id, JobStatus.succeeded)
        ], _job(session, job_id).error
    finally:
        writer.kill()
        writer.wait(10)
    assert _job(session, job_id).attempts == 1
    storage = make_storage(settings)
    assert f"renditions/{asset.id}/master.m3u8" in [
        info.key for info in storage.list(f"renditions/{asset.id}/")
    ]
    # What could not be swept while it was written goes with the next attempt.
    assert [p.name for p in workspace(settings, asset.id).iterdir()] == ["job-0-attempt-1-killed"]
