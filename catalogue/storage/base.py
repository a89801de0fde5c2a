"""The storage interface: what the service and the job workers need from a place to keep media.

Keys are relative, '/'-separated paths chosen by the server (never a client's filename). Every
write is atomic for a reader: an object is either absent or complete; `publish` makes a whole
folder visible with the objects named in `last` (e.g. the master playlist) written after the rest.
FFmpeg never reads from storage directly: `local_copy` hands it a local file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from catalogue.errors import NotFound

_SEGMENT = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,199}")
CHUNK = 1024 * 1024


class InvalidKey(ValueError):
    """A key that could escape its prefix or is not a server-made name."""


class ObjectNotFound(NotFound):
    """No object under that key."""


@dataclass(frozen=True, slots=True)
class ObjectInfo:
    key: str
    size: int


def check_key(key: str) -> str:
    """`key` if it is a relative path of plain segments (no '..', no leading '/', no empties)."""
    parts = key.split("/")
    if not key or not all(_SEGMENT.fullmatch(p) for p in parts) or ".." in parts:
        raise InvalidKey(f"not a storage key: {key!r}")
    return key


def check_prefix(prefix: str) -> str:
    return check_key(prefix.rstrip("/")) + "/"


class Storage(Protocol):
    """Local disk or S3-compatible object storage; see `catalogue.storage.make_storage`."""

    def put_file(self, source: Path, key: str, *, move: bool = False) -> None:
        """Store the local file `source` as `key`, replacing it atomically. With `move`, `source`
        is consumed (renamed where possible: no copy of a 50 GB master on the same disk)."""

    def put_bytes(self, data: bytes, key: str) -> None:
        """Store `data` as `key`, replacing it atomically (small objects: playlists, WebVTT)."""

    def read_bytes(self, key: str) -> bytes:
        """The whole of a small object; raises `ObjectNotFound`."""

    def publish(
        self, source: Path, prefix: str, *, last: Sequence[str] = (), move: bool = False
    ) -> list[str]:
        """Store the folder `source` under `prefix` (replacing what was there), files named in
        `last` (relative paths) after all others; returns the keys written. With `move`,
        `source` is consumed (local: moved into place, no copy; S3: removed once uploaded)."""

    def iter_bytes(
        self, key: str, start: int = 0, end: int | None = None, chunk_size: int = CHUNK
    ) -> Iterator[bytes]:
        """The bytes of `key` from `start` up to `end` (exclusive; None: to the end)."""

    def local_copy(self, key: str) -> AbstractContextManager[Path]:
        """A local file with the bytes of `key`, valid inside the `with` block (S3: a temp copy;
        local: the stored file itself, to be opened read-only)."""

    def size(self, key: str) -> int:
        """Size in bytes; raises `ObjectNotFound`."""

    def exists(self, key: str) -> bool: ...

    def list(self, prefix: str) -> list[ObjectInfo]:
        """Objects under `prefix`, sorted by key."""

    def delete(self, key: str) -> None:
        """Remove `key` if present."""

    def delete_prefix(self, prefix: str) -> int:
        """Remove every object under `prefix`; returns how many."""

    def presigned_url(
        self, key: str, expires_s: int = 3600, download_as: str | None = None
    ) -> str | None:
        """A time-limited GET URL for `key`, or None where bytes are served by the app;
        `download_as` makes the answer an attachment of that file name."""


def files_in_publish_order(source: Path, last: Sequence[str]) -> list[Path]:
    """The files under `source` (relative paths), those in `last` at the end in their order."""
    files = sorted(p.relative_to(source) for p in source.rglob("*") if p.is_file())
    tail = [Path(name) for name in last]
    missing = [str(t) for t in tail if t not in files]
    if missing:
        raise FileNotFoundError(f"publish: {missing} not in {source}")
    return [f for f in files if f not in tail] + tail
