"""Uploads in progress in the staging directory: one file per upload, appended to by PATCH requests.

The directory may be shared by every API node (`upload_dir` on a shared volume): which request
writes an upload is decided by a lease in the database (`ingest.leases`), not here.

The SHA-256 of the whole file is computed on the way. Python cannot serialise a hash state, so
each process keeps, per upload, the state at the end of the last PATCH it committed
(`HashStates`). A PATCH at a later offset (the PATCHes in between went to another node) hashes
only the staged bytes it has not seen; a process with no state (after a restart) hashes the
staged prefix once (~1.5 GB/s). Bytes below a committed offset never change, so a state at or
below the offset is still valid; a state above it (bytes lost with a disk) is dropped.
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, BinaryIO

from catalogue.ingest.tus import CHECKSUMS

READ_CHUNK = 4 * 1024 * 1024


class HashStates:
    """upload id -> (offset, sha256 state) as this process last committed it."""

    def __init__(self) -> None:
        self._states: dict[str, tuple[int, Any]] = {}
        self._lock = threading.Lock()

    def take(self, upload_id: str, offset: int) -> tuple[int, Any] | None:
        """This process's state of the upload at or below `offset`, or None."""
        with self._lock:
            state = self._states.pop(upload_id, None)
        return state if state is not None and state[0] <= offset else None

    def put(self, upload_id: str, offset: int, hasher: Any) -> None:
        with self._lock:
            self._states[upload_id] = (offset, hasher)

    def drop(self, upload_id: str) -> None:
        with self._lock:
            self._states.pop(upload_id, None)

    def keep_only(self, upload_ids: set[str]) -> None:
        """Forget uploads finished or removed (possibly by another node)."""
        with self._lock:
            for gone in set(self._states) - upload_ids:
                del self._states[gone]


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
        """Open the upload's file for one PATCH at `offset` (the committed offset). The caller
        holds the upload's lease: no other request writes the file meanwhile."""
        file = self.path(upload_id).open("r+b")
        try:
            # Bytes past the committed offset are from a request cut off before it committed.
            size = os.fstat(file.fileno()).st_size
            if size < offset:
                raise OSError(f"staged upload {upload_id} is shorter than its committed offset")
            if size > offset:
                file.truncate(offset)
            known = self.hashes.take(upload_id, offset) or (0, hashlib.sha256())
            whole = _hash_range(file, known[1], known[0], offset)
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
        self._advised = start
        self.whole = whole
        self._before = whole.copy()
        self.checksum = checksum
        self._chunk = CHECKSUMS[checksum[0]]() if checksum else None

    @property
    def offset(self) -> int:
        return self.start + self.received

    def write(self, chunks: Sequence[bytes]) -> None:
        for data in chunks:
            self.file.write(data)
            self.whole.update(data)
            if self._chunk is not None:
                self._chunk.update(data)
            self.received += len(data)
        # Start writing these bytes to disk now (asynchronously), so that the flush before the
        # offset is committed waits for the last batch only, not the whole PATCH.
        self.file.flush()
        written = self.offset - self._advised
        os.posix_fadvise(self.file.fileno(), self._advised, written, os.POSIX_FADV_DONTNEED)
        self._advised = self.offset

    def checksum_matches(self) -> bool:
        return (
            self._chunk is None or self.checksum is None or self._chunk.digest() == self.checksum[1]
        )

    def make_durable(self) -> str:
        """Put the bytes on disk (before the offset that counts them is committed); returns the
        whole-file SHA-256 so far (hex)."""
        self.file.flush()
        os.fdatasync(self.file.fileno())
        return str(self.whole.hexdigest())

    def committed(self) -> None:
        """The offset is in the database: this process may start the next PATCH from here."""
        self.area.hashes.put(self.upload_id, self.offset, self.whole)

    def discard(self) -> None:
        """Forget this request's bytes: the file and the hash are as before it."""
        self.file.truncate(self.start)
        self.received = 0
        self._advised = self.start
        self.whole = self._before
        self.area.hashes.put(self.upload_id, self.start, self._before.copy())

    def close(self) -> None:
        self.file.close()


def _hash_range(file: BinaryIO, hasher: Any, start: int, end: int) -> Any:
    """`hasher` updated with the file's bytes from `start` to `end`."""
    file.seek(start)
    remaining = end - start
    while remaining > 0:
        data = file.read(min(READ_CHUNK, remaining))
        if not data:
            break
        hasher.update(data)
        remaining -= len(data)
    return hasher
