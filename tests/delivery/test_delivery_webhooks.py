"""Webhooks against a real HTTP receiver on 127.0.0.1: signed payloads, retried with backoff as
jobs, every attempt recorded; only partners licensed for the title are told."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from _delivery_fixtures import Deliver
from fastapi.testclient import TestClient

from catalogue.delivery.webhooks import SIGNATURE_HEADER, signature_header, verify_signature
from catalogue.settings import Settings
from catalogue.worker import run_until_idle
from tests.conftest import Actors, Database


class Receiver:
    def __init__(self, answers: list[int]) -> None:
        self.answers = answers
        self.received: list[tuple[dict[str, str], bytes]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append((dict(self.headers), body))
                code = receiver.answers.pop(0) if receiver.answers else 200
                self.send_response(code)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: object) -> None:
                return None

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/catalogue"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found = Receiver([500])  # the first delivery fails: the job system retries it
    found.thread.start()
    yield found
    found.server.shutdown()
    found.server.server_close()


def test_signature_round_trip_and_tampering() -> None:
    body = b'{"type":"rendition.ready"}'
    header = signature_header("whsec_x", body, 1_700_000_000)
    assert verify_signature("whsec_x", body, header, now=1_700_000_010)
    assert not verify_signature("whsec_x", body + b" ", header, now=1_700_000_010)
    assert not verify_signature("whsec_y", body, header, now=1_700_000_010)
    assert not verify_signature("whsec_x", body, header, now=1_700_001_000)  # replayed later
    assert not verify_signature("whsec_x", body, "v1=abc", now=1_700_000_010)


def test_rendition_ready_is_delivered_signed_and_retried(
    client: TestClient,
    actors: Actors,
    deliver: Deliver,
    receiver: Receiver,
    database: Database,
    settings: Settings,
) -> None:
    hook = client.post(
        "/partner/webhooks", json={"url": receiver.url}, headers=actors.partner
    ).json()
    assert hook["secret"].startswith("whsec_") and hook["events"] == [
        "rendition.ready",
        "subtitle.ready",
    ]
    other = client.post(
        "/partner/webhooks", json={"url": receiver.url}, headers=actors.partner_b
    ).json()
    item = deliver("Steppe", ["KZ"])  # licensed to A only: B's webhook stays silent
    jobs = settings.model_copy(update={"job_backoff_base_s": 0.0})
    run_until_idle(database.engine, jobs)
    deadline = time.monotonic() + 10
    while len(receiver.received) < 2 and time.monotonic() < deadline:
        run_until_idle(database.engine, jobs)
        time.sleep(0.05)
    assert len(receiver.received) == 2
    for headers, body in receiver.received:
        assert verify_signature(hook["secret"], body, headers[SIGNATURE_HEADER], now=time.time())
    payload = json.loads(receiver.received[1][1])
    assert payload["type"] == "rendition.ready"
    assert payload["data"] == {
        "title_id": item.title_id,
        "asset_id": item.asset_id,
        "kind": "main",
        "original_title": "Steppe",
    }
    assert receiver.received[0][1] == receiver.received[1][1]  # the same event, delivered again
    deliveries = client.get(
        f"/partner/webhooks/{hook['id']}/deliveries", headers=actors.partner
    ).json()
    assert [(d["attempt"], d["status_code"], d["ok"]) for d in deliveries] == [
        (2, 200, True),
        (1, 500, False),
    ]
    assert (
        client.get(f"/partner/webhooks/{other['id']}/deliveries", headers=actors.partner_b).json()
        == []
    )
    assert (
        client.get(
            f"/partner/webhooks/{hook['id']}/deliveries", headers=actors.partner_b
        ).status_code
        == 404
    )


def test_webhooks_may_not_point_inside_the_network(
    client: TestClient, actors: Actors, app, settings: Settings
) -> None:  # type: ignore[no-untyped-def]
    app.state.settings = settings.model_copy(update={"webhook_allow_private_addresses": False})
    for url in (
        "http://127.0.0.1:8080/x",
        "http://localhost/x",
        "http://10.1.2.3/x",
        "http://169.254.169.254/latest",
    ):
        response = client.post("/partner/webhooks", json={"url": url}, headers=actors.partner)
        assert response.status_code == 422 and "private or local" in response.text, url
    assert (
        client.post(
            "/partner/webhooks", json={"url": "ftp://example.org/x"}, headers=actors.partner
        ).status_code
        == 422
    )
    assert (
        client.post(
            "/partner/webhooks", json={"url": "http://127.0.0.1/x"}, headers=actors.admin
        ).status_code
        == 403
    )


def test_partners_manage_only_their_own_webhooks(client: TestClient, actors: Actors) -> None:
    mine = client.post(
        "/partner/webhooks", json={"url": "http://127.0.0.1:9/a"}, headers=actors.partner
    ).json()
    client.post("/partner/webhooks", json={"url": "http://127.0.0.1:9/b"}, headers=actors.partner_b)
    assert [h["id"] for h in client.get("/partner/webhooks", headers=actors.partner).json()] == [
        mine["id"]
    ]
    assert "secret" not in client.get("/partner/webhooks", headers=actors.partner).json()[0]
    assert len(client.get("/partner/webhooks", headers=actors.admin).json()) == 2
    assert (
        client.delete(f"/partner/webhooks/{mine['id']}", headers=actors.partner_b).status_code
        == 404
    )
    assert (
        client.delete(f"/partner/webhooks/{mine['id']}", headers=actors.partner).status_code == 204
    )


def test_a_published_subtitle_track_is_announced(
    client: TestClient,
    actors: Actors,
    deliver: Deliver,
    receiver: Receiver,
    database: Database,
    settings: Settings,
) -> None:
    receiver.answers.clear()
    item = deliver("Steppe", ["KZ"])
    hook = client.post(
        "/partner/webhooks",
        json={"url": receiver.url, "events": ["subtitle.ready"]},
        headers=actors.partner,
    ).json()
    srt = b"1\n00:00:00,200 --> 00:00:01,200\n\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82\n"
    track = client.post(
        f"/titles/{item.title_id}/subtitles",
        files={"file": ("ru.srt", srt, "application/x-subrip")},
        data={"language": "ru"},
        headers=actors.editor,
    )
    assert track.status_code == 201, track.text
    run_until_idle(database.engine, settings.model_copy(update={"job_backoff_base_s": 0.0}))
    assert receiver.received == []  # a draft is not news
    published = client.post(
        f"/titles/{item.title_id}/subtitles/{track.json()['id']}/status",
        json={"status": "published"},
        headers=actors.editor,
    )
    assert published.status_code == 200, published.text
    run_until_idle(database.engine, settings.model_copy(update={"job_backoff_base_s": 0.0}))
    (headers, body) = receiver.received[0]
    assert len(receiver.received) == 1 and verify_signature(
        hook["secret"], body, headers[SIGNATURE_HEADER], time.time()
    )
    assert json.loads(body)["data"] == {
        "title_id": item.title_id, "track_id": track.json()["id"], "language": "ru", "original_title": "Steppe",
    }  # fmt: skip
    listed = client.get("/partner/catalogue", headers=actors.partner).json()["items"][0]
    assert listed["subtitle_languages"] == ["ru"]
