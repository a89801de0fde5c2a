"""Published subtitles reach DASH players too (issue 15): the delivery step adds each track to
the rendition set's MPD as a WebVTT sidecar adaptation set, and the delivery manifest names the
MPD with the hash of its current bytes."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from _subtitle_service_media import ENGLISH_SRT, publish, run_jobs, transcoded
from fastapi.testclient import TestClient
from mpegdash.parser import MPEGDASHParser
from sqlmodel import Session

from catalogue.settings import Settings
from catalogue.storage import LocalStorage
from tests.conftest import Actors, Database
from tests.support.media import make_clip

pytestmark = pytest.mark.slow


def test_published_subtitles_join_the_mpd_as_webvtt_sidecars_and_the_manifest_lists_it(
    client: TestClient,
    actors: Actors,
    database: Database,
    settings: Settings,
    session: Session,
    tmp_path: Path,
) -> None:
    clip = make_clip(tmp_path / "master.mp4", size=(320, 240), seconds=3.0, languages=("kaz",))
    title_id, row = transcoded(client, actors, database, settings, session, clip)
    assert row.dash_manifest_key is not None
    media = LocalStorage(settings.media_root)
    mpd_path = media.path(row.dash_manifest_key)
    before = MPEGDASHParser.parse(mpd_path.read_text()).periods[0].adaptation_sets
    assert [a.content_type for a in before] == ["video", "audio"]  # no subtitles yet

    path = publish(client, actors, title_id, ENGLISH_SRT, "en")
    run_jobs(database, settings)

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
    assert listed["dash_manifest"] == f"{row.asset_id}/manifest.mpd"
    files = {f["path"]: f["sha256"] for f in manifest.json()["files"]}
    # the MPD's recorded hash is that of its rewritten bytes; the sidecar is listed too
    assert files[listed["dash_manifest"]] == hashlib.sha256(mpd_path.read_bytes()).hexdigest()
    assert f"{row.asset_id}/{text.representations[0].base_urls[0].base_url_value}" in files

    # withdrawn: the MPD loses the set again
    withdrawn = client.post(f"{path}/status", headers=actors.editor, json={"status": "draft"})
    assert withdrawn.status_code == 200, withdrawn.text
    run_jobs(database, settings)
    after = MPEGDASHParser.parse(mpd_path.read_text()).periods[0].adaptation_sets
    assert [a.content_type for a in after] == ["video", "audio"]
