"""Webhook targets: every internal address is refused, including IPv4 addresses hidden in IPv6
transition forms, and a delivery connects to the address that was checked (no DNS rebinding)."""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
from _delivery_fixtures import Deliver
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from catalogue.delivery import targets
from catalogue.delivery.targets import PinnedTransport, WebhookTargetRefused, check_address
from catalogue.models import WebhookDelivery
from catalogue.settings import Settings
from catalogue.worker import run_until_idle
from tests.conftest import Actors, Database

INTERNAL_URLS = [
    # the four the issue found accepted: IPv4-compatible, NAT64 and 6to4 forms
    "http://[::127.0.0.1]:8765/",
    "http://[64:ff9b::7f00:1]/",
    "http://[2002:7f00:1::]/",
    "http://[64:ff9b::a9fe:a9fe]/latest/meta-data/",
    # IPv4 loopback, private, link-local, and their odd spellings
    "http://127.0.0.1/",
    "https://127.0.0.1:8443/hook",
    "http://127.255.255.254/",
    "http://2130706433/",
    "http://0x7f.1/",
    "http://0177.0.0.1/",
    "http://127.1/",
    "http://017700000001/",
    "http://10.0.0.1/",
    "http://172.16.0.1/",
    "http://172.31.255.255/",
    "http://192.168.1.1/",
    "http://169.254.169.254/latest/meta-data/",
    "http://0.0.0.0/",
    "http://0/",
    "http://100.64.0.1/",
    "http://192.0.0.9/",
    "http://192.0.2.1/",
    "http://198.18.0.1/",
    "http://224.0.0.1/",
    "http://240.0.0.1/",
    "http://255.255.255.255/",
    # names for this machine
    "http://localhost/",
    "http://LOCALHOST:8080/",
    "http://localhost./",
    # IPv6 ranges and transition forms
    "http://[::1]/",
    "http://[::]/",
    "http://[fe80::1]/",
    "http://[fc00::1]/",
    "http://[fd12:3456::1]/",
    "http://[ff02::1]/",
    "http://[2001:db8::1]/",
    "http://[::ffff:127.0.0.1]/",
    "http://[::ffff:169.254.169.254]/",
    "http://[::ffff:10.0.0.1]/",
    "http://[::10.0.0.1]/",
    "http://[64:ff9b:1::a00:1]/",
    "http://[2002:a9fe:a9fe::1]/",
    "http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/",
]

PUBLIC_URLS = [
    "http://8.8.8.8/hooks",
    "https://1.1.1.1:8443/hooks",
    "http://[2606:4700:4700::1111]/hooks",
    "http://[64:ff9b::808:808]/hooks",  # NAT64 of a public address (IPv6-only hosts use it)
    "http://[2002:808:808::1]/hooks",  # 6to4 of a public address
    "http://[::ffff:8.8.8.8]/hooks",
]

PUBLIC_IP = "93.184.215.14"


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("::7f00:1", "IPv4-compatible form of 127.0.0.1 (loopback)"),
        ("64:ff9b::7f00:1", "NAT64 form of 127.0.0.1 (loopback)"),
        ("2002:7f00:1::", "6to4 form of 127.0.0.1 (loopback)"),
        ("64:ff9b::a9fe:a9fe", "NAT64 form of 169.254.169.254 (link-local"),
        ("::ffff:10.1.2.3", "IPv4-mapped form of 10.1.2.3 (private network)"),
        ("2001:0:4136:e378:8000:63bf:3fff:fdd2", "Teredo"),
        ("100.64.1.1", "carrier-grade NAT"),
        ("ff05::2", "multicast"),
        ("::8.8.8.8", "deprecated IPv4-compatible"),
    ],
)
def test_check_address_names_the_reason(address: str, reason: str) -> None:
    found = check_address(ipaddress.ip_address(address))
    assert found is not None and found.startswith(reason), found


@pytest.mark.parametrize("url", INTERNAL_URLS)
def test_internal_targets_are_refused(url: str) -> None:
    with pytest.raises(WebhookTargetRefused, match="private or local"):
        targets.resolve_target(url, allow_private=False)


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_public_targets_are_accepted(url: str) -> None:
    target = targets.resolve_target(url, allow_private=False)
    assert check_address(ipaddress.ip_address(target.address)) is None


def test_the_api_refuses_every_internal_target_and_keeps_public_ones(
    client: TestClient, actors: Actors, app: FastAPI, settings: Settings
) -> None:
    app.state.settings = settings.model_copy(update={"webhook_allow_private_addresses": False})
    for url in INTERNAL_URLS:
        response = client.post("/partner/webhooks", json={"url": url}, headers=actors.partner)
        assert response.status_code == 422, (url, response.text)
        assert "private or local" in response.text, (url, response.text)
    for url in PUBLIC_URLS:
        response = client.post("/partner/webhooks", json={"url": url}, headers=actors.partner)
        assert response.status_code == 201, (url, response.text)


class FlipResolver:
    """A rebinding DNS server: a public address on the first question, loopback afterwards."""

    def __init__(self, answers: list[str]) -> None:
        self.answers = answers
        self.calls = 0

    def __call__(self, host: str, port: int) -> list[str]:
        self.calls += 1
        return [self.answers[min(self.calls, len(self.answers)) - 1]]


