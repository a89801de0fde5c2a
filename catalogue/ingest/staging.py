"""Uploads in progress on local disk: one file per upload, appended to by PATCH requests.

The SHA-256 of the whole file is computed on the way. Python cannot serialise a hash state, so
each process keeps the state reached at the end of the last PATCH it served (`HashStates`); a
PATCH arriving after a restart, or at another worker process, re-hashes the stored prefix once
(~1.5 GB/s) and continues. That keeps the common path free of re-reads without a home-made
hash implementation, and a state is only ever reused at exactly the offset it was computed for.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import threading
import time
from pathlib import Path
from typing import Any, BinaryIO

from catalogue.ingest.tus import CHECKSUMS, UploadLocked

READ_CHUNK = 1024 * 1024
LOCK_WAIT_S = 5.0


class HashStates:
    """upload id -> (offset, sha256 state) as this process left it."""

    def __init__(self) -> None:
        self._states: dict[str, tuple[int, Any]] = {}
        self._lock = threading.Lock()

    def take(self, upload_id: str, offset: int) -> Any | None:
        with self._lock:
            state = self._states.pop(upload_id, None)
        return state[1] if state is not None and state[0] == offset else None

    def put(self, upload_id: str, offset: int, hasher: Any) -> None:
        with self._lock:
            self._states[upload_id] = (offset, hasher)

    def drop(self, upload_id: str) -> None:
        with self._lock:
            self._states.pop(upload_id, None)


class StagingArea:
    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self.hashes = HashStates()

    def path(self, upload_id: str) -> Path:
        return self.root / f"{upload_id}.part"

    def create(self, upload_id: str) -> None:
        self.path(upload_id).touch(exist_ok=False)

    def remove(self, upload_id: str) -> None:
        self.hashes.drop(upload_id)
        self.path(upload_id).unlink(missing_ok=True)

    def stray_files(self, known: set[str], older_than_s: float) -> list[Path]:
        """Staged files no upload row knows about (e.g. a crash between file and row)."""
        cutoff = time.time() - older_than_s
        return [
            p
            for p in self.root.glob("*.part")
            if p.stem not in known and p.stat().st_mtime < cutoff
        ]

    def open_patch(
        self, upload_id: str, offset: int, checksum: tuple[str, bytes] | None
    ) -> StagedPatch:
        """Lock the upload's file for one PATCH starting at `offset` (the committed offset)."""
        file = self.path(upload_id).open("r+b")
        try:
            _lock(file)
            # Bytes past the committed offset are from a request cut off before it committed.
            size = os.fstat(file.fileno()).st_size
            if size < offset:
                raise OSError(f"staged upload {upload_id} is shorter than its committed offset")
            if size > offset:
                file.truncate(offset)
            whole = self.hashes.take(upload_id, offset) or _hash_prefix(file, offset)
            file.seek(offset)
        except BaseException:
            file.close()
            raise
        return StagedPatch(self, upload_id, file, offset, whole, checksum)

    def committed_size(self, upload_id: str) -> int:
        try:
            return self.path(upload_id).stat().st_size
        except FileNotFoundError:
            return 0


class StagedPatch:
    """One PATCH's bytes: appended at `start`, hashed whole-file and (if asked) per chunk."""

    def __init__(
        self,
        area: StagingArea,
        upload_id: str,
        file: BinaryIO,
        start: int,
        whole: Any,
        checksum: tuple[str, bytes] | None,
    ) -> None:
        self.area = area
        self.upload_id = upload_id
        self.file = file
        self.start = start
        self.received = 0
        self.whole = whole
        self._before = whole.copy()
        self.checksum = checksum
        self._chunk = CHECKSUMS[checksum[0]]() if checksum else None

    @property
    def offset(self) -> int:
        return self.start + self.received

    def write(self, data: bytes | bytearray) -> None:
        self.file.write(data)
        self.whole.update(data)
        if self._chunk is not None:
            self._chunk.update(data)
        self.received += len(data)

    def checksum_matches(self) -> bool:
        return (
            self._chunk is None or self.checksum is None or self._chunk.digest() == self.checksum[1]
        )

    def keep(self) -> str:
        """Make the bytes part of the upload; returns the whole-file SHA-256 so far (hex)."""
        self.file.flush()
        self.area.hashes.put(self.upload_id, self.offset, self.whole)
        return str(self.whole.hexdigest())

    def discard(self) -> None:
        """Forget this request's bytes: the file and the hash are as before it."""
        self.file.truncate(self.start)
        self.received = 0
        self.whole = self._before
        self.area.hashes.put(self.upload_id, self.start, self._before.copy())

    def close(self) -> None:
        self.file.close()  # also releases the lock


def _lock(file: BinaryIO) -> None:
    # One writer per upload, across threads and worker processes (flock is per open file).
    deadline = time.monotonic() + LOCK_WAIT_S
    while True:
        try:
            fcntl.flock(file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() > deadline:
                raise UploadLocked(
                    "another request is still writing to this upload; retry in a few seconds"
                ) from None
            time.sleep(0.05)


def _hash_prefix(file: BinaryIO, length: int) -> Any:
    hasher = hashlib.sha256()
    file.seek(0)
    remaining = length
    while remaining > 0:
        data = file.read(min(READ_CHUNK, remaining))
        if not data:
            break
        hasher.update(data)
        remaining -= len(data)
    return hasher
