"""The scale-out form: renditions in S3-compatible storage (moto's server over real HTTP). Bytes
come from object storage through presigned URLs (307), not through Python; playlists are served
by the app so that a player's relative URIs stay under the signed prefix. A delivery package's
stored attachments redirect the same way, answering as attachments; its manifests (made by the
app) and its one ZIP stream through the app."""

from __future__ import annotations

import hashlib
import io
import zipfile

import httpx
import pytest
from _delivery_fixtures import Deliver, play
from fastapi.testclient import TestClient

from catalogue.settings import Settings
from tests.conftest import Actors
from tests.support.s3 import s3_settings


@pytest.fixture
def settings(settings: Settings, s3_endpoint: str) -> Settings:
    """The delivery settings, storing in a fresh bucket."""
    return s3_settings(settings, s3_endpoint)


def test_segments_redirect_to_presigned_urls_and_playlists_stay_under_the_link(
    client: TestClient, actors: Actors, deliver: Deliver, s3_endpoint: str
) -> None:
    item = deliver("Steppe", ["KZ"])
    issued = client.post(f"/assets/{item.asset_id}/links", headers=actors.partner).json()
    assert all(
        url.startswith(s3_endpoint) and "Signature" in url for url in issued["files"].values()
    )
    base = "/" + issued["base_url"].split("://", 1)[1].split("/", 1)[1]
    master = client.get(base + "master.m3u8", follow_redirects=False)
    assert (
        master.status_code == 200
        and master.headers["content-type"] == "application/vnd.apple.mpegurl"
    )
    video = client.get(
        base + issued["delivery_video_url"].removeprefix(issued["base_url"]), follow_redirects=False
    )
    assert video.status_code == 307 and video.headers["location"].startswith(s3_endpoint)
    direct = httpx.get(video.headers["location"], timeout=30)
    assert direct.status_code == 200 and direct.content[4:8] == b"ftyp"
    ranged = httpx.get(video.headers["location"], headers={"Range": "bytes=0-99"}, timeout=30)
    assert ranged.status_code == 206 and ranged.content == direct.content[:100]
    fetches = client.get("/audit", params={"action": "fetch"}, headers=actors.admin).json()
    assert {e["target"].rsplit("/", 1)[1] for e in fetches} >= {"master.m3u8"}


def test_ffmpeg_plays_hls_from_object_storage_through_a_signed_link(
    server: str, actors: Actors, deliver: Deliver
) -> None:
    item = deliver("Steppe", ["KZ"])
    issued = httpx.post(
        f"{server}/assets/{item.asset_id}/links", headers=actors.partner, timeout=30
    )
    assert issued.status_code == 201, issued.text
    played = play(issued.json()["base_url"] + "master.m3u8")
    assert played.returncode == 0, played.stderr[-2000:]


def test_package_attachments_redirect_to_object_storage_and_the_zip_streams(
    client: TestClient, actors: Actors, deliver: Deliver, s3_endpoint: str
) -> None:
    item = deliver("Steppe", ["KZ"])
    issued = client.post(f"/titles/{item.title_id}/package", headers=actors.partner)
    assert issued.status_code == 201, issued.text
    body = issued.json()
    stored = [f for f in body["files"] if not f["name"].startswith("manifest.")]
    assert [f["name"] for f in stored] == [f"main-{item.asset_id}.mp4", f"main-{item.asset_id}.m4a"]
    for listed in stored:
        answer = client.get(listed["url"], follow_redirects=False)
        assert answer.status_code == 307, answer.text
        location = answer.headers["location"]
        assert location.startswith(s3_endpoint) and "Signature" in location
        direct = httpx.get(location, timeout=30)
        assert direct.status_code == 200
        assert direct.headers["content-disposition"] == f'attachment; filename="{listed["name"]}"'
        assert len(direct.content) == listed["size"]
        assert hashlib.sha256(direct.content).hexdigest() == listed["sha256"]

    for listed in body["files"][-2:]:  # made by the app: served by it
        made = client.get(listed["url"], follow_redirects=False)
        assert made.status_code == 200 and made.headers["content-disposition"].startswith("attach")
        assert hashlib.sha256(made.content).hexdigest() == listed["sha256"]

    zipped = client.get(body["zip_url"], follow_redirects=False)
    assert zipped.status_code == 200 and len(zipped.content) == body["zip_size"]
    with zipfile.ZipFile(io.BytesIO(zipped.content)) as archive:
        assert archive.namelist() == [f["name"] for f in body["files"]]
        for listed in body["files"]:
            unpacked = archive.read(listed["name"])
            assert hashlib.sha256(unpacked).hexdigest() == listed["sha256"]

    fetches = client.get("/audit", params={"action": "fetch"}, headers=actors.admin).json()
    assert f"package/{item.title_id}/main-{item.asset_id}.mp4" in {e["target"] for e in fetches}
