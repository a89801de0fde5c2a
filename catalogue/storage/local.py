"""Media on local disk under one root: renames for atomicity, so temp files live on the same disk."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from catalogue.storage.base import (
    CHUNK,
    ObjectInfo,
    ObjectNotFound,
    check_key,
    check_prefix,
    files_in_publish_order,
)

_WORK = ".work"  # temp files and folders being published; never a valid key (leading dot)


class LocalStorage:
    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        (self.root / _WORK).mkdir(parents=True, exist_ok=True)

    def path(self, key: str) -> Path:
        return self.root / check_key(key)

    def put_file(self, source: Path, key: str, *, move: bool = False) -> None:
        target = self.path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        temp = self._work_path()
        if move:
            shutil.move(source, temp)  # a rename on the same disk
        else:
            shutil.copyfile(source, temp)
        os.replace(temp, target)

    def put_bytes(self, data: bytes, key: str) -> None:
        target = self.path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        temp = self._work_path()
        temp.write_bytes(data)
        os.replace(temp, target)

    def read_bytes(self, key: str) -> bytes:
        return self._existing(key).read_bytes()

    def publish(
        self, source: Path, prefix: str, *, last: Sequence[str] = (), move: bool = False
    ) -> list[str]:
        prefix = check_prefix(prefix)
        files = files_in_publish_order(source, last)
        staged = self._work_path()
        if move:
            shutil.move(source, staged)  # a rename on the same disk: the files are written once
        else:
            for name in files:
                (staged / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source / name, staged / name)
        target = self.root / prefix.rstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        # Swap folders by renames: a reader sees the old set or the new one, never a mixture.
        old = self._work_path()
        if target.exists():
            os.rename(target, old)
        os.rename(staged, target)
        shutil.rmtree(old, ignore_errors=True)
        return [prefix + name.as_posix() for name in files]

    def iter_bytes(
        self, key: str, start: int = 0, end: int | None = None, chunk_size: int = CHUNK
    ) -> Iterator[bytes]:
        path = self._existing(key)
        with path.open("rb") as file:
            file.seek(start)
            remaining = (end if end is not None else path.stat().st_size) - start
            while remaining > 0:
                data = file.read(min(chunk_size, remaining))
                if not data:
                    return
                remaining -= len(data)
                yield data

    @contextmanager
    def local_copy(self, key: str) -> Iterator[Path]:
        yield self._existing(key)

    def size(self, key: str) -> int:
        return self._existing(key).stat().st_size

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()

    def list(self, prefix: str) -> list[ObjectInfo]:
        folder = self.root / check_prefix(prefix).rstrip("/")
        if not folder.is_dir():
            return []
        return sorted(
            (
                ObjectInfo(p.relative_to(self.root).as_posix(), p.stat().st_size)
                for p in folder.rglob("*")
                if p.is_file()
            ),
            key=lambda info: info.key,
        )

    def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)

    def delete_prefix(self, prefix: str) -> int:
        folder = self.root / check_prefix(prefix).rstrip("/")
        if not folder.is_dir():
            return 0
        count = sum(1 for p in folder.rglob("*") if p.is_file())
        trash = self._work_path()
        os.rename(folder, trash)  # gone for readers at once, however long the removal takes
        shutil.rmtree(trash)
        return count

    def presigned_url(
        self, key: str, expires_s: int = 3600, download_as: str | None = None
    ) -> str | None:
        return None

    def _existing(self, key: str) -> Path:
        path = self.path(key)
        if not path.is_file():
            raise ObjectNotFound(f"no stored object {key!r}")
        return path

    def _work_path(self) -> Path:
        return self.root / _WORK / uuid.uuid4().hex
