"""The scale-out form for real: a `catalogue worker` Celery process with PostgreSQL, Redis and an
S3-protocol server (moto); a clip uploaded through the API ends as a ladder in S3."""

from __future__ import annotations

import base64
import os
from pathlib import Path

import pytest
from _job_handlers import enqueue
from _worker_process import kill, start_worker, wait_for, worker_env
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from catalogue.app import create_app
from catalogue.models import Job, JobStatus, RenditionSet, Title
from catalogue.settings import JobBackend, Settings
from catalogue.storage import make_storage
from tests.support.jobs import job_settings
from tests.support.ladder import write_tiny_ladder
from tests.support.media import make_clip
from tests.support.s3 import s3_settings

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
REDIS_URL = os.environ.get("CATALOGUE_TEST_REDIS_URL")


@pytest.fixture
def scale_out(database, s3_endpoint: str, tmp_path: Path) -> Settings:  # type: ignore[no-untyped-def]
    if not REDIS_URL:
        if os.environ.get("CATALOGUE_REQUIRE_POSTGRES") == "1":
            pytest.fail("CATALOGUE_TEST_REDIS_URL is not set; run the suite with scripts/test.sh")
        pytest.skip("Redis not configured (scripts/services.sh starts one)")
    settings = job_settings(
        database.settings,
        job_backend=JobBackend.celery,
        broker_url=REDIS_URL,
        transcode_ladder=write_tiny_ladder(tmp_path),
    )
    return s3_settings(settings, s3_endpoint)


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


@pytest.mark.parametrize("database", ["postgresql"], indirect=True)
def test_an_uploaded_clip_becomes_a_ladder_in_s3_through_a_celery_worker(
    database,
    scale_out: Settings,
    session: Session,
    actors,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    settings = scale_out
    title = Title(kind="documentary", original_title="Aral", original_language="kk")
    session.add(title)
    session.commit()
    clip = make_clip(tmp_path / "aral.mp4", size=(320, 240)).read_bytes()
    # Enqueued while no back-end listens (as if the broker were down): the worker's sweep sends it.
    swept = enqueue(session, "test_echo", {"swept": True})
    session.commit()
    log = tmp_path / "celery.log"
    env = worker_env(
        settings,
        CATALOGUE_JOB_BACKEND="celery",
        CATALOGUE_BROKER_URL=REDIS_URL or "",
        CATALOGUE_STORAGE_BACKEND="s3",
        CATALOGUE_S3_ENDPOINT_URL=settings.s3_endpoint_url or "",
        CATALOGUE_S3_BUCKET=settings.s3_bucket,
        CATALOGUE_S3_ACCESS_KEY_ID="testing",
        CATALOGUE_S3_SECRET_ACCESS_KEY="testing",
    )
    worker = start_worker(env, log, "--concurrency=2")
    try:
        with TestClient(create_app(settings, database.engine)) as client:
            created = client.post(
                "/uploads",
                headers={
                    **actors.editor,
                    "Tus-Resumable": "1.0.0",
                    "Upload-Length": str(len(clip)),
                    "Upload-Metadata": f"title_id {_b64(str(title.id))},filename {_b64('aral.mp4')}",
                },
            )
            assert created.status_code == 201, created.text
            asset_id = int(created.headers["Catalogue-Asset-Id"])
            patched = client.patch(
                created.headers["Location"],
                content=clip,
                headers={
                    **actors.editor,
                    "Tus-Resumable": "1.0.0",
                    "Upload-Offset": "0",
                    "Content-Type": "application/offset+octet-stream",
                },
            )
            assert patched.status_code == 204, patched.text

            def transcoded() -> bool:
                session.expire_all()
                job = session.exec(select(Job).where(Job.kind == "transcode_asset")).first()
                if job is not None and job.status == JobStatus.failed:
                    raise AssertionError(job.error)
                return job is not None and job.status == JobStatus.succeeded

            wait_for(transcoded, 120, "the ladder to be transcoded by the Celery worker", log)
            renditions = client.get(f"/assets/{asset_id}/renditions", headers=actors.admin).json()
    finally:
        kill(worker)

    jobs = session.exec(select(Job).order_by(Job.id)).all()  # type: ignore[arg-type]
    assert jobs[0].id == swept.id and jobs[0].result == {"echo": {"swept": True}, "attempt": 1}
    assert [(j.kind, j.status) for j in jobs] == [
        ("test_echo", JobStatus.succeeded),
        ("probe_asset", JobStatus.succeeded),
        ("transcode_asset", JobStatus.succeeded),
    ]
    assert all(":celery:" in (j.worker_id or "") for j in jobs)  # run by the Celery worker
    row = session.exec(select(RenditionSet).where(RenditionSet.asset_id == asset_id)).one()
    stored = {i.key: i.size for i in make_storage(settings).list(f"renditions/{asset_id}/")}
    assert f"renditions/{asset_id}/master.m3u8" in stored
    assert len([k for k in stored if k.endswith("index.m3u8")]) >= 2  # two rungs + audio
    assert row.total_bytes == sum(stored.values())
    assert renditions["master_playlist_key"] == f"renditions/{asset_id}/master.m3u8"
    assert [(v["width"], v["height"]) for v in renditions["variants"]] == [(320, 240), (192, 144)]