def test_a_request_goes_to_the_checked_address_with_the_original_host() -> None:
    resolver = FlipResolver([PUBLIC_IP, "127.0.0.1"])
    seen: list[httpx.Request] = []

    def record(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(204)

    target = targets.resolve_target(
        "https://hooks.example.org/in", allow_private=False, resolver=resolver
    )
    transport = PinnedTransport(target, inner=httpx.MockTransport(record))
    with httpx.Client(transport=transport) as http:
        assert http.post("https://hooks.example.org/in", content=b"{}").status_code == 204
        assert http.post("https://hooks.example.org/in", content=b"{}").status_code == 204
    assert resolver.calls == 1  # the loopback answer was never asked for, let alone used
    assert [str(r.url) for r in seen] == [f"https://{PUBLIC_IP}/in"] * 2
    assert {r.headers["Host"] for r in seen} == {"hooks.example.org"}
    assert {r.extensions["sni_hostname"] for r in seen} == {"hooks.example.org"}


def test_a_request_for_another_host_is_refused() -> None:
    target = targets.resolve_target(
        "http://hooks.example.org/in", allow_private=False, resolver=FlipResolver([PUBLIC_IP])
    )
    transport = PinnedTransport(target, inner=httpx.MockTransport(lambda r: httpx.Response(200)))
    with httpx.Client(transport=transport) as http, pytest.raises(httpx.ConnectError):
        http.post("http://127.0.0.1/in")


def test_one_internal_answer_among_public_ones_refuses_the_host() -> None:
    def mixed(host: str, port: int) -> list[str]:
        return [PUBLIC_IP, "10.0.0.7"]

    with pytest.raises(WebhookTargetRefused, match=r"10\.0\.0\.7"):
        targets.resolve_target("http://hooks.example.org/", allow_private=False, resolver=mixed)


@pytest.fixture
def listener() -> Iterator[tuple[int, list[dict[str, str]]]]:
    received: list[dict[str, str]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers["Content-Length"]))
            received.append(dict(self.headers))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1], received
    server.shutdown()
    server.server_close()


def test_delivery_never_uses_a_rebound_answer(
    client: TestClient,
    actors: Actors,
    app: FastAPI,
    deliver: Deliver,
    database: Database,
    settings: Settings,
    listener: tuple[int, list[dict[str, str]]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The attacker's DNS answers a public address to the check and 127.0.0.1 to the next
    question (where a service listens). The delivery must connect to the public one."""
    port, received = listener
    real_getaddrinfo, real_connect = socket.getaddrinfo, socket.create_connection
    asked: list[str] = []
    connected: list[Any] = []

    def rebinding(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host != "hooks.example.org":
            return real_getaddrinfo(host, *args, **kwargs)
        asked.append(host)
        answer = PUBLIC_IP if len(asked) == 1 else "127.0.0.1"
        return real_getaddrinfo(answer, *args, **kwargs)

    def connect(address: Any, *args: Any, **kwargs: Any) -> Any:
        connected.append(address)
        if address[0] == PUBLIC_IP:  # stands for the internet: no packet leaves the test
            raise ConnectionRefusedError(f"test: no route to {PUBLIC_IP}")
        return real_connect(address, *args, **kwargs)

    strict = settings.model_copy(
        update={"webhook_allow_private_addresses": False, "job_backoff_base_s": 0.0}
    )
    app.state.settings = strict
    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    monkeypatch.setattr(socket, "create_connection", connect)
    hook = client.post(
        "/partner/webhooks",
        json={"url": f"http://hooks.example.org:{port}/in", "events": ["rendition.ready"]},
        headers=actors.partner,
    )
    assert hook.status_code == 201, hook.text
    asked.clear()  # the delivery's own resolution starts the attack afresh
    deliver("Steppe", ["KZ"])
    run_until_idle(database.engine, strict)
    time.sleep(0.1)
    assert received == []  # the service on 127.0.0.1 was never reached
    assert [tuple(a)[:2] for a in connected] == [(PUBLIC_IP, port)]
    with Session(database.engine) as session:
        attempts = session.exec(select(WebhookDelivery).order_by(col(WebhookDelivery.id))).all()
    # attempt 1 resolved once (public), connected there and failed; the retry resolved afresh,
    # got 127.0.0.1 and was refused before connecting
    assert len(asked) == len(attempts) == 2
    assert "ConnectError" in (attempts[0].error or "")
    assert "resolves to 127.0.0.1, a private or local address" in (attempts[1].error or "")


def test_a_local_receiver_still_works_when_private_addresses_are_allowed(
    listener: tuple[int, list[dict[str, str]]],
) -> None:
    port, received = listener
    target = targets.resolve_target(
        f"http://hooks.test:{port}/in", allow_private=True, resolver=FlipResolver(["127.0.0.1"])
    )
    with httpx.Client(transport=PinnedTransport(target), timeout=5) as http:
        assert http.post(f"http://hooks.test:{port}/in", content=b"{}").status_code == 200
    assert received[0]["Host"] == f"hooks.test:{port}"
