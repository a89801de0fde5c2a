"""Soak under SIGKILL: a real `catalogue serve` killed in the middle of tus PATCHes and real
`catalogue worker` processes killed in the middle of transcodes, the uploads resumed (HEAD, then
PATCH from the offset, as tus-js-client and tuspy do) and the jobs retried after their lease.

    uv run --frozen python bench/chaos.py                       # 50 kills on SQLite and PostgreSQL
    uv run --frozen python bench/chaos.py --kills 3 --db sqlite # what CI runs

Kills alternate: the API mid-PATCH (mid-body, or just as the last bytes land and the master is
stored), then a worker mid-encode. Every round uploads a new small master (a few seconds, 320x180)
and transcodes it with a slow-enough ladder for a kill to land mid-encode. At the end:
every master's SHA-256 equals the file sent, every asset has exactly one published rendition
set, no orphan files in storage or staging, no job stuck (queued, running or failed), no FFmpeg
outliving its worker. Prints "N kills, 0 lost, 0 duplicated, 0 stuck" (or what went wrong, and
exits 1).

PostgreSQL: a fresh database on the server at CATALOGUE_TEST_POSTGRES_URL (dropped at the end);
without one, a throwaway cluster from scripts/services.sh on CATALOGUE_PG_PORT / CATALOGUE_REDIS_PORT.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlalchemy import create_engine, make_url, text
from sqlmodel import Session, col, select

from catalogue import migrate
from catalogue.accounts import service as accounts
from catalogue.models import (
    Asset,
    Job,
    JobStatus,
    RenditionFile,
    RenditionSet,
    Role,
    Title,
    TitleKind,
)
from catalogue.models.accounts import UserCreate
from transcoder import testmedia
from transcoder.profiles import (
    AudioProfile,
    DeliveryProfile,
    Ladder,
    Rung,
    StoryboardProfile,
    ladder_to_dict,
)

ROOT = Path(__file__).resolve().parent.parent
CHUNK = 96 * 1024  # tus PATCH size: a master takes a few PATCHes
MASTER_SIZE = (320, 180)
# Three rungs at x264 "medium": slow enough (a few seconds) that a kill lands mid-encode.
LADDER = Ladder(
    name="chaos",
    rungs=(
        Rung("r180", 180, 300, 350, 600),
        Rung("r144", 144, 200, 240, 400, h264_profile="main"),
        Rung("r108", 108, 120, 150, 300, h264_profile="main"),
    ),
    segment_seconds=1,
    preset="medium",
    audio=AudioProfile(kbps=64),
    delivery=DeliveryProfile(height=180, video_kbps=300, audio_kbps=96),
    storyboard=StoryboardProfile(tile_width=64, columns=4, rows=2, min_interval_seconds=0.5),
)
ENV = {
    "CATALOGUE_JOB_POOL_ENABLED": "false",  # jobs run in `catalogue worker` processes only
    "CATALOGUE_JOB_LEASE_S": "2",  # a killed worker's job is reclaimed 2 s after its last beat
    "CATALOGUE_JOB_HEARTBEAT_S": "0.3",
    "CATALOGUE_JOB_POLL_S": "0.2",
    "CATALOGUE_JOB_BACKOFF_BASE_S": "0",
    "CATALOGUE_UPLOAD_LEASE_S": "2",  # a killed PATCH holds its upload (423) this long
    "CATALOGUE_LOG_LEVEL": "WARNING",
}
TUS = {"Tus-Resumable": "1.0.0"}
# Answers a tus client retries after a pause: an upload another (here: a killed) request holds
# until its lease ends, and an offset that moved.
RETRIED = {409, 423}


class ChaosError(Exception):
    """The soak could not go on (a server that does not start, a job that never ends)."""


class UploadLost(ChaosError):
    """An upload the server refuses to resume or to finish: counted lost, the soak goes on."""


def catalogue_command() -> list[str]:
    script = Path(sys.executable).with_name("catalogue")
    return [str(script)] if script.exists() else [sys.executable, "-m", "catalogue.cli"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def sha256_of(path: Path) -> str:
    with path.open("rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()


def wait_for(condition: Callable[[], object], timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise ChaosError(f"timed out after {timeout_s:.0f} s waiting for {what}")
        time.sleep(0.05)


# --- processes -----------------------------------------------------------------------------------


class Child:
    """A `catalogue ...` process in a session of its own, logging to a file."""

    def __init__(self, args: list[str], env: dict[str, str], log: Path) -> None:
        self.args, self.env, self.log = args, env, log
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(
                [*catalogue_command(), *self.args],
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def kill(self) -> None:
        """SIGKILL to the process alone, as the kernel's OOM killer does: its children (FFmpeg)
        must die with it by themselves."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""


