"""tus with a real client (tuspy) against a real uvicorn server: whole uploads, and resuming after
a connection cut mid-chunk and after the server was killed with SIGKILL mid-chunk."""

from __future__ import annotations

import hashlib
import os
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from tusclient.client import TusClient
from tusclient.storage.filestorage import FileStorage
from tusclient.uploader import Uploader

from tests.conftest import Actors, Database
from tests.support.server import ServerProcess

CHUNK = 256 * 1024


@pytest.fixture
def server(
    database: Database, client: TestClient, actors: Actors, tmp_path: Path
) -> Iterator[ServerProcess]:
    running = ServerProcess(database.settings, tmp_path / "server.log").start()
    yield running
    running.stop()


@pytest.fixture
def source(tmp_path: Path) -> Path:
    path = tmp_path / "Master Köşpendiler.mov"
    path.write_bytes(os.urandom(5 * CHUNK + 12345))
    return path


# tuspy 1.1 opens the file to measure it and never closes it (and closes a stream it is given).
pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")


class _Client:
    """A tus client process's URL store, closed at the end of the test."""

    def __init__(self, urls: Path) -> None:
        self.urls = FileStorage(str(urls))

    def close(self) -> None:
        self.urls.close()


@pytest.fixture
def clients() -> Iterator[list[_Client]]:
    made: list[_Client] = []
    yield made
    for client in made:
        client.close()


def _uploader(
    server: ServerProcess, headers: dict[str, str], path: Path, title_id: int, urls: Path,
    clients: list[_Client], **options: object,
) -> Uploader:  # fmt: skip
    client = _Client(urls)
    clients.append(client)
    tus = TusClient(f"{server.url}/uploads", headers=headers)
    return tus.uploader(
        file_path=str(path),
        chunk_size=CHUNK,
        metadata={"title_id": str(title_id), "kind": "main", "filename": path.name},
        store_url=True,
        url_storage=client.urls,
        **options,
    )


def _asset(server: ServerProcess, headers: dict[str, str], upload_url: str) -> dict[str, object]:
    head = httpx.head(upload_url, headers={**headers, "Tus-Resumable": "1.0.0"})
    asset_id = head.headers["Catalogue-Asset-Id"]
    return httpx.get(f"{server.url}/assets/{asset_id}", headers=headers).json()  # type: ignore[no-any-return]


def _cut_patch(
    url: str, headers: dict[str, str], offset: int, body: bytes, send: int
) -> socket.socket:
    """Start a PATCH of `body` but send only its first `send` bytes; the socket stays open."""
    host_port, path = url.removeprefix("http://").split("/", 1)
    host, port = host_port.split(":")
    lines = [f"PATCH /{path} HTTP/1.1", f"Host: {host_port}", "Tus-Resumable: 1.0.0",
             "Content-Type: application/offset+octet-stream", f"Upload-Offset: {offset}",
             f"Content-Length: {len(body)}", *(f"{k}: {v}" for k, v in headers.items())]  # fmt: skip
    sock = socket.create_connection((host, int(port)))
    sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode() + body[:send])
    return sock


def _offset(url: str, headers: dict[str, str]) -> int:
    return int(
        httpx.head(url, headers={**headers, "Tus-Resumable": "1.0.0"}).headers["Upload-Offset"]
    )


def _wait_for_offset_change(url: str, headers: dict[str, str], before: int) -> int:
    deadline = time.monotonic() + 10
    while (now := _offset(url, headers)) == before and time.monotonic() < deadline:
        time.sleep(0.05)
    return now


def test_tuspy_uploads_a_file_with_checksums_and_the_sha256_matches(
    server: ServerProcess,
    actors: Actors,
    title_id: int,
    source: Path,
    tmp_path: Path,
    clients: list[_Client],
) -> None:
    uploader = _uploader(
        server,
        actors.editor,
        source,
        title_id,
        tmp_path / "urls.json",
        clients,
        upload_checksum=True,
    )
    uploader.upload()
    asset = _asset(server, actors.editor, uploader.url)
    assert asset["state"] in ("uploaded", "probing", "rejected")  # random bytes are no video
    assert asset["size"] == source.stat().st_size
    assert asset["sha256"] == hashlib.sha256(source.read_bytes()).hexdigest()
    assert asset["original_filename"] == source.name
    assert uploader.url.startswith(f"{server.url}/uploads/")


