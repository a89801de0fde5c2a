"""The uploading side of `catalogue ingest`: tus through tuspy with resume, then wait for probing.

Upload URLs are remembered per file fingerprint in a small JSON store, so running the same
command again after an interruption (or a reboot) continues where the server stopped.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from tusclient.client import TusClient
from tusclient.exceptions import TusCommunicationError, TusUploadFailed
from tusclient.fingerprint.fingerprint import Fingerprint
from tusclient.storage.filestorage import FileStorage
from tusclient.uploader import Uploader

from catalogue.errors import CatalogueError

CHUNK_BYTES = 32 * 1024 * 1024
RETRIES = 8
FINAL_STATES = ("ready", "rejected")


class IngestFailed(CatalogueError):
    """The upload could not be done; the message says why and what to try."""


@dataclass(frozen=True)
class Target:
    server: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


Progress = Callable[[int, int], None]


def upload(
    target: Target,
    path: Path,
    title_id: int,
    kind: str,
    url_store: Path,
    progress: Progress,
    *,
    chunk_bytes: int = CHUNK_BYTES,
    retry_delay_s: float = 2.0,
) -> int:
    """Upload `path` (resuming a stored upload of the same file); returns the asset id."""
    url_store.parent.mkdir(parents=True, exist_ok=True)
    store = FileStorage(str(url_store))
    try:
        uploader = _uploader(target, path, title_id, kind, store, chunk_bytes)
        size = uploader.get_file_size()
        if uploader.url is None:
            uploader.set_url(_call(uploader.create_url))
        attempts = 0
        progress(uploader.offset, size)
        while uploader.offset < size:
            try:
                uploader.upload_chunk()
                attempts = 0
            except (TusCommunicationError, TusUploadFailed) as error:
                attempts += 1
                _give_up_unless_retryable(error, attempts)
                time.sleep(retry_delay_s * min(2 ** (attempts - 1), 30))
                uploader.offset = _call(uploader.get_offset)  # resume where the server is
            progress(uploader.offset, size)
        return _asset_id(target, str(uploader.url))
    finally:
        store.close()


def _uploader(
    target: Target, path: Path, title_id: int, kind: str, store: FileStorage, chunk_bytes: int
) -> Uploader:
    client = TusClient(f"{target.server.rstrip('/')}/uploads", headers=target.headers)
    options: dict[str, Any] = {
        "file_path": str(path),
        "chunk_size": chunk_bytes,
        "metadata": {"title_id": str(title_id), "kind": kind, "filename": path.name},
        "store_url": True,
        "url_storage": store,
        "upload_checksum": True,
    }
    try:
        return client.uploader(**options)
    except TusCommunicationError:
        # The stored upload expired or was removed on the server: start a new one.
        with path.open("rb") as stream:
            store.remove_item(Fingerprint().get_fingerprint(stream))
        return client.uploader(**options)


def _call(fn: Callable[[], Any]) -> Any:
    try:
        return fn()
    except TusCommunicationError as error:
        raise IngestFailed(_explain(error)) from None


def _give_up_unless_retryable(error: Exception, attempts: int) -> None:
    status = getattr(error, "status_code", None)
    # 4xx other than 409 (offset moved) and 423 (locked) will not change on a retry.
    if (
        status is not None and 400 <= status < 500 and status not in (409, 423, 460)
    ) or attempts > RETRIES:
        raise IngestFailed(_explain(error))


def _explain(error: Exception) -> str:
    status = getattr(error, "status_code", None)
    content = getattr(error, "response_content", None) or b""
    detail = content.decode("utf-8", "replace") if isinstance(content, bytes) else str(content)
    if status is None:
        return f"cannot reach the server: {error}"
    return f"the server answered {status}: {detail or error}"


def _asset_id(target: Target, upload_url: str) -> int:
    head = httpx.head(upload_url, headers={**target.headers, "Tus-Resumable": "1.0.0"}, timeout=30)
    if head.status_code != 200 or "Catalogue-Asset-Id" not in head.headers:
        raise IngestFailed(f"uploaded, but the server did not say which asset ({head.status_code})")
    return int(head.headers["Catalogue-Asset-Id"])


def wait_for_probe(
    target: Target, asset_id: int, *, timeout_s: float = 600.0, poll_s: float = 1.0
) -> dict[str, Any]:
    """The asset once it is ready or rejected; raises `IngestFailed` when that takes too long."""
    deadline = time.monotonic() + timeout_s
    while True:
        response = httpx.get(
            f"{target.server.rstrip('/')}/assets/{asset_id}", headers=target.headers, timeout=30
        )
        if response.status_code != 200:
            raise IngestFailed(
                f"asset {asset_id}: the server answered {response.status_code}: {response.text}"
            )
        asset: dict[str, Any] = response.json()
        if asset["state"] in FINAL_STATES:
            return asset
        if time.monotonic() > deadline:
            raise IngestFailed(
                f"asset {asset_id} is still {asset['state']} after {timeout_s:g} s; is a job worker "
                f"running? (`catalogue serve` runs one; scale-out: `catalogue worker`)"
            )
        time.sleep(poll_s)
