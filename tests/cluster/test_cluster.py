"""The scale-out form on one machine (scripts/cluster.sh): nginx in front of two API nodes, two
Celery workers, PostgreSQL, Redis, moto's S3 server. An editor's tus upload survives PATCHes
alternating between the nodes and one node SIGKILLed mid-PATCH; the transcode runs as chunk jobs
on both workers, one worker is SIGKILLed mid-chunk and the other retries that chunk; the chunks
are joined once; a partner plays the ladder and downloads the MP4 through nginx
(X-Accel-Redirect). Nothing lost, nothing published twice."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlsplit

import httpx
import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from catalogue.accounts import service as accounts
from catalogue.media.chunked import CHUNK as TRANSCODE_CHUNK
from catalogue.media.chunked import JOIN as TRANSCODE_JOIN
from catalogue.media.transcode import KIND as TRANSCODE
from catalogue.models import (
    Asset,
    AssetState,
    Job,
    JobStatus,
    Partner,
    RenditionSet,
    RightsWindow,
    RightsWindowCountry,
    Role,
    Title,
    TitleStatus,
)
from catalogue.models.accounts import UserCreate
from tests.delivery._delivery_fixtures import play
from tests.ingest.conftest import OCTETS, TUS, metadata
from tests.support.ladder import write_tiny_ladder
from transcoder.binaries import ffmpeg_path
from transcoder.config import TranscoderConfig

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent.parent
SCRIPT = ROOT / "scripts" / "cluster.sh"
BASE_PORT = int(os.environ.get("CATALOGUE_CLUSTER_TEST_PORT", "18510"))
CHUNK = 512 * 1024
T = TypeVar("T")


@dataclass
class Cluster:
    root: Path
    env: dict[str, str]
    engine: Engine
    nginx: str
    api: tuple[str, str]

    def run(self, *args: str) -> None:
        done = subprocess.run(
            ["bash", str(SCRIPT), *args], env=self.env, capture_output=True, text=True, timeout=600
        )
        assert done.returncode == 0, done.stdout + done.stderr

    def kill(self, service: str) -> None:
        """SIGKILL the service's whole process group (its `uv run` and everything below)."""
        os.killpg(int((self.root / "pids" / f"{service}.pid").read_text()), signal.SIGKILL)

    def worker_of(self, job: Job) -> str:
        """The service running (or that ran) ``job``, while that service lives."""
        assert job.worker_id is not None
        return self.group_of(int(job.worker_id.split(":")[1]))

    def group_of(self, pid: int) -> str:
        """The service whose process group holds `pid`."""
        group = os.getpgid(pid)
        for pid_file in (self.root / "pids").glob("*.pid"):
            if int(pid_file.read_text()) == group:
                return pid_file.stem
        raise AssertionError(f"pid {pid} belongs to no cluster service")


@pytest.fixture(scope="module")
def cluster(request: pytest.FixtureRequest) -> Iterator[Cluster]:
    root = Path(tempfile.mkdtemp(prefix="catalogue-cluster-"))
    root.chmod(0o755)  # PostgreSQL runs as its own account
    env = {
        **os.environ,
        "CATALOGUE_CLUSTER_ROOT": str(root),
        "CLUSTER_NGINX_PORT": str(BASE_PORT),
        "CLUSTER_API1_PORT": str(BASE_PORT + 1),
        "CLUSTER_API2_PORT": str(BASE_PORT + 2),
        "CLUSTER_S3_PORT": str(BASE_PORT + 3),
        "CLUSTER_PG_PORT": str(BASE_PORT + 4),
        "CLUSTER_REDIS_PORT": str(BASE_PORT + 5),
        # Short leases so that a killed node's upload and a killed worker's job come back soon.
        "CATALOGUE_UPLOAD_LEASE_S": "2",
        "CATALOGUE_JOB_LEASE_S": "4",
        "CATALOGUE_JOB_HEARTBEAT_S": "1",
        "CATALOGUE_TRANSCODE_LADDER": str(write_tiny_ladder(root)),
        # The one-minute master in six chunk jobs.
        "CATALOGUE_TRANSCODE_CHUNK_SECONDS": "10",
    }
    made = Cluster(root, env, create_engine("sqlite://"), f"http://127.0.0.1:{BASE_PORT}",
                   (f"http://127.0.0.1:{BASE_PORT + 1}", f"http://127.0.0.1:{BASE_PORT + 2}"))  # fmt: skip
    failed_before = request.session.testsfailed
    try:
        made.run("up")
        made.engine = create_engine(
            f"postgresql+psycopg://postgres@127.0.0.1:{BASE_PORT + 4}/catalogue"
        )
        yield made
    finally:
        made.engine.dispose()
        made.run("down")
        if request.session.testsfailed == failed_before:
            shutil.rmtree(root, ignore_errors=True)
        else:
            print(f"cluster state and logs kept in {root}")


@dataclass
class People:
    editor: dict[str, str]
    partner: dict[str, str]
    title_id: int


