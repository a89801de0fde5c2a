"""Any API node takes any PATCH of any upload: two instances of the app (real uvicorn servers)
sharing one database and one staging directory, a lease per upload in the database, and a
PATCH's database place given back while its body streams."""

from __future__ import annotations

import hashlib
import os
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from fastapi import FastAPI
from sqlmodel import Session

from catalogue.app import create_app
from catalogue.models import Upload
from catalogue.settings import Settings
from tests.conftest import Actors, Database
from tests.ingest.conftest import OCTETS, TUS, metadata
from tests.support.server import ServerProcess, serving

CHUNK = 256 * 1024
LEASE_S = 2.0


def _settings(database: Database, **changes: object) -> Settings:
    return database.settings.model_copy(
        update={"job_pool_enabled": False, "upload_lease_s": LEASE_S, **changes}
    )


@pytest.fixture
def nodes(database: Database, title_id: int) -> Iterator[tuple[str, str]]:
    """Two API nodes: two apps, each with its own memory (hash states), one database."""
    apps: list[FastAPI] = [create_app(_settings(database), database.engine) for _ in range(2)]
    with serving(apps[0]) as first, serving(apps[1]) as second:
        yield first, second


def _create(base: str, headers: dict[str, str], length: int, title_id: int) -> str:
    answer = httpx.post(
        f"{base}/uploads",
        headers={**headers, **TUS, "Upload-Length": str(length),
                 "Upload-Metadata": metadata(title_id=str(title_id), filename="master.mov")},
    )  # fmt: skip
    assert answer.status_code == 201, answer.text
    return answer.headers["Location"]


def _patch(
    base: str, headers: dict[str, str], path: str, offset: int, data: bytes
) -> httpx.Response:
    return httpx.patch(
        base + path,
        content=data,
        headers={**headers, **TUS, **OCTETS, "Upload-Offset": str(offset)},
        timeout=30,
    )


def _offset(base: str, headers: dict[str, str], path: str) -> int:
    answer = httpx.head(base + path, headers={**headers, **TUS})
    assert answer.status_code == 200, answer.status_code
    return int(answer.headers["Upload-Offset"])


def _sha256(base: str, headers: dict[str, str], path: str) -> object:
    asset_id = httpx.head(base + path, headers={**headers, **TUS}).headers["Catalogue-Asset-Id"]
    return httpx.get(f"{base}/assets/{asset_id}", headers=headers).json()["sha256"]


def _start_body(base: str, headers: dict[str, str], path: str, offset: int, length: int,
                first: bytes) -> socket.socket:  # fmt: skip
    """A PATCH announcing `length` bytes that sends only `first` and stays open."""
    where = urlsplit(base)
    sock = socket.create_connection((where.hostname or "", where.port or 80))
    lines = [f"PATCH {path} HTTP/1.1", f"Host: {where.netloc}", f"Content-Length: {length}",
             f"Upload-Offset: {offset}", *(f"{k}: {v}" for k, v in {**headers, **TUS, **OCTETS}.items())]  # fmt: skip
    sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode() + first)
    return sock


def _lease(database: Database, upload_path: str) -> str | None:
    with Session(database.engine) as session:
        upload = session.get(Upload, upload_path.rsplit("/", 1)[1])
        assert upload is not None
        return upload.lock_token


def _wait_for_lease(database: Database, path: str, held: bool) -> None:
    deadline = time.monotonic() + 20
    while (_lease(database, path) is not None) != held:
        assert time.monotonic() < deadline, f"the lease was never {'taken' if held else 'freed'}"
        time.sleep(0.05)


def test_patches_alternating_between_two_nodes_complete_with_the_right_sha256(
    nodes: tuple[str, str], actors: Actors, title_id: int, database: Database
) -> None:
    data = os.urandom(9 * CHUNK + 777)
    path = _create(nodes[0], actors.editor, len(data), title_id)
    offset, turn = 0, 0
    while offset < len(data):
        here, there = nodes[turn % 2], nodes[(turn + 1) % 2]
        answer = _patch(here, actors.editor, path, offset, data[offset : offset + CHUNK])
        assert answer.status_code == 204, answer.text
        offset = int(answer.headers["Upload-Offset"])
        assert _offset(there, actors.editor, path) == offset  # the other node knows at once
        turn += 1
    assert _lease(database, path) is None
    assert _sha256(nodes[1], actors.editor, path) == hashlib.sha256(data).hexdigest()