def test_a_connection_cut_mid_chunk_resumes_from_the_servers_offset(
    server: ServerProcess,
    actors: Actors,
    title_id: int,
    source: Path,
    tmp_path: Path,
    clients: list[_Client],
) -> None:
    urls = tmp_path / "urls.json"
    first = _uploader(server, actors.editor, source, title_id, urls, clients)
    first.upload(stop_at=2 * CHUNK)
    data = source.read_bytes()
    sock = _cut_patch(first.url, actors.editor, 2 * CHUNK, data[2 * CHUNK : 3 * CHUNK], CHUNK // 2)
    time.sleep(0.3)
    sock.close()  # the link drops mid-chunk
    kept = _wait_for_offset_change(first.url, actors.editor, 2 * CHUNK)
    assert 2 * CHUNK < kept <= 2 * CHUNK + CHUNK // 2  # tus: what arrived is kept
    # A new client process: the stored URL for this file's fingerprint finds the upload.
    resumed = _uploader(server, actors.editor, source, title_id, urls, clients)
    assert resumed.url == first.url and resumed.offset == kept
    resumed.upload()
    asset = _asset(server, actors.editor, resumed.url)
    assert asset["sha256"] == hashlib.sha256(data).hexdigest()


def test_a_cut_chunk_with_a_checksum_is_discarded_whole(
    server: ServerProcess,
    actors: Actors,
    title_id: int,
    source: Path,
    tmp_path: Path,
    clients: list[_Client],
) -> None:
    urls = tmp_path / "urls.json"
    first = _uploader(server, actors.editor, source, title_id, urls, clients, upload_checksum=True)
    first.upload(stop_at=CHUNK)
    data = source.read_bytes()
    chunk = data[CHUNK : 2 * CHUNK]
    digest = hashlib.sha1(chunk).digest()
    import base64

    sock = _cut_patch(first.url, {**actors.editor, "Upload-Checksum": f"sha1 {base64.b64encode(digest).decode()}"},
                      CHUNK, chunk, CHUNK // 2)  # fmt: skip
    time.sleep(0.3)
    sock.close()
    time.sleep(0.5)
    assert _offset(first.url, actors.editor) == CHUNK
    resumed = _uploader(
        server, actors.editor, source, title_id, urls, clients, upload_checksum=True
    )
    resumed.upload()
    assert _asset(server, actors.editor, resumed.url)["sha256"] == hashlib.sha256(data).hexdigest()


def test_a_server_killed_mid_chunk_resumes_after_restart(
    server: ServerProcess,
    actors: Actors,
    title_id: int,
    source: Path,
    tmp_path: Path,
    clients: list[_Client],
) -> None:
    urls = tmp_path / "urls.json"
    first = _uploader(server, actors.editor, source, title_id, urls, clients)
    first.upload(stop_at=3 * CHUNK)
    data = source.read_bytes()
    sock = _cut_patch(first.url, actors.editor, 3 * CHUNK, data[3 * CHUNK : 4 * CHUNK], CHUNK // 2)
    time.sleep(0.5)  # the server is writing the half chunk when it dies
    server.kill()
    sock.close()
    server.start()  # same port, same data: a fresh process without any hash state in memory
    resumed = _uploader(server, actors.editor, source, title_id, urls, clients)
    assert resumed.url == first.url
    assert resumed.offset == 3 * CHUNK  # the uncommitted half chunk is not counted
    resumed.upload()
    asset = _asset(server, actors.editor, resumed.url)
    assert asset["size"] == len(data)
    assert asset["sha256"] == hashlib.sha256(data).hexdigest()


def test_tuspy_can_terminate_what_it_started(
    server: ServerProcess,
    actors: Actors,
    title_id: int,
    source: Path,
    tmp_path: Path,
    clients: list[_Client],
) -> None:
    uploader = _uploader(server, actors.editor, source, title_id, tmp_path / "urls.json", clients)
    uploader.upload(stop_at=CHUNK)
    gone = httpx.delete(uploader.url, headers={**actors.editor, "Tus-Resumable": "1.0.0"})
    assert gone.status_code == 204
    assert gone.headers["Tus-Resumable"] == "1.0.0"
    assert (
        httpx.head(uploader.url, headers={**actors.editor, "Tus-Resumable": "1.0.0"}).status_code
        == 404
    )
