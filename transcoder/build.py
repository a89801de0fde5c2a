"""Which FFmpeg this is (version, licence, key libraries, from `ffmpeg -version`) and whether the
product accepts it: the oldest release it runs on and the libraries its commands need."""

from __future__ import annotations

import os
import re
import threading
from dataclasses import dataclass, field, replace
from typing import Any

from transcoder.binaries import ffmpeg_path, ffprobe_path
from transcoder.config import TranscoderConfig
from transcoder.errors import UnsupportedFFmpeg
from transcoder.run import run_version

MINIMUM_RELEASE: tuple[int, int] = (5, 1)
"""FFmpeg 5.1, Debian 12's security-updated package and the build the product installs: the oldest
release the test suite runs against, so the one whose behaviour it pins (HLS muxer and
`-var_stream_map` rules, filter options, ffprobe's JSON). Older releases are refused at start
rather than failing on the first upload."""

MINIMUM_LIBAVFORMAT: tuple[int, int] = (59, 27)
"""libavformat of FFmpeg 5.1.0: how a build whose version is a git snapshot (`N-113027-g...`)
is judged."""

REQUIRED_LIBRARIES: dict[str, str] = {
    "libx264": "every H.264 rendition ladder",
    "libass": "subtitle burn-in (the `subtitles` filter)",
    "libzimg": "HDR masters (the `zscale` filter tonemaps them to SDR)",
}
"""External libraries the product's commands use; a build without one is refused at start."""

OPTIONAL_LIBRARIES: dict[str, str] = {
    "libvmaf": "VMAF quality scores (issue 15); Debian 12's FFmpeg lacks it",
}

_VERSION_LINE = re.compile(r"^ff(?:mpeg|probe) version (\S+)", re.MULTILINE)
_CONFIGURATION = re.compile(r"^configuration:(.*)$", re.MULTILINE)
_RELEASE = re.compile(r"^n?(\d+)\.(\d+)(?:\.(\d+))?")
_LIBAVFORMAT = re.compile(r"^libavformat\s+(\d+)\.\s*(\d+)\.\s*(\d+)", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class FFmpegBuild:
    path: str
    version: str
    """As the build prints it: "5.1.9-0+deb12u1", "6.0-static", "N-113027-g...". """
    release: tuple[int, ...] | None
    """(5, 1, 9); None for a git snapshot."""
    libavformat: tuple[int, ...] | None
    configuration: str
    libraries: dict[str, bool] = field(default_factory=dict)
    """Each required and optional library: enabled in this build or not."""
    ffprobe_path: str | None = None
    ffprobe_version: str | None = None

    @property
    def licence(self) -> str:
        """The licence the build's configuration gives the binary as a whole."""
        flags = self.configuration.split()
        if "--enable-nonfree" in flags:
            return "non-free (not redistributable)"
        if "--enable-gpl" in flags:
            return "GPL-3.0-or-later" if "--enable-version3" in flags else "GPL-2.0-or-later"
        return "LGPL-3.0-or-later" if "--enable-version3" in flags else "LGPL-2.1-or-later"

    def problems(self) -> list[str]:
        """Why the product refuses this build; empty when it is fine."""
        found: list[str] = []
        if not self.supported_release():
            found.append(
                f"FFmpeg {self.version} at {self.path} is older than "
                f"{'.'.join(map(str, MINIMUM_RELEASE))}, the oldest release the product supports"
            )
        missing = [name for name in REQUIRED_LIBRARIES if not self.libraries.get(name)]
        if missing:
            uses = "; ".join(f"{name}: {REQUIRED_LIBRARIES[name]}" for name in missing)
            found.append(f"FFmpeg at {self.path} is built without {', '.join(missing)} ({uses})")
        if self.ffprobe_version is not None and self.ffprobe_version != self.version:
            found.append(
                f"ffprobe {self.ffprobe_version} ({self.ffprobe_path}) is not from the same build "
                f"as ffmpeg {self.version} ({self.path})"
            )
        return found

    def supported_release(self) -> bool:
        if self.release is not None:
            return self.release[:2] >= MINIMUM_RELEASE
        return self.libavformat is not None and self.libavformat[:2] >= MINIMUM_LIBAVFORMAT

    def report(self, *, with_configuration: bool = False) -> dict[str, Any]:
        """Plain data for `/readyz` (without the path and configuration) and `catalogue config`."""
        out: dict[str, Any] = {
            "version": self.version,
            "licence": self.licence,
            "libraries": dict(self.libraries),
        }
        if with_configuration:
            out |= {
                "path": self.path,
                "ffprobe": f"{self.ffprobe_version} ({self.ffprobe_path})",
                "configuration": self.configuration,
            }
        return out


def parse_version_output(text: str, path: str) -> FFmpegBuild:
    """An `FFmpegBuild` from what `ffmpeg -version` printed."""
    version_line = _VERSION_LINE.search(text)
    if version_line is None:
        raise UnsupportedFFmpeg(f"{path} does not print an FFmpeg version: is it FFmpeg?")
    version = version_line.group(1)
    release = _RELEASE.match(version)
    configuration_line = _CONFIGURATION.search(text)
    configuration = configuration_line.group(1).strip() if configuration_line else ""
    flags = set(configuration.split())
    libavformat = _LIBAVFORMAT.search(text)
    return FFmpegBuild(
        path=path,
        version=version,
        release=tuple(int(n) for n in release.groups() if n is not None) if release else None,
        libavformat=tuple(int(n) for n in libavformat.groups()) if libavformat else None,
        configuration=configuration,
        libraries={
            name: f"--enable-{name}" in flags for name in (*REQUIRED_LIBRARIES, *OPTIONAL_LIBRARIES)
        },
    )


_cache: dict[tuple[str, str], FFmpegBuild] = {}
_cache_lock = threading.Lock()


def inspect_build(cfg: TranscoderConfig) -> FFmpegBuild:
    """The build `cfg` resolves to. Asked once per binary and cached by its identity (path,
    inode, size, mtime), so a package upgrade that replaces the binary is seen without a restart.
    Raises `BinaryNotFound` when there is none."""
    ffmpeg, ffprobe = ffmpeg_path(cfg), ffprobe_path(cfg)
    key = (_identity(ffmpeg), _identity(ffprobe))
    with _cache_lock:
        cached = _cache.get(key)
    if cached is not None:
        return cached
    build = parse_version_output(run_version(cfg, "ffmpeg"), ffmpeg)
    probe = parse_version_output(run_version(cfg, "ffprobe"), ffprobe)
    build = replace(build, ffprobe_path=probe.path, ffprobe_version=probe.version)
    with _cache_lock:
        _cache[key] = build
    return build


def require_supported(cfg: TranscoderConfig) -> FFmpegBuild:
    """The build, or `UnsupportedFFmpeg` saying what is wrong with it and how to fix it."""
    build = inspect_build(cfg)
    problems = build.problems()
    if problems:
        raise UnsupportedFFmpeg(
            "; ".join(problems) + ". Install a supported FFmpeg (Debian 12 or newer: "
            "`apt-get install ffmpeg`) or point CATALOGUE_FFMPEG_PATH at one"
        )
    return build


def _identity(path: str) -> str:
    st = os.stat(path)
    return f"{path}:{st.st_ino}:{st.st_size}:{st.st_mtime_ns}"
