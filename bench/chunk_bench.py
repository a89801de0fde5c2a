"""Chunked transcode benchmark: the same master transcoded as chunk jobs by 1 and by 2
`catalogue worker` processes, each pinned to its own CPU core (one core: what one encoder thread
gets), then a prediction for a 90-minute 1080p master from the measured per-chunk and join times.

    uv run --frozen python bench/chunk_bench.py [--seconds 16] [--chunk-seconds 8] [--repeat 1]

Each configuration gets a fresh SQLite database and storage: the transcode_asset job plans the
chunks in this process, then the workers (`catalogue worker --until-idle`) take the chunk jobs
and the one finishing the last chunk runs the join. Times come from the job rows (first chunk
started to join finished), so worker start-up is not counted; CPU times are each worker's own
(its FFmpeg processes included), less the CPU of a worker's start-up and exit, measured alone. Printed: the wall-clock ratio 2 workers / 1 worker
(target <= 0.6); the busiest worker's CPU time over the single worker's, which is the wall-clock
ratio an idle machine would show (other people's load does not change CPU time); the total CPU
ratio (the split's overhead); the load average. ``--repeat 3`` runs the pair three times and
prints the medians.

The prediction takes the 1-worker run's chunk and join times per master-second, scaled by the
share of its core the worker got; the join of a
short master carries fixed costs (probes, start-up) counted here as if they grew with length, so
the predicted join is an upper bound, and the worker count where it starts to dominate a lower one.
"""

from __future__ import annotations

import argparse
import math
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from catalogue import migrate
from catalogue.db import make_engine
from catalogue.media.chunked import CHUNK, JOIN
from catalogue.media.transcode import KIND as TRANSCODE
from catalogue.media.transcode import enqueue_transcode
from catalogue.models import Asset, AssetKind, AssetState, Job, JobStatus, Title, TitleKind
from catalogue.models.jobs import TERMINAL
from catalogue.settings import Settings
from catalogue.storage import make_storage
from catalogue.worker import run_until_idle
from transcoder.binaries import ffmpeg_path
from transcoder.config import TranscoderConfig
from transcoder.profiles import DEFAULT_LADDER

ROOT = Path(__file__).resolve().parent.parent
FEATURE_SECONDS = 90 * 60
WORKER_COUNTS = (1, 4, 16, 64)


@dataclass(frozen=True)
class Run:
    workers: int
    wall_s: float
    """First chunk started to join finished."""
    worker_cpu_s: tuple[float, ...]
    """User + system CPU of each worker and its FFmpeg processes (start-up included)."""
    chunk_s: tuple[float, ...]
    join_s: float
    chunk_workers: tuple[str, ...]


def make_master(path: Path, seconds: float, size: str) -> Path:
    subprocess.run(
        [ffmpeg_path(TranscoderConfig()), "-v", "error", "-y",
         "-f", "lavfi", "-i", f"testsrc2=size={size}:rate=25:duration={seconds},noise=alls=6:allf=t",
         "-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:duration={seconds}",
         "-c:v", "libx264", "-preset", "veryfast", "-crf", "18", "-g", "25", "-pix_fmt", "yuv420p",
         "-c:a", "aac", "-b:a", "128k", str(path)],
        check=True, timeout=600,
    )  # fmt: skip
    return path


def settings_for(data_dir: Path, chunk_seconds: float) -> dict[str, str]:
    return {
        "CATALOGUE_DATA_DIR": str(data_dir),
        "CATALOGUE_TRANSCODE_CHUNK_SECONDS": str(chunk_seconds),
        "CATALOGUE_MEASURE_QUALITY": "false",
        "CATALOGUE_JOB_POOL_ENABLED": "false",
        "CATALOGUE_JOB_BACKOFF_BASE_S": "0",
        "CATALOGUE_JOB_POLL_S": "0.2",  # workers in other processes see a queued join soon
        "CATALOGUE_LOG_LEVEL": "WARNING",
    }