def test_a_patch_cut_off_on_one_node_resumes_on_the_other(
    nodes: tuple[str, str], actors: Actors, title_id: int, database: Database
) -> None:
    data = os.urandom(6 * CHUNK)
    first, second = nodes
    path = _create(first, actors.editor, len(data), title_id)
    assert _patch(first, actors.editor, path, 0, data[:CHUNK]).status_code == 204
    sock = _start_body(first, actors.editor, path, CHUNK, 2 * CHUNK, data[CHUNK : 2 * CHUNK])
    _wait_for_lease(database, path, held=True)
    # While the first node writes, the second refuses to interleave (after waiting one lease,
    # which the writer keeps renewing) and reports the committed offset.
    assert _patch(second, actors.editor, path, CHUNK, data[CHUNK:]).status_code == 423
    assert _offset(second, actors.editor, path) == CHUNK
    sock.close()  # the link drops mid-body
    _wait_for_lease(database, path, held=False)
    kept = _offset(second, actors.editor, path)
    assert CHUNK <= kept <= 2 * CHUNK  # tus: what arrived is kept
    answer = _patch(second, actors.editor, path, kept, data[kept:])
    assert answer.status_code == 204, answer.text
    assert _sha256(first, actors.editor, path) == hashlib.sha256(data).hexdigest()


def test_uploads_streaming_leave_room_for_other_requests(
    database: Database, actors: Actors, title_id: int
) -> None:
    # Two places at the database; three uploads streaming slowly must not take them.
    settings = _settings(database, request_concurrency=2, request_queue_s=0.5)
    with serving(create_app(settings, database.engine)) as base:
        paths = [_create(base, actors.editor, 4 * CHUNK, title_id) for _ in range(3)]
        streams = [_start_body(base, actors.editor, p, 0, 4 * CHUNK, b"x" * 1000) for p in paths]
        try:
            for path in paths:
                _wait_for_lease(database, path, held=True)
            answer = httpx.get(f"{base}/titles", headers=actors.editor, timeout=10)
            assert answer.status_code == 200, answer.text
        finally:
            for stream in streams:
                stream.close()
        for path in paths:
            _wait_for_lease(database, path, held=False)


@pytest.mark.slow
def test_a_node_killed_mid_patch_loses_only_that_patch(
    database: Database, actors: Actors, title_id: int, tmp_path: Path
) -> None:
    data = os.urandom(4 * CHUNK)
    doomed = ServerProcess(_settings(database), tmp_path / "doomed.log")
    doomed.env["CATALOGUE_UPLOAD_LEASE_S"] = str(LEASE_S)
    doomed.start()
    try:
        path = _create(doomed.url, actors.editor, len(data), title_id)
        assert _patch(doomed.url, actors.editor, path, 0, data[:CHUNK]).status_code == 204
        sock = _start_body(
            doomed.url, actors.editor, path, CHUNK, CHUNK, data[CHUNK : CHUNK + CHUNK // 2]
        )
        _wait_for_lease(database, path, held=True)
        time.sleep(0.3)  # the node is writing the half chunk when it dies
    finally:
        doomed.kill()
    sock.close()
    with serving(create_app(_settings(database), database.engine)) as survivor:
        assert _offset(survivor, actors.editor, path) == CHUNK  # the cut PATCH is not counted
        # The dead node's lease runs out; the survivor's PATCH waits for that, then proceeds.
        answer = _patch(survivor, actors.editor, path, CHUNK, data[CHUNK:])
        assert answer.status_code == 204, answer.text
        assert _sha256(survivor, actors.editor, path) == hashlib.sha256(data).hexdigest()
