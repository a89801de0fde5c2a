"""A long master transcoded as chunk jobs, joined once: the same ladder a single run publishes,
a failed chunk retried without publishing twice, and the join queued exactly once when the last
two chunks finish together."""

from __future__ import annotations

import re
import threading
import time
from fractions import Fraction
from pathlib import Path

import m3u8
import pytest
from sqlmodel import Session, select

from catalogue.media import chunked
from catalogue.media.config import transcoder_config
from catalogue.models import (
    Asset,
    ChunkedTranscode,
    Job,
    JobStatus,
    RenditionFile,
    RenditionSet,
    TranscodeChunk,
)
from catalogue.settings import Settings
from catalogue.storage import make_storage
from catalogue.storage.keys import chunks_prefix
from catalogue.storage.local import LocalStorage
from catalogue.worker import run_until_idle
from tests.support.assets import ready_asset
from tests.support.jobs import job_settings
from tests.support.ladder import write_tiny_ladder
from tests.support.media import make_clip
from transcoder.chunks import plan_chunks
from transcoder.run import run_ffmpeg

SECONDS = 5.0
FRAME = 1 / 25


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("chunked")
    return make_clip(directory / "master.mp4", seconds=SECONDS, size=(320, 240), gop=25)


@pytest.fixture
def chunk_settings(database, tmp_path: Path) -> Settings:  # type: ignore[no-untyped-def]
    # 2 s chunks of 1 s segments: chunks at 0, 2 and 4 s.
    return job_settings(
        database.settings,
        transcode_ladder=write_tiny_ladder(tmp_path),
        transcode_chunk_seconds=2.0,
        measure_quality=False,
    )


def _asset(session: Session, settings: Settings, clip: Path) -> Asset:
    return ready_asset(session, settings, clip, technical={"duration": SECONDS})


def _jobs(session: Session, kind: str) -> list[Job]:
    session.expire_all()
    return list(session.exec(select(Job).where(Job.kind == kind).order_by(Job.id)))  # type: ignore[arg-type]


def _set(session: Session, asset_id: int) -> RenditionSet:
    return session.exec(select(RenditionSet).where(RenditionSet.asset_id == asset_id)).one()


def _paths(session: Session, row: RenditionSet) -> list[str]:
    query = select(RenditionFile.path).where(RenditionFile.rendition_set_id == row.id)
    return sorted(session.exec(query))


def _psnr(settings: Settings, a: Path, b: Path) -> float:
    result = run_ffmpeg(
        transcoder_config(settings),
        ["-i", str(a), "-i", str(b), "-lavfi", "[0:v][1:v]psnr", "-f", "null", "-"],
        inputs=[],
        own_inputs=[str(a), str(b)],
    )
    return float(re.findall(r"PSNR .* average:([0-9.]+|inf)", result.stderr_tail)[-1])


@pytest.mark.slow
def test_a_long_master_is_chunked_joined_and_published_as_a_single_run_would(
    database, session: Session, chunk_settings: Settings, clip: Path
) -> None:
    single_settings = chunk_settings.model_copy(update={"transcode_chunk_seconds": None})
    single = _asset(session, single_settings, clip)
    run_until_idle(database.engine, single_settings)
    asset = _asset(session, chunk_settings, clip)
    run_until_idle(database.engine, chunk_settings)

    [_, planner] = _jobs(session, "transcode_asset")
    assert planner.status == JobStatus.succeeded and planner.result is not None
    assert planner.result["chunks"] == 3
    chunks = _jobs(session, "transcode_chunk")
    assert [(j.payload["chunk"], j.status) for j in chunks] == [
        (n, JobStatus.succeeded) for n in range(3)
    ]
    [join] = _jobs(session, "transcode_join")
    assert join.status == JobStatus.succeeded, join.error
    run = session.exec(select(ChunkedTranscode).where(ChunkedTranscode.asset_id == asset.id)).one()
    assert (run.chunks, run.chunks_done) == (3, 3) and run.joined_at is not None

    one, other = _set(session, single.id), _set(session, asset.id)  # type: ignore[arg-type]
    assert other.job_id == join.id
    assert _paths(session, other) == _paths(session, one)
    assert [(v["width"], v["height"]) for v in other.variants] == [
        (v["width"], v["height"]) for v in one.variants
    ]
    assert abs(other.duration_s - one.duration_s) <= FRAME
    storage = make_storage(chunk_settings)
    assert isinstance(storage, LocalStorage)
    for variant in one.variants:
        segments = [
            [
                s.duration
                for s in m3u8.load(str(storage.path(f"{r.prefix}/{variant['uri']}"))).segments
            ]
            for r in (one, other)
        ]
        assert segments[0] == segments[1] and len(segments[0]) == SECONDS
    psnr = _psnr(
        chunk_settings,
        storage.path(one.delivery_video_key),
        storage.path(other.delivery_video_key),
    )
    print(f"PSNR of the chunked delivery MP4 against the single run: {psnr:.2f} dB")
    assert psnr > 35
    # The chunks' pictures are gone once the join published.
    assert storage.list(chunks_prefix(asset.id, run.id)) == []  # type: ignore[arg-type]
    assert [i.key for i in storage.list(f"assets/{asset.id}")] == [asset.storage_key]