def seed(settings: Settings, master: Path, seconds: float) -> int:
    """A ready asset with its master in storage and its transcode queued."""
    engine = make_engine(settings)
    migrate.upgrade(engine)
    with Session(engine) as session:
        title = Title(kind=TitleKind.documentary, original_title="Bench", original_language="en")
        session.add(title)
        session.flush()
        asset = Asset(title_id=title.id, kind=AssetKind.main, state=AssetState.ready,  # type: ignore[arg-type]
                      original_filename=master.name, size=master.stat().st_size,
                      technical={"duration": seconds})  # fmt: skip
        session.add(asset)
        session.flush()
        assert asset.id is not None
        asset.storage_key = f"assets/{asset.id}/master.mp4"
        make_storage(settings).put_file(master, asset.storage_key)
        enqueue_transcode(session, asset.id)
        session.commit()
        return asset.id


def run(workers: int, master: Path, seconds: float, chunk_seconds: float, data_dir: Path) -> Run:
    env_values = settings_for(data_dir, chunk_seconds)
    settings = Settings(
        data_dir=data_dir,
        transcode_chunk_seconds=chunk_seconds,
        measure_quality=False,
        job_pool_enabled=False,
        _env_file=None,  # type: ignore[call-arg]
    )
    seed(settings, master, seconds)
    engine = make_engine(settings)
    [(_, planned)] = run_until_idle(engine, settings, kinds=(TRANSCODE,))
    assert planned == JobStatus.succeeded, "planning the chunks failed"
    env = {k: v for k, v in os.environ.items() if not k.startswith("CATALOGUE_")} | env_values
    cores = sorted(os.sched_getaffinity(0))
    # Workers that run until stopped (not --until-idle: a worker still starting would find the
    # chunks taken and leave), stopped once the join has ended.
    children = [_worker(env, cores[n % len(cores)]) for n in range(workers)]
    _wait_for_join(engine)
    for child in children:
        child.send_signal(signal.SIGTERM)
    worker_cpu = [_cpu(child) for child in children]
    with Session(engine) as session:
        chunks = session.exec(select(Job).where(Job.kind == CHUNK).order_by(Job.id)).all()  # type: ignore[arg-type]
        [join] = session.exec(select(Job).where(Job.kind == JOIN)).all()
    for job in (*chunks, join):
        if job.status != JobStatus.succeeded or job.started_at is None or job.finished_at is None:
            raise SystemExit(f"job {job.id} ({job.kind}) ended {job.status}: {job.error}")
    first = min(j.started_at for j in chunks if j.started_at is not None)
    assert join.finished_at is not None and join.started_at is not None
    return Run(
        workers=workers,
        wall_s=(join.finished_at - first).total_seconds(),
        worker_cpu_s=tuple(worker_cpu),
        chunk_s=tuple((j.finished_at - j.started_at).total_seconds() for j in chunks),  # type: ignore[operator]
        join_s=(join.finished_at - join.started_at).total_seconds(),
        chunk_workers=tuple((j.worker_id or "?").split(":")[1] for j in chunks),
    )


def _cpu(child: subprocess.Popen[bytes]) -> float:
    """Wait for ``child``; its own CPU time, its FFmpeg children's included (wait4)."""
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"a worker exited with {child.returncode}")
    return usage.ru_utime + usage.ru_stime


def _wait_for_join(engine: Engine, timeout_s: float = 1800) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with Session(engine) as session:
            join = session.exec(select(Job).where(Job.kind == JOIN)).first()
        if join is not None and join.status in TERMINAL:
            return
        time.sleep(0.5)
    raise SystemExit("the chunks were not joined in time")


def start_up_cpu(data_dir: Path) -> float:
    """CPU time of a worker that finds nothing to do: start-up and exit, taken off each worker."""
    settings = Settings(data_dir=data_dir, _env_file=None)  # type: ignore[call-arg]
    migrate.upgrade(make_engine(settings))
    env = {k: v for k, v in os.environ.items() if not k.startswith("CATALOGUE_")}
    env |= settings_for(data_dir, 1.0)
    return _cpu(_worker(env, min(os.sched_getaffinity(0)), "--until-idle"))


def _worker(env: dict[str, str], core: int, *options: str) -> subprocess.Popen[bytes]:
    """`catalogue worker` (this environment's, so that signals reach it) on one CPU core."""
    return subprocess.Popen(
        [str(Path(sys.executable).parent / "catalogue"), "worker", "--concurrency", "1", *options],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        preexec_fn=lambda: os.sched_setaffinity(0, {core}),
    )


