"""Download links and the signing keys: a link forged with the default once published in the
source is refused; during a rotation (keys [B, A]) links signed with A still play and new links
are signed with B; once A is dropped its links stop."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from _delivery_fixtures import Deliver
from fastapi.testclient import TestClient
from pydantic import SecretStr

from catalogue.app import create_app
from catalogue.delivery import signing
from catalogue.delivery.signing import Grant
from catalogue.settings import Settings
from tests.conftest import Actors, Database

OLD_PUBLIC_DEFAULT = b"change-me-development-only"
KEY_A, KEY_B = "A" * 40, "B" * 40


@contextmanager
def _serving(settings: Settings, database: Database, keys: list[str]) -> Iterator[TestClient]:
    configured = settings.model_copy(update={"secret_keys": [SecretStr(k) for k in keys]})
    with TestClient(create_app(configured, database.engine)) as client:
        yield client


def _playlist(client: TestClient, actors: Actors, asset_id: int) -> str:
    issued = client.post(f"/assets/{asset_id}/links", headers=actors.partner)
    assert issued.status_code == 201, issued.text
    url: str = issued.json()["master_playlist_url"]
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def test_a_link_forged_with_the_old_public_default_is_refused(
    client: TestClient, actors: Actors, deliver: Deliver
) -> None:
    item = deliver("Steppe", ["KZ"])
    assert client.get(_playlist(client, actors, item.asset_id)).status_code == 200
    ten_years = int(time.time()) + 10 * 365 * 86400
    forged = signing.sign(OLD_PUBLIC_DEFAULT, Grant(actors.partner_id, item.prefix, ten_years))
    assert client.get(f"/d/{forged}/master.m3u8").status_code == 404


def test_links_survive_a_key_rotation_until_the_old_key_is_dropped(
    settings: Settings, database: Database, actors: Actors, deliver: Deliver
) -> None:
    item = deliver("Steppe", ["KZ"])
    with _serving(settings, database, [KEY_A]) as client:
        signed_with_a = _playlist(client, actors, item.asset_id)
        assert client.get(signed_with_a).status_code == 200
    with _serving(settings, database, [KEY_B, KEY_A]) as client:
        assert client.get(signed_with_a).status_code == 200
        signed_with_b = _playlist(client, actors, item.asset_id)
    with _serving(settings, database, [KEY_A]) as client:
        assert client.get(signed_with_b).status_code == 404  # new links were signed with B
    with _serving(settings, database, [KEY_B]) as client:
        assert client.get(signed_with_b).status_code == 200
        assert client.get(signed_with_a).status_code == 404
