"""Signed links: HLS playback and MP4 downloads through them; expired, tampered, wrong-partner and
wrong-path links refused; Range behaviour pinned by a table; the audit log and quotas."""

from __future__ import annotations

import time

import pytest
from _delivery_fixtures import Deliver
from fastapi.testclient import TestClient

from catalogue.delivery import signing
from catalogue.delivery.signing import Grant
from catalogue.settings import Settings
from tests.conftest import Actors


def link(
    client: TestClient,
    actors: Actors,
    asset_id: int,
    headers: dict[str, str] | None = None,
    **body: object,
) -> dict:  # type: ignore[type-arg]
    response = client.post(
        f"/assets/{asset_id}/links", json=body or None, headers=headers or actors.partner
    )
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def path_of(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def test_hls_playlists_and_segments_resolve_under_the_signed_prefix(
    client: TestClient, actors: Actors, deliver: Deliver
) -> None:
    item = deliver("Steppe", ["KZ"])
    issued = link(client, actors, item.asset_id)
    master = client.get(path_of(issued["master_playlist_url"]))
    assert (
        master.status_code == 200
        and master.headers["content-type"] == "application/vnd.apple.mpegurl"
    )
    base = path_of(issued["base_url"])
    fetched = 0
    for uri in [line for line in master.text.splitlines() if line and not line.startswith("#")]:
        playlist = client.get(base + uri)
        assert playlist.status_code == 200, uri
        folder = uri.rsplit("/", 1)[0] + "/" if "/" in uri else ""
        lines = playlist.text.splitlines()
        segments = [line for line in lines if line and not line.startswith("#")]
        segments += [line.split('URI="')[1].split('"')[0] for line in lines if 'URI="' in line]
        for segment in segments:
            response = client.get(base + folder + segment)
            assert response.status_code == 200 and response.content, segment
            fetched += 1
    assert fetched >= 3
    mp4 = client.get(path_of(issued["delivery_video_url"]))
    assert mp4.status_code == 200 and mp4.headers["content-type"] == "video/mp4"
    assert set(issued["files"]) >= {"master.m3u8"}


def _forge(settings: Settings, **change: object) -> str:
    values = {
        "partner_id": 1,
        "prefix": "renditions/1",
        "expires_at": int(time.time()) + 600,
        **change,
    }
    return signing.sign(settings.signing_keys()[0], Grant(**values))  # type: ignore[arg-type]


def test_bad_links_are_refused(
    client: TestClient, actors: Actors, deliver: Deliver, settings: Settings
) -> None:
    item = deliver("Steppe", ["KZ"])
    paris_only = deliver("Paris", ["FR"])
    good = path_of(link(client, actors, item.asset_id)["master_playlist_url"])
    token = good.split("/")[2]
    payload, mac = token.split(".")
    key = settings.signing_keys()[0]
    expired = signing.sign(key, Grant(actors.partner_id, item.prefix, int(time.time()) - 1))
    other_key = signing.sign(
        b"another-key", Grant(actors.partner_id, item.prefix, int(time.time()) + 600)
    )
    # partner A's own token, re-pointed at an asset only B may see: the signature no longer fits
    repointed = signing.sign(
        b"x", Grant(actors.partner_id, paris_only.prefix, int(time.time()) + 600)
    )
    # a genuine token for partner A over B's asset (as if leaked from elsewhere): A is not licensed
    wrong_partner = signing.sign(
        key, Grant(actors.partner_id, paris_only.prefix, int(time.time()) + 600)
    )
    cases = [
        (f"/d/{token}/master.m3u8", 200),
        (f"/d/{expired}/master.m3u8", 410),
        (f"/d/{payload}.{mac[:-2]}AA/master.m3u8", 404),
        (f"/d/{payload[:-2]}xx.{mac}/master.m3u8", 404),
        (f"/d/{other_key}/master.m3u8", 404),
        (f"/d/{repointed}/master.m3u8", 404),
        (f"/d/{wrong_partner}/master.m3u8", 404),
        (f"/d/{token}/../{paris_only.asset_id}/master.m3u8", 404),
        (f"/d/{token}/%2e%2e/{paris_only.asset_id}/master.m3u8", 404),
        (f"/d/{token}/missing.m3u8", 404),
        ("/d/garbage/master.m3u8", 404),
        (f"/d/{_forge(settings, prefix='assets')}/x/master.mkv", 404),
    ]
    for url, code in cases:
        assert client.get(url).status_code == code, url
    assert "expired" in client.get(f"/d/{expired}/master.m3u8").json()["detail"]
    refused = client.get("/audit", params={"action": "refused"}, headers=actors.admin).json()
    assert len(refused) == len(cases)  # every refusal in the table, and the expired one again


def test_links_stop_working_when_the_window_ends(
    client: TestClient, actors: Actors, deliver: Deliver, session
) -> None:  # type: ignore[no-untyped-def]
    from catalogue.models import RightsWindow

    item = deliver("Steppe", ["KZ"])
    url = path_of(link(client, actors, item.asset_id)["master_playlist_url"])
    assert client.get(url).status_code == 200
    for window in session.query(RightsWindow).filter_by(title_id=item.title_id):
        window.status = "terminated"
    session.commit()
    assert client.get(url).status_code == 404


def test_links_only_for_licensed_partners(
    client: TestClient, actors: Actors, deliver: Deliver
) -> None:
    item = deliver("Steppe", ["KZ"])
    unlicensed = deliver("Nowhere", [])
    assert (
        client.post(f"/assets/{item.asset_id}/links", headers=actors.partner_b).status_code == 404
    )
    assert (
        client.post(f"/assets/{unlicensed.asset_id}/links", headers=actors.partner).status_code
        == 404
    )
    assert client.post("/assets/99999/links", headers=actors.partner).status_code == 404
    assert client.post(f"/assets/{item.asset_id}/links", headers=actors.admin).status_code == 403
    short = link(client, actors, item.asset_id, expires_in_s=60)
    assert short["expires_at"] < link(client, actors, item.asset_id)["expires_at"]
    assert (
        client.post(
            f"/assets/{item.asset_id}/links", json={"expires_in_s": 5}, headers=actors.partner
        ).status_code
        == 422
    )


RANGE_CASES = [
    # (request headers, status, body slice or None, extra expectation)
    ({}, 200, slice(None), None),
    ({"Range": "bytes=0-99"}, 206, slice(0, 100), "bytes 0-99/{size}"),
    ({"Range": "bytes=100-"}, 206, slice(100, None), "bytes 100-{last}/{size}"),
    ({"Range": "bytes=-50"}, 206, slice(-50, None), "bytes {tail}-{last}/{size}"),
    ({"Range": "bytes=10-5000000000"}, 206, slice(10, None), "bytes 10-{last}/{size}"),
    ({"Range": "bytes={size}-"}, 416, None, "bytes */{size}"),
    ({"Range": "items=0-1"}, 400, None, None),
    ({"Range": "bytes=0-9", "If-Range": "{etag}"}, 206, slice(0, 10), "bytes 0-9/{size}"),
    ({"Range": "bytes=0-9", "If-Range": '"stale"'}, 200, slice(None), None),
]


@pytest.mark.parametrize(("headers", "code", "part", "content_range"), RANGE_CASES)
def test_range_requests(client: TestClient, actors: Actors, deliver: Deliver, headers: dict[str, str], code: int,
                        part: slice | None, content_range: str | None) -> None:  # fmt: skip
    item = deliver("Steppe", ["KZ"])
    url = path_of(link(client, actors, item.asset_id)["delivery_video_url"])
    whole = client.get(url)
    size, etag = len(whole.content), whole.headers["etag"]
    assert (
        whole.headers["accept-ranges"] == "bytes" and int(whole.headers["content-length"]) == size
    )
    values = {"size": size, "last": size - 1, "tail": size - 50, "etag": etag}
    response = client.get(url, headers={k: v.format(**values) for k, v in headers.items()})
    assert response.status_code == code
    if part is not None:
        assert response.content == whole.content[part]
    if content_range is not None:
        assert response.headers["content-range"] == content_range.format(**values)
    head = client.head(url, headers={"Range": "bytes=0-9"})
    assert head.status_code == 206 and head.content == b""


def test_audit_log_and_quotas(
    client: TestClient, actors: Actors, deliver: Deliver, app, settings: Settings
) -> None:  # type: ignore[no-untyped-def]
    item = deliver("Steppe", ["KZ"])
    issued = link(client, actors, item.asset_id)
    url = path_of(issued["delivery_video_url"])
    size = len(client.get(url).content)
    client.get(url, headers={"Range": "bytes=0-99"})
    fetches = client.get("/audit", params={"action": "fetch"}, headers=actors.admin).json()
    assert [(e["partner_id"], e["bytes"]) for e in fetches] == [
        (actors.partner_id, 100),
        (actors.partner_id, size),
    ]
    assert fetches[0]["target"].endswith(".mp4") and fetches[0]["detail"] == "bytes=0-99"
    assert client.get("/audit", headers=actors.partner).status_code == 403

    app.state.settings = settings.model_copy(
        update={"delivery_daily_byte_quota": size + 150, "delivery_daily_link_quota": 2}
    )
    assert client.get(url, headers={"Range": "bytes=0-49"}).status_code == 206
    over = client.get(url)
    assert over.status_code == 429 and "quota" in over.json()["detail"]
    link(client, actors, item.asset_id)
    refused = client.post(f"/assets/{item.asset_id}/links", headers=actors.partner)
    assert refused.status_code == 429 and "2 links per UTC day" in refused.json()["detail"]
    audited = client.get("/audit", params={"action": "refused"}, headers=actors.admin).json()
    assert any(
        row["target"] == f"link asset:{item.asset_id}" and row["status_code"] == 429
        for row in audited
    ), audited
