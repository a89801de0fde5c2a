"""Fake FFmpeg builds: an ffmpeg and ffprobe pair that print `-version` as a real build would, for
tests of which builds the product accepts (a real old FFmpeg is not installable here)."""

from __future__ import annotations

from pathlib import Path

from transcoder.config import TranscoderConfig

GOOD_FLAGS = "--enable-gpl --enable-libass --enable-libx264 --enable-libzimg --enable-shared"


def version_text(program: str, version: str, flags: str, libavformat: str = "59. 27.100") -> str:
    return (
        f"{program} version {version} Copyright (c) 2000-2026 the FFmpeg developers\n"
        "built with gcc 12\n"
        f"configuration: {flags}\n"
        "libavutil      57. 28.100 / 57. 28.100\n"
        f"libavformat    {libavformat} / {libavformat}\n"
    )


def fake_build(
    folder: Path,
    version: str,
    flags: str = GOOD_FLAGS,
    *,
    libavformat: str = "59. 27.100",
    ffprobe_version: str | None = None,
) -> TranscoderConfig:
    """`folder`/ffmpeg and `folder`/ffprobe; the config names the ffmpeg (ffprobe is beside it)."""
    folder.mkdir(parents=True, exist_ok=True)
    for program, shown in (("ffmpeg", version), ("ffprobe", ffprobe_version or version)):
        text = version_text(program, shown, flags, libavformat)
        script = folder / program
        script.write_text(f"#!/bin/sh\ncat <<'EOF'\n{text}EOF\n")
        script.chmod(0o755)
    return TranscoderConfig(ffmpeg_path=str(folder / "ffmpeg"))


def old_ffmpeg(folder: Path) -> str:
    """The path of an ffmpeg that says it is Ubuntu 22.04's 4.4 (below the minimum)."""
    cfg = fake_build(folder, "4.4.2-0ubuntu0.22.04.1", libavformat="58. 76.100")
    assert cfg.ffmpeg_path is not None
    return cfg.ffmpeg_path