def predict(per_chunk_second: float, join_per_second: float, chunk_seconds: float) -> None:
    """A 90-minute master in chunks of ``chunk_seconds``: chunk rounds, then the join."""
    chunks = math.ceil(FEATURE_SECONDS / chunk_seconds)
    chunk_s = per_chunk_second * chunk_seconds
    join_s = join_per_second * FEATURE_SECONDS
    print(f"\n90-minute master, {chunks} chunks of {chunk_seconds:g} s, one core per worker:")
    print(
        f"  one chunk {chunk_s:.0f} s, join {join_s / 60:.1f} min (sound, joins, pictures, checks)"
    )
    for workers in WORKER_COUNTS:
        rounds = math.ceil(chunks / workers)
        total = rounds * chunk_s + join_s
        share = join_s / total
        print(f"  {workers:>3} workers: {total / 60:7.1f} min  (join {share:.0%} of it)")
    # The chunk phase shrinks with workers, the join does not: past this many it dominates.
    limit = per_chunk_second * FEATURE_SECONDS / join_s
    print(f"  the join takes longer than the chunk phase from about {limit:.0f} workers on")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=16.0, help="master length")
    parser.add_argument("--chunk-seconds", type=float, default=8.0, help="chunk length")
    parser.add_argument("--repeat", type=int, default=1,
                        help="run the 1- and 2-worker pair this many times; print the medians")  # fmt: skip
    parser.add_argument("--feature-chunk-seconds", type=float, default=60.0,
                        help="chunk length assumed for the 90-minute prediction")  # fmt: skip
    args = parser.parse_args()
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"ladder: {DEFAULT_LADDER.name} ({len(DEFAULT_LADDER.rungs)} rungs, "
          f"{DEFAULT_LADDER.preset}), master 1920x1080 {args.seconds:g} s, "
          f"chunks of {args.chunk_seconds:g} s")  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="chunk-bench-") as scratch:
        master = make_master(Path(scratch) / "master.mp4", args.seconds, "1920x1080")
        idle = start_up_cpu(Path(scratch) / "idle")
        print(f"a worker's start-up and exit: {idle:.1f} s CPU (taken off each worker below)")
        pairs: list[tuple[Run, Run]] = []
        for n in range(args.repeat):
            one, two = (
                run(workers, master, args.seconds, args.chunk_seconds,
                    Path(scratch) / f"run-{n}-workers-{workers}")
                for workers in (1, 2)
            )  # fmt: skip
            pairs.append((one, two))
            for found in (one, two):
                print(f"{found.workers} worker(s): {found.wall_s:6.1f} s wall, CPU per worker "
                      f"{', '.join(f'{c:.1f}' for c in found.worker_cpu_s)} s, chunks "
                      f"{', '.join(f'{c:.1f}' for c in found.chunk_s)} s (worker pids "
                      f"{', '.join(found.chunk_workers)}), join {found.join_s:.1f} s")  # fmt: skip
    walls = sorted(two.wall_s / one.wall_s for one, two in pairs)
    # On an idle machine a worker pinned to a core runs as long as its CPU time: the busiest
    # worker is the 2-worker run's length. Other people's load does not change CPU time.
    paths = sorted((max(two.worker_cpu_s) - idle) / (one.worker_cpu_s[0] - idle)
                   for one, two in pairs)  # fmt: skip
    work = sorted((sum(two.worker_cpu_s) - 2 * idle) / (one.worker_cpu_s[0] - idle)
                  for one, two in pairs)  # fmt: skip
    print(f"2 workers / 1 worker, median of {len(pairs)}: {statistics.median(walls):.2f}x wall "
          f"(each run: {', '.join(f'{w:.2f}' for w in walls)}; target <= 0.6), "
          f"{statistics.median(paths):.2f}x busiest worker's CPU (idle-machine wall), "
          f"{statistics.median(work):.2f}x total CPU")  # fmt: skip
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    # Per master-second on one core: the 1-worker run's times, each scaled by the share of its
    # core the worker got (CPU over wall), which is what it would take on an idle core.
    one = min((p[0] for p in pairs), key=lambda r: r.wall_s)
    share = min(1.0, (one.worker_cpu_s[0] - idle) / one.wall_s)
    print(f"1-worker run: the worker had {share:.0%} of its core")
    per_chunk_second = sum(one.chunk_s) / args.seconds * share
    predict(per_chunk_second, one.join_s / args.seconds * share, args.feature_chunk_seconds)


if __name__ == "__main__":
    main()