@pytest.fixture(scope="module")
def people(cluster: Cluster) -> People:
    with Session(cluster.engine) as session:
        partner = Partner(slug="almaty", name="Almaty Film Centre", kind="cinema", countries=["KZ"])
        title = Title(kind="drama", original_title="Steppe", original_language="kk",
                      status=TitleStatus.published, genres=["documentary"], production_year=2024)  # fmt: skip
        session.add_all([partner, title])
        session.flush()
        window = RightsWindow(title_id=title.id, media_right="public_screening", territories=["KZ"],
                              starts_on=date(2000, 1, 1))  # fmt: skip
        session.add(window)
        session.flush()
        session.add(RightsWindowCountry(window_id=window.id, country="KZ"))
        session.commit()
        headers = {}
        for name, role, partner_id in [("editor", Role.editor, None), ("partner", Role.partner, partner.id)]:  # fmt: skip
            user = accounts.create_user(
                session, UserCreate(username=name, role=role, partner_id=partner_id)
            )
            token = accounts.issue_token(session, user, "cluster test", None).token
            headers[name] = {"Authorization": f"Bearer {token}"}
        assert title.id is not None
        return People(headers["editor"], headers["partner"], title.id)


def _master(directory: Path) -> bytes:
    """A one-minute 640x360 clip with sound: long enough to kill its transcode midway."""
    out = directory / "master.mp4"
    subprocess.run(
        [ffmpeg_path(TranscoderConfig()), "-v", "error", "-y",
         "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25:duration=60",
         "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=60",
         "-c:v", "libx264", "-preset", "veryfast", "-g", "25", "-pix_fmt", "yuv420p",
         "-c:a", "aac", "-b:a", "64k", str(out)],
        check=True, timeout=120,
    )  # fmt: skip
    return out.read_bytes()


def _patch(base: str, headers: dict[str, str], path: str, offset: int, data: bytes) -> int:
    answer = httpx.patch(base + path, content=data, timeout=60,
                         headers={**headers, **TUS, **OCTETS, "Upload-Offset": str(offset)})  # fmt: skip
    assert answer.status_code == 204, answer.text
    return int(answer.headers["Upload-Offset"])


def _offset(base: str, headers: dict[str, str], path: str) -> int:
    deadline = time.monotonic() + 30
    while True:  # 423 while a dead node's lease runs out
        answer = httpx.head(base + path, headers={**headers, **TUS}, timeout=30)
        if answer.status_code == 200:
            return int(answer.headers["Upload-Offset"])
        assert time.monotonic() < deadline, answer.status_code
        time.sleep(0.2)


def _half_sent_patch(
    base: str, headers: dict[str, str], path: str, offset: int, data: bytes
) -> socket.socket:
    """A PATCH announcing twice `data`'s length that sends only `data` and stays open."""
    where = urlsplit(base)
    sock = socket.create_connection((where.hostname or "", where.port or 80))
    lines = [f"PATCH {path} HTTP/1.1", f"Host: {where.netloc}", f"Content-Length: {2 * len(data)}",
             f"Upload-Offset: {offset}", *(f"{k}: {v}" for k, v in {**headers, **TUS, **OCTETS}.items())]  # fmt: skip
    sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode() + data)
    return sock


def _upload(cluster: Cluster, people: People, data: bytes) -> int:
    created = httpx.post(f"{cluster.nginx}/uploads", timeout=30, headers={
        **people.editor, **TUS, "Upload-Length": str(len(data)),
        "Upload-Metadata": metadata(title_id=str(people.title_id), filename="master.mp4")})  # fmt: skip
    assert created.status_code == 201, created.text
    path = urlsplit(created.headers["Location"]).path
    offset = _patch(cluster.nginx, people.editor, path, 0, data[:CHUNK])
    offset = _patch(cluster.api[0], people.editor, path, offset, data[offset : offset + CHUNK])
    offset = _patch(cluster.api[1], people.editor, path, offset, data[offset : offset + CHUNK])
    # api1 dies with a PATCH half received; at most that PATCH is lost.
    sock = _half_sent_patch(
        cluster.api[0], people.editor, path, offset, data[offset : offset + CHUNK]
    )
    time.sleep(1)
    cluster.kill("api1")
    sock.close()
    kept = _offset(cluster.api[1], people.editor, path)
    assert offset <= kept <= offset + CHUNK
    cluster.run("start", "api1")
    offset, turn = kept, 0
    while offset < len(data):
        node = cluster.api[turn % 2] if turn < 4 else cluster.nginx
        offset = _patch(node, people.editor, path, offset, data[offset : offset + CHUNK])
        turn += 1
    asset_id = int(
        httpx.head(cluster.nginx + path, headers={**people.editor, **TUS}).headers[
            "Catalogue-Asset-Id"
        ]
    )
    return asset_id


def _jobs(engine: Engine, kind: str) -> list[Job]:
    with Session(engine) as session:
        return list(session.exec(select(Job).where(Job.kind == kind).order_by(Job.id)))  # type: ignore[arg-type]


def _wait(what: str, seconds: float, check: Callable[[], T | None]) -> T:
    deadline = time.monotonic() + seconds
    while (found := check()) is None:
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)
    return found


