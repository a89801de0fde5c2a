"""Finding ffmpeg and ffprobe: the configured path, else the ones on PATH.

The FFmpeg the product runs is the operating system's security-updated package (Debian's
`ffmpeg`, installed by scripts/bootstrap.sh and the Dockerfile), or a build an operator names in
the settings. No FFmpeg comes from PyPI: a static build in a wheel gets no security updates, and
FFmpeg parses untrusted uploads.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from transcoder.config import TranscoderConfig
from transcoder.errors import BinaryNotFound

INSTALL_HINT = (
    "install your system's FFmpeg package (Debian/Ubuntu: `apt-get install ffmpeg`, or run "
    "scripts/bootstrap.sh), or set CATALOGUE_FFMPEG_PATH (and CATALOGUE_FFPROBE_PATH if ffprobe "
    "is not beside it)"
)


def ffmpeg_path(cfg: TranscoderConfig) -> str:
    return _find("ffmpeg", cfg.ffmpeg_path, sibling_of=None)


def ffprobe_path(cfg: TranscoderConfig) -> str:
    # ffprobe beside a configured ffmpeg first: both should come from one build.
    return _find("ffprobe", cfg.ffprobe_path, sibling_of=cfg.ffmpeg_path)


def quality_ffmpeg_path(cfg: TranscoderConfig) -> str:
    """The FFmpeg that measures quality (VMAF): the configured one, else imageio-ffmpeg's static
    build (it has libvmaf and its models; Debian's 5.1 has no libvmaf). It only ever reads our
    own renditions and a master the product's FFmpeg has already probed and transcoded."""
    if cfg.quality_ffmpeg_path:
        return _find("ffmpeg", cfg.quality_ffmpeg_path, sibling_of=None)
    import imageio_ffmpeg  # a dependency, imported where used: only measuring needs it

    return str(imageio_ffmpeg.get_ffmpeg_exe())


def _find(name: str, explicit: str | None, *, sibling_of: str | None) -> str:
    if explicit:
        # A configured path is a decision: never silently fall back to another build.
        if _is_executable(explicit):
            return str(Path(explicit).resolve())
        raise BinaryNotFound(f"configured {name} {explicit!r} is not an executable file")
    if sibling_of:
        sibling = Path(sibling_of).with_name(name)
        if _is_executable(str(sibling)):
            return str(sibling.resolve())
    on_path = shutil.which(name)
    if on_path:
        return on_path
    raise BinaryNotFound(f"{name} not found on PATH: {INSTALL_HINT}")


def _is_executable(path: str) -> bool:
    return os.path.isfile(path) and os.access(path, os.X_OK)
