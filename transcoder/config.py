"""Settings of the media library, built by the service from its own settings (never the reverse)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

# Demuxer names exactly as `ffmpeg -demuxers` prints them. What is NOT here matters as much: hls,
# dash, concat, image2, lavfi, tty, ffmetadata and friends can read other files or URLs.
DEFAULT_ACCEPTED_FORMATS: tuple[str, ...] = (
    "mov,mp4,m4a,3gp,3g2,mj2",
    "matroska,webm",
    "mxf",
    "mpegts",
    "mpeg",
    "avi",
    "gxf",
    "dv",
    "wav",
    "w64",
    "aiff",
    "flac",
    "mp3",
    "ogg",
)

GIB = 1024**3
_DEMUXER_NAME = re.compile(r"[a-z0-9_]+(,[a-z0-9_]+)*")


@dataclass(frozen=True, slots=True)
class TranscoderConfig:
    ffmpeg_path: str | None = None
    """Explicit ffmpeg binary; None: `ffmpeg` on PATH (the system's package)."""
    ffprobe_path: str | None = None
    """Explicit ffprobe binary; None: beside an explicit ffmpeg, then PATH."""
    quality_ffmpeg_path: str | None = None
    """An ffmpeg with libvmaf, only for measuring quality; None: imageio-ffmpeg's build."""
    measure_quality: bool = True
    """Score every rung with VMAF on a sample of the title (`transcoder.quality`)."""

    accepted_formats: tuple[str, ...] = DEFAULT_ACCEPTED_FORMATS
    """Demuxers allowed for user media (FFmpeg `-format_whitelist`)."""

    max_width: int = 8192
    max_height: int = 4320
    """Frame size limit, compared orientation-free: a portrait 2160x3840 phone clip passes."""
    max_duration_s: float = 6 * 3600.0

    probe_timeout_s: float = 30.0
    ffmpeg_timeout_s: float = 6 * 3600.0
    probesize_bytes: int = 32 * 1024 * 1024
    analyzeduration_us: int = 15_000_000

    probe_memory_bytes: int | None = 2 * GIB
    """RLIMIT_AS for ffprobe: a header claiming a huge frame cannot make it allocate unbounded."""
    ffmpeg_memory_bytes: int | None = 8 * GIB
    """RLIMIT_AS for ffmpeg. Address space, not RSS: x264 threads reserve stacks and lookahead
    (a one-process 4-rung 1080p ladder on 2 cores fails at 1 GiB, runs at 2 GiB); raise it for
    4K masters on many cores."""
    max_cpu_s: int | None = None
    """RLIMIT_CPU per process; None: the wall-clock timeout times the number of CPUs."""
    max_output_bytes: int = 256 * GIB
    """RLIMIT_FSIZE for ffmpeg (largest file it may write). ffprobe may write none."""
    max_stderr_bytes: int = 64 * 1024
    max_stdout_bytes: int = 64 * 1024 * 1024

    temp_dir: Path | None = None
    """Where work files go; None: the system temp dir."""

    niceness: int = 10
    """CPU priority of FFmpeg and ffprobe below the process that starts them (0-19, as `nice`):
    in the embedded form media jobs share the cores with the API, whose requests should not
    wait behind an encode or a probe (PeerTube runs its FFmpeg at nice 15 for the same reason)."""

    def __post_init__(self) -> None:
        if self.max_width <= 0 or self.max_height <= 0:
            raise ValueError("max_width and max_height must be positive")
        if self.probe_timeout_s <= 0 or self.ffmpeg_timeout_s <= 0:
            raise ValueError("timeouts must be positive")
        if not 0 <= self.niceness <= 19:
            raise ValueError("niceness must be 0 (no change) to 19 (lowest priority)")
        if not self.accepted_formats:
            raise ValueError("accepted_formats must name at least one demuxer")
        bad = [f for f in self.accepted_formats if not _DEMUXER_NAME.fullmatch(f)]
        if bad:
            raise ValueError(f"not demuxer names: {bad}")
