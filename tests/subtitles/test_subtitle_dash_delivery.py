"""Published subtitles reach DASH players too (issue 15): the delivery step adds each track to
the rendition set's MPD as a WebVTT sidecar adaptation set, and the delivery manifest names the
MPD with the hash of its current bytes."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from _subtitle_service_media import ENGLISH_SRT, create_title, upload
from fastapi.testclient import TestClient
from mpegdash.parser import MPEGDASHParser
from sqlmodel import Session, select

from catalogue.models import Job, JobStatus, RenditionSet
from catalogue.settings import Settings
from catalogue.storage import LocalStorage
from catalogue.worker import run_until_idle
from tests.conftest import Actors, Database
from tests.support.assets import ready_asset
from tests.support.media import make_clip

pytestmark = pytest.mark.slow


def _run_jobs(database: Database, settings: Settings) -> None:
    outcomes = run_until_idle(database.engine, settings)
    with Session(database.engine) as session:
        failed = [
            (j.kind, j.error) for j in session.exec(select(Job)) if j.status != JobStatus.succeeded
        ]
    assert failed == [], outcomes


def test_published_subtitles_join_the_mpd_as_webvtt_sidecars_and_the_manifest_lists_it(
    client: TestClient,
    actors: Actors,
    database: Database,
    settings: Settings,
    session: Session,
    tmp_path: Path,
) -> None:
    clip = make_clip(tmp_path / "master.mp4", size=(320, 240), seconds=3.0, languages=("kaz",))
    title_id = create_title(client, actors.editor)
    asset = ready_asset(session, settings, clip, title_id=title_id)
    _run_jobs(database, settings)
    row = session.exec(select(RenditionSet).where(RenditionSet.asset_id == asset.id)).one()
    assert row.dash_manifest_key is not None
    media = LocalStorage(settings.media_root)
    mpd_path = media.path(row.dash_manifest_key)
    before = MPEGDASHParser.parse(mpd_path.read_text()).periods[0].adaptation_sets
    assert [a.content_type for a in before] == ["video", "audio"]  # no subtitles yet

    track = upload(client, actors.editor, title_id, ENGLISH_SRT.encode(), "en")
    assert track.status_code == 201, track.text
    path = f"/titles/{title_id}/subtitles/{track.json()['id']}"
    published = client.post(f"{path}/status", headers=actors.editor, json={"status": "published"})
    assert published.status_code == 200, published.text
    _run_jobs(database, settings)

    mpd_text = mpd_path.read_text()
    sets = MPEGDASHParser.parse(mpd_text).periods[0].adaptation_sets
    assert [a.content_type for a in sets] == ["video", "audio", "text"]
    text = sets[-1]
    assert (text.mime_type, text.lang, text.roles[0].value) == ("text/vtt", "en", "subtitle")
    # the video and audio sets are the transcode's, untouched
    assert [len(a.representations) for a in sets[:2]] == [len(a.representations) for a in before]
    sidecar = mpd_path.parent / text.representations[0].base_urls[0].base_url_value
    vtt = sidecar.read_text()
    assert vtt.startswith("WEBVTT") and "The steppe wind" in vtt and "is rising." in vtt

    manifest = client.get(f"/titles/{title_id}/manifest", headers=actors.editor)
    assert manifest.status_code == 200, manifest.text
    (listed,) = manifest.json()["assets"]
    assert listed["dash_manifest"] == f"{asset.id}/manifest.mpd"
    files = {f["path"]: f["sha256"] for f in manifest.json()["files"]}
    # the MPD's recorded hash is that of its rewritten bytes; the sidecar is listed too
    assert files[listed["dash_manifest"]] == hashlib.sha256(mpd_path.read_bytes()).hexdigest()
    assert f"{asset.id}/{text.representations[0].base_urls[0].base_url_value}" in files

    # withdrawn: the MPD loses the set again
    withdrawn = client.post(f"{path}/status", headers=actors.editor, json={"status": "draft"})
    assert withdrawn.status_code == 200, withdrawn.text
    _run_jobs(database, settings)
    after = MPEGDASHParser.parse(mpd_path.read_text()).periods[0].adaptation_sets
    assert [a.content_type for a in after] == ["video", "audio"]