def test_upload_transcode_and_delivery_survive_killed_nodes(
    cluster: Cluster, people: People
) -> None:
    data = _master(cluster.root)
    asset_id = _upload(cluster, people, data)
    answer = httpx.get(f"{cluster.nginx}/assets/{asset_id}", headers=people.editor, timeout=30)
    assert answer.json()["sha256"] == hashlib.sha256(data).hexdigest()

    # The transcode plans six chunk jobs; both workers take chunks. Once each worker has taken
    # one and one of them has finished a chunk and is encoding its next, SIGKILL it mid-chunk.
    taken: dict[int, str] = {}  # chunk job id -> worker service, learnt while the worker lives

    def mid_chunk() -> Job | None:
        chunks = _jobs(cluster.engine, TRANSCODE_CHUNK)
        assert all(j.status in (JobStatus.queued, JobStatus.running, JobStatus.succeeded)
                   for j in chunks), chunks  # fmt: skip
        for j in chunks:
            if j.worker_id and j.id not in taken and j.status != JobStatus.queued:
                taken[j.id] = cluster.worker_of(j)  # type: ignore[index]
        finished = {taken[j.id] for j in chunks if j.status == JobStatus.succeeded}  # type: ignore[index]
        running = [
            j for j in chunks if j.status == JobStatus.running and taken.get(j.id or 0) in finished
        ]
        if len(set(taken.values())) == 2 and running:
            return running[0]
        return None

    victim = _wait("chunks on both workers", 300, mid_chunk)
    killed = taken[victim.id]  # type: ignore[index]
    cluster.kill(killed)
    [planner] = _jobs(cluster.engine, TRANSCODE)
    assert planner.status == JobStatus.succeeded and planner.result is not None
    assert planner.result["chunks"] == 6

    def joined() -> Job | None:
        joins = _jobs(cluster.engine, TRANSCODE_JOIN)
        return (
            joins[0]
            if joins and joins[0].status in (JobStatus.succeeded, JobStatus.failed)
            else None
        )

    join = _wait("the chunks to be retried and joined", 300, joined)
    assert join.status == JobStatus.succeeded, join.error
    assert len(_jobs(cluster.engine, TRANSCODE_JOIN)) == 1
    chunks = _jobs(cluster.engine, TRANSCODE_CHUNK)
    assert [j.status for j in chunks] == [JobStatus.succeeded] * 6
    retried = next(j for j in chunks if j.id == victim.id)
    # The killed chunk was taken over by the surviving worker, and ran there to the end.
    assert retried.attempts == 2 and cluster.worker_of(retried) != killed
    survivor = cluster.worker_of(retried)
    by_worker = {j.id: taken.get(j.id or 0) or cluster.worker_of(j) for j in chunks}
    print("chunk jobs by worker:", by_worker)
    assert {killed, survivor} == {"worker1", "worker2"}
    assert set(by_worker.values()) == {killed, survivor}
    with Session(cluster.engine) as session:
        asset = session.get(Asset, asset_id)
        assert asset is not None and asset.state == AssetState.ready
        published = session.exec(
            select(RenditionSet).where(RenditionSet.asset_id == asset_id)
        ).all()
        assert len(published) == 1

    # A partner plays every segment and downloads the MP4, both through nginx.
    issued = httpx.post(
        f"{cluster.nginx}/assets/{asset_id}/links", headers=people.partner, timeout=30
    )
    assert issued.status_code == 201, issued.text
    link = issued.json()
    assert link["master_playlist_url"].startswith(cluster.nginx)
    played = play(link["master_playlist_url"])
    assert played.returncode == 0, played.stderr[-2000:]
    video = httpx.get(link["delivery_video_url"], timeout=60)
    assert video.status_code == 200 and "x-accel-redirect" not in video.headers
    key = link["delivery_video_url"].removeprefix(link["base_url"])
    stored = cluster.root / "media" / published[0].prefix.rstrip("/") / key
    assert video.content == stored.read_bytes()
    ranged = httpx.get(link["delivery_video_url"], headers={"Range": "bytes=0-99"}, timeout=60)
    assert ranged.status_code == 206 and ranged.content == video.content[:100]
    # nginx, not Python, sent the bytes: its access log shows the internal location's size.
    access = (cluster.root / "logs" / "nginx-access.log").read_text()
    assert f" {len(video.content)} " in access
    fetched = set(re.findall(r'"GET /d/[^/ ]+/(\S+\.m4s) HTTP/1\.1" 20[06] ', access))
    ladder = cluster.root / "media" / published[0].prefix.rstrip("/")
    folders = {segment.rsplit("/", 1)[0] for segment in fetched}
    # FFmpeg opens every variant to probe it, then reads the streams it plays to the end.
    complete = {
        f for f in folders if {f"{f}/{p.name}" for p in (ladder / f).glob("*.m4s")} <= fetched
    }
    assert any(f.startswith("audio") for f in complete), sorted(fetched)
    assert any(not f.startswith("audio") for f in complete), sorted(fetched)
