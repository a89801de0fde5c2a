"""Is the master already what a rung would be? Then the rung is the master, packaged (stream
copy), not a second-generation encode of it.

A rung may be packaged when the master's picture is H.264 8-bit 4:2:0, progressive, SDR, square
pixels, unrotated, of the rung's very size and constant frame rate, with keyframes exactly where
the ladder forces them (one every segment, so every rung switches at the same instants) and no
GOP above the rung's peak rate. `gop_facts` reads the packets (ffprobe, no decode: about 2% of the
decode time); `packaging_refusals` is pure and says why not, one reason per broken rule.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from transcoder.config import TranscoderConfig
from transcoder.probe import VideoStream
from transcoder.run import CancelCheck, run_ffprobe

_PACKAGED_PROFILES = frozenset({"Constrained Baseline", "Baseline", "Main", "High"})


@dataclass(frozen=True)
class GopFacts:
    """The master's video packets in presentation order: which are keyframes, and their sizes."""

    keyframes: tuple[int, ...]
    """Frame numbers (presentation order, from 0) of the keyframes."""
    sizes: tuple[int, ...]
    """Bytes of every frame, in presentation order."""


def gop_facts(
    cfg: TranscoderConfig, master: Path, video: VideoStream, *, cancel: CancelCheck | None = None
) -> GopFacts:
    data = run_ffprobe(
        cfg,
        master,
        args=("-select_streams", str(video.index), "-show_entries", "packet=pts,size,flags"),
        cancel=cancel,
    )
    packets = [p for p in data.get("packets", []) if isinstance(p, dict)]
    if not all(isinstance(p.get("pts"), int) for p in packets):
        return GopFacts(keyframes=(), sizes=())
    timed = sorted(
        (int(p["pts"]), int(p.get("size", 0)), "K" in str(p.get("flags", ""))) for p in packets
    )
    return GopFacts(
        keyframes=tuple(n for n, (_, _, key) in enumerate(timed) if key),
        sizes=tuple(size for _, size, _ in timed),
    )


def peak_gop_kbps(facts: GopFacts, gop_frames: int, frame_rate: Fraction) -> float:
    """The highest bit rate of one GOP-long stretch (one segment), in kbit/s."""
    seconds = float(gop_frames / frame_rate)
    stretches = [facts.sizes[i : i + gop_frames] for i in range(0, len(facts.sizes), gop_frames)]
    # A short last stretch is measured over its own length.
    return max(
        (sum(s) * 8 / (seconds * len(s) / gop_frames) / 1000 for s in stretches if s), default=0.0
    )


def packaging_refusals(
    video: VideoStream,
    facts: GopFacts,
    *,
    size: tuple[int, int],
    frame_rate: Fraction,
    gop_frames: int,
    max_kbps: int,
    first_video: bool,
) -> Sequence[str]:
    """Why this master cannot stand in for an H.264 output of ``size`` at ``frame_rate`` with
    GOPs of ``gop_frames`` and at most ``max_kbps`` per GOP; empty when it can."""
    reasons = []
    if not facts.sizes:
        reasons.append("the picture's packets carry no timestamps")
    if not first_video:
        reasons.append("the main picture is not the first video stream")
    if video.codec != "h264" or video.profile not in _PACKAGED_PROFILES:
        reasons.append(f"picture is {video.codec} {video.profile or ''}, not H.264 8-bit")
    if video.pix_fmt != "yuv420p":
        reasons.append(f"pixel format {video.pix_fmt} is not yuv420p")
    if video.interlaced or video.hdr or video.rotation:
        reasons.append("picture is interlaced, HDR or rotated")
    if video.sar not in (None, Fraction(1)):
        reasons.append(f"pixels are not square (SAR {video.sar})")
    if (video.width, video.height) != size:
        reasons.append(f"size {video.width}x{video.height} is not {size[0]}x{size[1]}")
    if video.variable_frame_rate or video.frame_rate != frame_rate:
        reasons.append(f"frame rate is not a constant {frame_rate}")
    expected = tuple(range(0, len(facts.sizes), gop_frames))
    if facts.keyframes != expected:
        reasons.append(f"keyframes are not exactly every {gop_frames} frames")
    peak = peak_gop_kbps(facts, gop_frames, frame_rate)
    if peak > max_kbps:
        reasons.append(f"a GOP peaks at {peak:.0f} kbit/s, above {max_kbps}")
    return reasons