class Server(Child):
    def __init__(self, env: dict[str, str], log: Path, port: int) -> None:
        super().__init__(["serve", "--port", str(port), "--no-migrate"], env, log)
        self.url = f"http://127.0.0.1:{port}"

    def start(self) -> None:
        super().start()
        deadline = time.monotonic() + 120  # imports alone take seconds on a busy machine
        while time.monotonic() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
                raise ChaosError(f"the server exited:\n{self.tail()}")
            with suppress(httpx.TransportError):
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return
            time.sleep(0.1)
        raise ChaosError(f"the server did not start in 120 s:\n{self.tail()}")


# --- databases -----------------------------------------------------------------------------------


@contextmanager
def postgres_server() -> Iterator[str]:
    """The URL of a PostgreSQL server: CATALOGUE_TEST_POSTGRES_URL, or a throwaway cluster
    started by scripts/services.sh (its ports from CATALOGUE_PG_PORT / CATALOGUE_REDIS_PORT)."""
    given = os.environ.get("CATALOGUE_TEST_POSTGRES_URL")
    if given:
        yield given
        return
    # services.sh is sourced by a shell that stays up until its stdin closes, then stops them.
    script = "source scripts/services.sh; trap stop_services EXIT; echo \"$CATALOGUE_TEST_POSTGRES_URL\"; read _"  # fmt: skip
    shell = subprocess.Popen(
        ["bash", "-c", script], cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert shell.stdin is not None and shell.stdout is not None
    url = shell.stdout.readline().strip()
    try:
        if not url:
            raise ChaosError("scripts/services.sh did not start PostgreSQL")
        yield url
    finally:
        shell.stdin.close()
        shell.wait(60)


@contextmanager
def fresh_postgres_database(server_url: str) -> Iterator[str]:
    """A new empty database on the server, dropped afterwards: others' data is never touched."""
    name = f"chaos_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


# --- the soak ------------------------------------------------------------------------------------


@dataclass
class Sent:
    """One master sent: what the client knows about it."""

    path: Path
    sha256: str
    asset_id: int


@dataclass
class Tally:
    kills: int = 0
    server_kills: int = 0
    worker_kills: int = 0
    resumes: int = 0
    retried_jobs: int = 0
    lost: list[str] = field(default_factory=list)
    duplicated: list[str] = field(default_factory=list)
    stuck: list[str] = field(default_factory=list)


class Soak:
    def __init__(self, data_dir: Path, database_url: str | None, port: int, workers: int) -> None:
        self.data_dir = data_dir
        self.database_url = database_url or f"sqlite:///{data_dir / 'catalogue.db'}"
        ladder_file = data_dir / "chaos-ladder.json"
        ladder_file.write_text(json.dumps(ladder_to_dict(LADDER)))
        env = {k: v for k, v in os.environ.items() if not k.startswith("CATALOGUE_")}
        env.update(
            ENV, CATALOGUE_DATA_DIR=str(data_dir), CATALOGUE_TRANSCODE_LADDER=str(ladder_file)
        )
        if database_url:
            env["CATALOGUE_DATABASE_URL"] = database_url
        self.engine = create_engine(self.database_url)
        self.server = Server(env, data_dir / "server.log", port)
        self.workers = [
            Child(["worker", "--concurrency", "1"], env, data_dir / f"worker-{n}.log")
            for n in range(workers)
        ]
        self.tally = Tally()
        self.sent: list[Sent] = []
        self.rng = random.Random(1234)

    # setup and teardown

    def prepare(self) -> None:
        migrate.upgrade(self.engine)
        with Session(self.engine) as session:
            user = accounts.create_user(session, UserCreate(username="chaos", role=Role.editor))
            token = accounts.issue_token(session, user, "chaos", None).token
            title = Title(
                kind=TitleKind.documentary, original_title="Chaos", original_language="en"
            )
            session.add(title)
            session.commit()
            assert title.id is not None
            self.title_id = title.id
        self.auth = {"Authorization": f"Bearer {token}"}

    def start(self) -> None:
        for worker in self.workers:  # they start up while the server does
            worker.start()
        self.server.start()

    def stop(self) -> None:
        for child in [self.server, *self.workers]:
            child.stop()
        self.engine.dispose()

    # one round

    def master(self, n: int) -> Path:
        path = self.data_dir / "sent" / f"master-{n}.mp4"
        seconds = 4.0 + (n % 3)  # different lengths and tones: no two masters alike
        width, height = MASTER_SIZE
        return testmedia.generate_demo_clip(
            path, title_text=None, seconds=seconds, width=width, height=height, tone_hz=300 + 7 * n
        )

    def run_round(self, n: int, kill: str) -> None:
        path = self.master(n)
        asset_id = self.upload(path, kill_server=kill == "server")
        self.sent.append(Sent(path, sha256_of(path), asset_id))
        self.transcode(asset_id, kill_worker=kill == "worker")

    # tus upload, resumed after the server is killed

    def upload(self, path: Path, *, kill_server: bool) -> int:
        data = path.read_bytes()
        meta = {"title_id": str(self.title_id), "kind": "main", "filename": path.name}
        created = self.request(
            "POST",
            "/uploads",
            headers={
                "Upload-Length": str(len(data)),
                "Upload-Metadata": ",".join(
                    f"{k} {base64.b64encode(v.encode()).decode()}" for k, v in meta.items()
                ),
            },
        )
        if created.status_code != 201:
            raise ChaosError(f"POST /uploads answered {created.status_code}: {created.text}")
        location = httpx.URL(created.headers["Location"]).path
        chunks = (len(data) + CHUNK - 1) // CHUNK
        # Half the kills land mid-body in a random PATCH, half just after the last PATCH's
        # final byte, while the server stores the master and commits: the riskiest moment.
        mid_body = self.rng.random() < 0.5
        kill_at = -1 if not kill_server else self.rng.randrange(chunks) if mid_body else chunks - 1
        offset, asset_id = 0, None
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            chunk_no = offset // CHUNK
            body = data[offset : offset + CHUNK]
            try:
                if chunk_no == kill_at:
                    kill_at = -1
                    answer = self.patch_and_kill(location, offset, body, mid_body=mid_body)
                else:
                    answer = self.patch(location, offset, body)
            except httpx.TransportError:
                offset = self.resume_offset(location)
                continue
            if answer.status_code in RETRIED:  # as tus-js-client does: wait, HEAD, go on
                time.sleep(0.5)
                offset = self.resume_offset(location)
                continue
            if answer.status_code != 204:
                raise UploadLost(
                    f"{path.name}: PATCH at {offset} answered {answer.status_code}: {answer.text}"
                )
            offset = int(answer.headers["Upload-Offset"])
            asset_id = int(answer.headers["Catalogue-Asset-Id"])
            if offset == len(data):
                return asset_id
        raise UploadLost(f"{path.name}: the upload did not finish in 120 s")

    def request(self, method: str, path: str, **kwargs: object) -> httpx.Response:
        headers = {**self.auth, **TUS, **kwargs.pop("headers", {})}  # type: ignore[dict-item]
        return httpx.request(method, self.server.url + path, headers=headers, timeout=30, **kwargs)  # type: ignore[arg-type]

    def patch(
        self, location: str, offset: int, body: bytes, content: Iterator[bytes] | None = None
    ) -> httpx.Response:
        return self.request(
            "PATCH",
            location,
            headers={
                "Upload-Offset": str(offset),
                "Content-Type": "application/offset+octet-stream",
                "Content-Length": str(len(body)),
            },
            content=body if content is None else content,
        )

    def patch_and_kill(
        self, location: str, offset: int, body: bytes, *, mid_body: bool
    ) -> httpx.Response:
        """A PATCH during which the server is killed: mid-body, or 0-40 ms after the last byte
        (while it hashes, stores the master and commits)."""
        cut = self.rng.randrange(1, len(body)) if mid_body else len(body)

        def slow_body() -> Iterator[bytes]:
            yield body[:cut]
            if mid_body:
                time.sleep(0.15)  # let the server read what was sent
                self.kill_server()
                yield body[cut:]

        if not mid_body:
            delay = self.rng.uniform(0.0, 0.04)
            threading.Timer(delay, self.kill_server).start()
        try:
            answer = self.patch(location, offset, body, slow_body())
        finally:
            wait_for(lambda: self.server.proc is not None and self.server.proc.poll() is not None,
                     10, "the server to die")  # fmt: skip
            self.server.start()
        return answer

    def kill_server(self) -> None:
        self.server.kill()
        self.tally.kills += 1
        self.tally.server_kills += 1

    def resume_offset(self, location: str) -> int:
        """tus resumption: HEAD says how many bytes the server kept."""
        self.tally.resumes += 1
        head = self.request("HEAD", location)
        if head.status_code != 200:
            raise UploadLost(f"HEAD {location} after the kill answered {head.status_code}")
        return int(head.headers["Upload-Offset"])

    # transcode, retried after a worker is killed

    def transcode_job(self, asset_id: int) -> Job | None:
        with Session(self.engine) as session:
            jobs = session.exec(select(Job).where(Job.kind == "transcode_asset")).all()
        return next((j for j in jobs if j.payload.get("asset_id") == asset_id), None)

    def transcode(self, asset_id: int, *, kill_worker: bool) -> None:
        wait_for(lambda: self.transcode_job(asset_id), 120, f"asset {asset_id}'s probe")
        if kill_worker:
            self.kill_worker_mid_encode(asset_id)

        def finished() -> Job | None:
            job = self.transcode_job(asset_id)
            return job if job and job.status not in (JobStatus.queued, JobStatus.running) else None

        wait_for(finished, 180, f"asset {asset_id}'s transcode")

    def kill_worker_mid_encode(self, asset_id: int) -> None:
        def encoding() -> Job | None:
            job = self.transcode_job(asset_id)
            if job and job.status == JobStatus.running and 2 < (job.progress or 0) < 80:
                return job
            return None

        wait_for(encoding, 120, f"asset {asset_id}'s encode to be under way")
        job = encoding()
        if job is None or job.worker_id is None:  # it finished between two looks: no kill
            raise ChaosError(f"asset {asset_id}'s encode ended before the kill; slow the ladder")
        pid = int(job.worker_id.split(":")[1])
        [worker] = [w for w in self.workers if w.proc is not None and w.pid == pid]
        worker.kill()
        self.tally.kills += 1
        self.tally.worker_kills += 1
        self.tally.retried_jobs += 1
        worker.start()

    # the verdict

    def check(self) -> None:
        self.wait_until_idle()
        with Session(self.engine) as session:
            self.check_masters(session)
            self.check_renditions(session)
            self.check_orphans(session)
            self.check_jobs(session)
        self.check_ffmpeg()

    def wait_until_idle(self) -> None:
        def idle() -> bool:
            with Session(self.engine) as session:
                return not session.exec(
                    select(Job.id).where(col(Job.status).in_([JobStatus.queued, JobStatus.running]))
                ).first()

        with suppress(ChaosError):  # what is left is reported as stuck
            wait_for(idle, 120, "the queue to empty")

    def check_masters(self, session: Session) -> None:
        lost, dup = self.tally.lost, self.tally.duplicated
        for sent in self.sent:
            asset = session.get(Asset, sent.asset_id)
            if asset is None or asset.storage_key is None:
                lost.append(f"asset {sent.asset_id} ({sent.path.name}): no stored master")
                continue
            stored = self.data_dir / "media" / asset.storage_key
            if not stored.is_file():
                lost.append(f"asset {sent.asset_id}: master {asset.storage_key} missing")
            elif sha256_of(stored) != sent.sha256 or asset.sha256 != sent.sha256:
                lost.append(f"asset {sent.asset_id}: stored master differs from {sent.path.name}")
        extra = session.exec(
            select(Asset.id).where(col(Asset.id).not_in([s.asset_id for s in self.sent]))
        ).all()
        dup.extend(f"asset {a}: an asset no upload finished as" for a in extra)

    def check_renditions(self, session: Session) -> None:
        for sent in self.sent:
            sets = session.exec(
                select(RenditionSet).where(RenditionSet.asset_id == sent.asset_id)
            ).all()
            if not sets:
                self.tally.lost.append(f"asset {sent.asset_id}: no rendition set")
            elif len(sets) > 1:
                self.tally.duplicated.append(f"asset {sent.asset_id}: {len(sets)} rendition sets")
            for rendition_set in sets:
                master = self.data_dir / "media" / rendition_set.master_playlist_key
                if not master.is_file():
                    self.tally.lost.append(
                        f"asset {sent.asset_id}: {rendition_set.master_playlist_key} missing"
                    )
                files = session.exec(
                    select(RenditionFile).where(RenditionFile.rendition_set_id == rendition_set.id)
                ).all()
                for missing in [
                    f.key for f in files if not (self.data_dir / "media" / f.key).is_file()
                ]:
                    self.tally.lost.append(f"asset {sent.asset_id}: {missing} missing")

    def check_orphans(self, session: Session) -> None:
        """Every file in storage is a master or a rendition file a row names; nothing is left
        in staging, in storage's temp folder or in the transcode workspaces."""
        known = set(session.exec(select(Asset.storage_key)).all())
        known |= set(session.exec(select(RenditionFile.key)).all())
        media = self.data_dir / "media"
        for path in sorted(p for p in media.rglob("*") if p.is_file()):
            key = path.relative_to(media).as_posix()
            if key not in known:
                self.tally.duplicated.append(f"orphan file in storage: {key}")
        leftovers = [
            *(self.data_dir / "uploads").glob("*"),
            *(p for p in (self.data_dir / "work" / "transcode").glob("*/*")),
        ]
        for left in leftovers:
            self.tally.duplicated.append(f"left behind: {left.relative_to(self.data_dir)}")

    def check_jobs(self, session: Session) -> None:
        for job in session.exec(select(Job).order_by(col(Job.id))).all():
            if job.status != JobStatus.succeeded:
                self.tally.stuck.append(
                    f"job {job.id} {job.kind} {job.payload}: {job.status} ({job.error or ''})"
                )

    def check_ffmpeg(self) -> None:
        """No FFmpeg working in this soak's folders outlives the worker that started it."""
        marker = str(self.data_dir).encode()
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            with suppress(OSError, IndexError):
                cmdline = (entry / "cmdline").read_bytes()
                state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
                if marker in cmdline and b"ffmpeg" in cmdline.split(b"\0")[0] and state != "Z":
                    self.tally.stuck.append(f"FFmpeg {entry.name} outlived its worker")


def soak(db: str, kills: int, port: int, workers: int, keep: bool) -> Tally:
    data_dir = Path(tempfile.mkdtemp(prefix=f"chaos-{db}-"))
    with _database(db) as url:
        run = Soak(data_dir, url, port or free_port(), workers)
        try:
            run.prepare()
            run.start()
            n = 0
            while run.tally.kills < kills:
                try:
                    run.run_round(n, "server" if n % 2 == 0 else "worker")
                except UploadLost as lost:
                    run.tally.lost.append(str(lost))
                n += 1
            run.check()
        except ChaosError as error:
            run.tally.stuck.append(f"the soak stopped: {error}")
        finally:
            run.stop()
    if keep or run.tally.lost or run.tally.duplicated or run.tally.stuck:
        print(f"[{db}] data and logs kept in {data_dir}", file=sys.stderr)
    else:
        shutil.rmtree(data_dir, ignore_errors=True)
    return run.tally


@contextmanager
def _database(db: str) -> Iterator[str | None]:
    if db == "sqlite":
        yield None
        return
    with postgres_server() as server, fresh_postgres_database(server) as url:
        yield url


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--kills", type=int, default=50, help="SIGKILLs per database (default 50)")
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--port", type=int, default=0, help="the API's port (default: a free one)")
    parser.add_argument("--workers", type=int, default=2, help="`catalogue worker` processes")
    parser.add_argument("--keep", action="store_true", help="keep the data folder and logs")
    args = parser.parse_args()
    if args.kills < 1:
        parser.error("--kills must be at least 1")
    failed = False
    for db in ["sqlite", "postgres"] if args.db == "both" else [args.db]:
        started = time.monotonic()
        tally = soak(db, args.kills, args.port, args.workers, args.keep)
        for kind, problems in (("lost", tally.lost), ("duplicated", tally.duplicated),
                               ("stuck", tally.stuck)):  # fmt: skip
            for problem in problems:
                print(f"[{db}] {kind}: {problem}")
        print(
            f"[{db}] {tally.server_kills} API kills mid-PATCH ({tally.resumes} resumes), "
            f"{tally.worker_kills} worker kills mid-encode ({tally.retried_jobs} jobs retried), "
            f"{time.monotonic() - started:.0f} s"
        )
        print(
            f"{tally.kills} kills, {len(tally.lost)} lost, {len(tally.duplicated)} duplicated, "
            f"{len(tally.stuck)} stuck"
        )
        failed |= bool(tally.lost or tally.duplicated or tally.stuck)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
