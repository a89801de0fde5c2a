"""The delivery package in the scale-out form (moto's S3 server over real HTTP): each stored
attachment is a redirect to a presigned URL that answers as an attachment, so its bytes never
pass through Python; the manifests (made by the app) and the one ZIP stream through the app."""

from __future__ import annotations

import hashlib
import io
import zipfile

import httpx
import pytest
from _delivery_fixtures import Deliver
from fastapi.testclient import TestClient

from catalogue.settings import Settings
from tests.conftest import Actors
from tests.support.s3 import s3_settings


@pytest.fixture
def settings(settings: Settings, s3_endpoint: str) -> Settings:
    return s3_settings(settings, s3_endpoint)


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
