"""Overload: a hundred clients at once against a real server slow it down or are refused with
503 and Retry-After; the server never deadlocks and answers at once when the burst is over.

The server runs with room for one request at the database at a time and no queueing, while a tus
PATCH whose body stalls is open: the PATCH gives its room back while its body streams, so the
burst is served or refused, never stuck behind it."""

from __future__ import annotations

import base64
import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from catalogue.models import Title, TitleKind
from tests.conftest import Actors, Database
from tests.support.server import ServerProcess

CLIENTS = 100
REQUESTS = 200
TIMEOUT_S = 20.0  # far above a served or refused request; the old deadlock lasted 30 s a round


def _add_titles(session: Session) -> None:
    session.add_all(
        Title(kind=TitleKind.drama, original_title=f"Steppe Wind {n}", original_language="kk")
        for n in range(20)
    )
    session.commit()


@pytest.fixture
def server(
    database: Database, client: TestClient, actors: Actors, session: Session, tmp_path: Path
) -> Iterator[ServerProcess]:
    _add_titles(session)
    running = ServerProcess(database.settings, tmp_path / "server.log")
    running.env.update(
        CATALOGUE_REQUEST_CONCURRENCY="1",  # room for one request at the database at a time
        CATALOGUE_REQUEST_QUEUE_S="0",  # and none waiting for it: refused at once
        CATALOGUE_DB_POOL_SIZE="2",
    )
    yield running.start()
    running.stop()


@dataclass(frozen=True)
class Answer:
    status: int | None
    retry_after: str | None
    error: str | None = None


def _burst(base: str, headers: dict[str, str]) -> list[Answer]:
    """REQUESTS search and title requests from CLIENTS threads started together."""
    paths = ["/titles?q=steppe", "/titles/1", "/titles?page=2", "/titles/3"]
    start = threading.Barrier(CLIENTS)

    def one_client(n: int) -> list[Answer]:
        answers = []
        with httpx.Client(base_url=base, headers=headers, timeout=TIMEOUT_S) as http:
            start.wait(30)
            for k in range(REQUESTS // CLIENTS):
                try:
                    response = http.get(paths[(n + k) % len(paths)])
                except httpx.HTTPError as error:  # a timeout is a failure, never a pass
                    answers.append(Answer(None, None, repr(error)))
                    continue
                answers.append(Answer(response.status_code, response.headers.get("Retry-After")))
        return answers

    with ThreadPoolExecutor(CLIENTS) as threads:
        return [a for answers in threads.map(one_client, range(CLIENTS)) for a in answers]


def _until(answer: int, base: str, headers: dict[str, str]) -> None:
    deadline = time.monotonic() + 10
    while httpx.get(f"{base}/titles/1", headers=headers).status_code != answer:
        assert time.monotonic() < deadline, f"/titles/1 never answered {answer}"
        time.sleep(0.05)


def _silent(sock: socket.socket) -> bool:
    """True while the server has not answered on `sock` (it is still reading the body)."""
    sock.settimeout(0.2)
    try:
        sock.recv(1, socket.MSG_PEEK)
    except TimeoutError:
        return True
    return False


def _stalled_patch(base: str, headers: dict[str, str], title_id: int) -> socket.socket:
    """A tus PATCH that sends its headers and one byte of its body, then nothing (a client on a
    link that stalled): the server waits for the rest of its body."""
    meta = ",".join(
        f"{k} {base64.b64encode(v.encode()).decode()}"
        for k, v in {"title_id": str(title_id), "kind": "main", "filename": "m.mp4"}.items()
    )
    created = httpx.post(
        f"{base}/uploads",
        headers={**headers, "Tus-Resumable": "1.0.0", "Upload-Length": "1000",
                 "Upload-Metadata": meta},
    )  # fmt: skip
    assert created.status_code == 201, created.text
    path = httpx.URL(created.headers["Location"]).path
    host_port = base.removeprefix("http://")
    lines = [f"PATCH {path} HTTP/1.1", f"Host: {host_port}", "Tus-Resumable: 1.0.0",
             "Content-Type: application/offset+octet-stream", "Upload-Offset: 0",
             "Content-Length: 1000", *(f"{k}: {v}" for k, v in headers.items())]  # fmt: skip
    host, port = host_port.split(":")
    _until(200, base, headers)  # the creation's request has given its room back
    sock = socket.create_connection((host, int(port)))
    sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode() + b"x")
    return sock


def _waiting_patch(base: str, headers: dict[str, str]) -> socket.socket:
    """A stalled PATCH the server is waiting on. With one place at the database, the PATCH itself
    can be refused (503) while the request before it is still giving its place back: send it
    again until the server waits for its body."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        sock = _stalled_patch(base, headers, title_id=1)
        if _silent(sock):
            return sock
        sock.close()
    raise AssertionError("every stalled PATCH was answered at once")


def _healthy_within_a_second(base: str) -> None:
    started = time.monotonic()
    assert httpx.get(f"{base}/healthz", timeout=1.0).status_code == 200
    assert time.monotonic() - started < 1.0


def _refusals_say_when_to_retry(answers: list[Answer]) -> None:
    assert len(answers) == REQUESTS
    assert [a for a in answers if a.error is not None] == []  # nothing timed out
    assert {a.status for a in answers} <= {200, 503}
    assert all(a.retry_after and int(a.retry_after) >= 1 for a in answers if a.status == 503)


def test_a_hundred_clients_are_served_or_told_to_retry_while_an_upload_stalls(
    server: ServerProcess, actors: Actors
) -> None:
    stall = _waiting_patch(server.url, actors.editor)
    try:
        during = _burst(server.url, actors.programmer)
        _refusals_say_when_to_retry(during)
        # The stalled PATCH does not hold the one room at the database (it did before: every
        # request was refused while an upload's body streamed), so the burst is served.
        assert 200 in {a.status for a in during}
        assert _silent(stall)
        _healthy_within_a_second(server.url)
    finally:
        stall.close()

    after = _burst(server.url, actors.programmer)
    _refusals_say_when_to_retry(after)
    assert 200 in {a.status for a in after}
    _healthy_within_a_second(server.url)


def test_with_the_default_limits_a_hundred_clients_are_all_served(
    database: Database, client: TestClient, actors: Actors, session: Session, tmp_path: Path
) -> None:
    _add_titles(session)
    running = ServerProcess(database.settings, tmp_path / "server.log").start()
    try:
        answers = _burst(running.url, actors.programmer)
        _refusals_say_when_to_retry(answers)
        _healthy_within_a_second(running.url)
    finally:
        running.stop()
