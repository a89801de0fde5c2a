"""The deployed form (CATALOGUE_DELIVERY_OFFLOAD=nginx): the API checks the signed link and audits
the fetch, then hands the bytes to nginx (X-Accel-Redirect, local storage) or to object storage (a
redirect to a URL presigned for the public S3 host). A refused link hands nothing on."""

from __future__ import annotations

import pytest
from _delivery_fixtures import Deliver
from fastapi.testclient import TestClient

from catalogue.settings import DeliveryOffload, Settings
from tests.conftest import Actors
from tests.support.s3 import s3_settings

PUBLIC_S3 = "http://media.example.test:9000"


def _issue(client: TestClient, actors: Actors, asset_id: int) -> dict[str, str]:
    response = client.post(f"/assets/{asset_id}/links", headers=actors.partner)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def _path(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


class TestLocalStorage:
    @pytest.fixture
    def settings(self, settings: Settings) -> Settings:
        return settings.model_copy(
            update={"delivery_offload": DeliveryOffload.nginx, "delivery_internal_location": "/_m/"}
        )

    def test_a_valid_link_answers_x_accel_redirect_to_the_stored_file_and_is_audited(
        self, client: TestClient, actors: Actors, deliver: Deliver
    ) -> None:
        item = deliver("Steppe", ["KZ"])
        issued = _issue(client, actors, item.asset_id)
        video = client.get(_path(issued["delivery_video_url"]), headers={"Range": "bytes=0-99"})
        relative = issued["delivery_video_url"].removeprefix(issued["base_url"])
        assert video.status_code == 200 and video.content == b""
        assert video.headers["x-accel-redirect"] == f"/_m/{item.prefix.rstrip('/')}/{relative}"
        assert video.headers["content-type"] == "video/mp4"
        master = client.get(_path(issued["master_playlist_url"]))
        assert master.headers["x-accel-redirect"].endswith("/master.m3u8")
        assert master.headers["content-type"] == "application/vnd.apple.mpegurl"
        fetches = client.get("/audit", params={"action": "fetch"}, headers=actors.admin).json()
        mp4 = [e for e in fetches if e["target"].endswith(relative)]
        assert mp4 and mp4[0]["bytes"] == 100

    @pytest.mark.parametrize("damage", ["token", "path"])
    def test_a_refused_link_hands_nothing_to_nginx(
        self, client: TestClient, actors: Actors, deliver: Deliver, damage: str
    ) -> None:
        item = deliver("Steppe", ["KZ"])
        url = _path(_issue(client, actors, item.asset_id)["master_playlist_url"])
        token, name = url.removeprefix("/d/").split("/", 1)
        url = f"/d/{token[:-2]}xx/{name}" if damage == "token" else f"/d/{token}/../../secret_key"
        refused = client.get(url)
        assert refused.status_code == 404 and "x-accel-redirect" not in refused.headers


class TestObjectStorage:
    @pytest.fixture
    def settings(self, settings: Settings, s3_endpoint: str) -> Settings:
        return s3_settings(settings, s3_endpoint).model_copy(
            update={"delivery_offload": DeliveryOffload.nginx, "s3_public_endpoint_url": PUBLIC_S3}
        )

    def test_the_mp4_redirects_to_a_url_presigned_for_the_public_s3_host(
        self, client: TestClient, actors: Actors, deliver: Deliver
    ) -> None:
        item = deliver("Steppe", ["KZ"])
        issued = _issue(client, actors, item.asset_id)
        video = client.get(_path(issued["delivery_video_url"]), follow_redirects=False)
        assert video.status_code == 307 and "x-accel-redirect" not in video.headers
        assert video.headers["location"].startswith(PUBLIC_S3 + "/")
        assert "Signature" in video.headers["location"]