@pytest.mark.slow
def test_a_failed_chunk_is_retried_and_the_set_is_published_once(
    database,
    session: Session,
    chunk_settings: Settings,
    clip: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    published: list[str] = []
    real_publish = LocalStorage.publish

    def flaky_publish(self: LocalStorage, source: Path, prefix: str, **kw):  # type: ignore[no-untyped-def]
        published.append(prefix)
        if prefix.endswith("/00001") and published.count(prefix) == 1:
            raise OSError("disk went away")
        return real_publish(self, source, prefix, **kw)

    monkeypatch.setattr(LocalStorage, "publish", flaky_publish)
    asset = _asset(session, chunk_settings, clip)
    run_until_idle(database.engine, chunk_settings)

    chunks = _jobs(session, "transcode_chunk")
    assert [(j.status, j.attempts) for j in chunks] == [
        (JobStatus.succeeded, 1),
        (JobStatus.succeeded, 2),
        (JobStatus.succeeded, 1),
    ]
    [join] = _jobs(session, "transcode_join")
    assert join.status == JobStatus.succeeded, join.error
    assert published.count(f"renditions/{asset.id}") == 1
    assert _set(session, asset.id).job_id == join.id  # type: ignore[arg-type]


def _run_with_chunks(session: Session, asset_id: int, chunks: int) -> int:
    run = ChunkedTranscode(asset_id=asset_id, job_id=10_000 + asset_id, chunk_seconds=2.0,
                           chunks=chunks)  # fmt: skip
    session.add(run)
    session.flush()
    assert run.id is not None
    for n in range(chunks):
        session.add(TranscodeChunk(run_id=run.id, number=n, first_segment=2 * n,
                                   start_frame=50 * n))  # fmt: skip
    session.commit()
    return run.id


def test_the_join_is_queued_once_when_the_last_two_chunks_finish_together(
    database, session: Session, chunk_settings: Settings, tmp_path: Path
) -> None:
    master = tmp_path / "master.mp4"
    master.write_bytes(b"not probed here")
    asset = ready_asset(session, chunk_settings, master)
    run_id = _run_with_chunks(session, asset.id, chunks=3)  # type: ignore[arg-type]
    with Session(database.engine) as first:
        assert chunked.count_done(first, run_id, 0) is False
        first.commit()

    # Chunk 1 counts itself but has not committed when chunk 2 counts itself on another
    # worker: the second waits, then sees the count chunk 1 committed.
    outcome: dict[int, bool] = {}
    with Session(database.engine) as one:
        outcome[1] = chunked.count_done(one, run_id, 1)

        def other() -> None:
            with Session(database.engine) as two:
                outcome[2] = chunked.count_done(two, run_id, 2)
                two.commit()

        thread = threading.Thread(target=other)
        thread.start()
        time.sleep(0.5)
        assert 2 not in outcome  # held by the first writer
        one.commit()
        thread.join(timeout=30)
    assert outcome == {1: False, 2: True}
    joins = [j for j in _jobs(session, "transcode_join") if j.payload["run_id"] == run_id]
    assert [j.payload["asset_id"] for j in joins] == [asset.id]
    assert len(joins) == 1
    # A chunk counted before (its worker died before the job row said so) is not counted again.
    with Session(database.engine) as again:
        assert chunked.count_done(again, run_id, 2) is False
        again.commit()
    session.expire_all()
    assert session.get(ChunkedTranscode, run_id).chunks_done == 3  # type: ignore[union-attr]


def test_a_sound_tail_of_a_few_milliseconds_makes_no_chunk_of_its_own() -> None:
    # A one-minute picture whose AAC ends 21 ms later: six chunks, the last to the end.
    chunks = plan_chunks(60.021, Fraction(25), segment_seconds=1, chunk_seconds=10)
    assert [(c.start_frame, c.frames) for c in chunks] == [
        (0, 250), (250, 250), (500, 250), (750, 250), (1000, 250), (1250, None)
    ]  # fmt: skip
