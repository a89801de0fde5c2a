"""Reading and writing subtitle objects in storage."""

from __future__ import annotations

import tempfile
from pathlib import Path

from catalogue.settings import Settings
from catalogue.storage import Storage
from transcoder.subtitles import SubtitleFormat, Track, read_subtitles


def put_bytes(storage: Storage, settings: Settings, key: str, data: bytes) -> None:
    work = settings.data_dir / "work" / "subtitles"
    work.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=work, delete=False) as temp:
        temp.write(data)
    storage.put_file(Path(temp.name), key, move=True)


def get_bytes(storage: Storage, key: str) -> bytes:
    return b"".join(storage.iter_bytes(key))


def load_vtt(storage: Storage, key: str) -> Track:
    """A stored normalised track (we wrote it, so it is UTF-8 WebVTT)."""
    return read_subtitles(get_bytes(storage, key), expected_format=SubtitleFormat.WEBVTT)
