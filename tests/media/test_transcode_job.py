"""The transcode_asset job with real FFmpeg on a small clip: renditions published and recorded,
idempotent, and queued by the asset becoming ready."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from sqlmodel import Session, select

from catalogue.jobs import enqueue
from catalogue.media import transcode
from catalogue.media.transcode import workspace
from catalogue.models import Job, JobStatus, RenditionFile, RenditionSet
from catalogue.settings import Settings
from catalogue.storage import make_storage
from catalogue.worker import run_until_idle
from tests.support.assets import ready_asset
from tests.support.jobs import job_settings
from tests.support.ladder import write_tiny_ladder
from tests.support.media import make_clip

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_clip(tmp_path_factory.mktemp("clip") / "master.mp4", size=(320, 240))


@pytest.fixture
def media_settings(database, tmp_path: Path) -> Settings:  # type: ignore[no-untyped-def]
    return job_settings(database.settings, transcode_ladder=write_tiny_ladder(tmp_path))


def _files(session: Session, set_id: int) -> list[RenditionFile]:
    query = select(RenditionFile).where(RenditionFile.rendition_set_id == set_id)
    return list(session.exec(query.order_by(RenditionFile.path)))  # type: ignore[arg-type]


def test_a_ready_asset_queues_one_transcode(
    session: Session, media_settings: Settings, clip: Path
) -> None:
    asset = ready_asset(session, media_settings, clip)
    jobs = session.exec(select(Job).where(Job.kind == "transcode_asset")).all()
    assert [(j.payload, j.dedupe_key, j.status) for j in jobs] == [
        ({"asset_id": asset.id}, f"transcode:{asset.id}", JobStatus.queued)
    ]


def test_transcode_publishes_and_records_the_ladder(
    database, session: Session, media_settings: Settings, clip: Path
) -> None:
    asset = ready_asset(session, media_settings, clip)
    [(job_id, status)] = run_until_idle(database.engine, media_settings)
    job = session.get(Job, job_id)
    assert status == JobStatus.succeeded, job.error if job else None

    row = session.exec(select(RenditionSet).where(RenditionSet.asset_id == asset.id)).one()
    assert row.job_id == job_id and row.master_playlist_key == f"renditions/{asset.id}/master.m3u8"
    assert [(v["width"], v["height"]) for v in row.variants] == [(320, 240), (192, 144)]
    assert all(v["codecs"].startswith("avc1.") and v["bandwidth"] > 0 for v in row.variants)
    # VMAF measured and kept with each rung: more pixels score higher
    top, low = row.variants
    assert 0 < low["vmaf_p5"] <= low["vmaf_mean"] < top["vmaf_mean"] <= 100
    assert row.loudness_integrated_lufs is not None and -30 < row.loudness_integrated_lufs < -16
    assert 2.5 < row.duration_s < 3.5

    storage = make_storage(media_settings)
    stored = {info.key: info.size for info in storage.list(f"renditions/{asset.id}/")}
    files = _files(session, row.id)  # type: ignore[arg-type]
    assert {f.key: f.size for f in files} == stored
    assert row.total_bytes == sum(stored.values())
    for f in files[:5]:
        data = b"".join(storage.iter_bytes(f.key))
        assert hashlib.sha256(data).hexdigest() == f.sha256
    assert {row.poster_key, row.storyboard_vtt_key, row.delivery_video_key} <= set(stored)
    assert row.dash_manifest_key == f"renditions/{asset.id}/manifest.mpd"
    assert row.dash_manifest_key in stored
    assert not workspace(media_settings, asset.id).exists()  # type: ignore[arg-type]


def test_running_the_transcode_twice_gives_the_same_rows_and_keys(
    database, session: Session, media_settings: Settings, clip: Path
) -> None:
    asset = ready_asset(session, media_settings, clip)
    run_until_idle(database.engine, media_settings)
    first = session.exec(select(RenditionSet).where(RenditionSet.asset_id == asset.id)).one()
    before = [(f.id, f.path, f.key) for f in _files(session, first.id)]  # type: ignore[arg-type]

    enqueue(
        session, transcode.KIND, transcode.HANDLER, {"asset_id": asset.id}
    )  # the same work, a second job
    session.commit()
    [(_, status)] = run_until_idle(database.engine, media_settings)
    assert status == JobStatus.succeeded
    session.expire_all()
    rows = session.exec(select(RenditionSet).where(RenditionSet.asset_id == asset.id)).all()
    assert [r.id for r in rows] == [first.id]
    # x264 is not byte-for-byte deterministic: same files and rows, not necessarily same bytes.
    assert [(f.id, f.path, f.key) for f in _files(session, first.id)] == before  # type: ignore[arg-type]
    stored = [i.key for i in make_storage(media_settings).list(f"renditions/{asset.id}/")]
    assert stored == sorted(k for _, _, k in before)


def test_an_asset_that_is_not_ready_fails_at_once_with_the_reason(
    database, session: Session, media_settings: Settings, clip: Path
) -> None:
    asset = ready_asset(session, media_settings, clip)
    asset.state = "rejected"
    session.add(asset)
    session.commit()
    [(job_id, status)] = run_until_idle(database.engine, media_settings)
    job = session.get(Job, job_id)
    assert status == JobStatus.failed and job is not None and job.attempts == 1
    assert job.error is not None and f"asset {asset.id} is rejected" in job.error


def test_a_broken_master_is_a_permanent_failure(
    database, session: Session, media_settings: Settings, tmp_path: Path
) -> None:
    garbage = tmp_path / "broken.mp4"
    garbage.write_bytes(b"\x00\x00\x00\x18ftypmp42" + b"\x17" * 4000)
    ready_asset(session, media_settings, garbage)
    [(job_id, status)] = run_until_idle(database.engine, media_settings)
    job = session.get(Job, job_id)
    assert status == JobStatus.failed and job is not None and job.attempts == 1
    assert job.error and "Invalid data" in job.error and "Traceback" not in job.error
