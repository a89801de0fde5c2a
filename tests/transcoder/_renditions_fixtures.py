"""The renditions tests' config, three-rung ladder and output probe (clips: tests.support.media)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from transcoder.config import TranscoderConfig
from transcoder.profiles import (
    AudioProfile,
    DeliveryProfile,
    Ladder,
    LoudnessTarget,
    Rung,
    StoryboardProfile,
)
from transcoder.run import run_ffprobe

# VMAF off: the quality tests turn it on (test_ladder_rules.py); the rest need not pay for it.
CFG = TranscoderConfig(ffmpeg_timeout_s=120, probe_timeout_s=30, measure_quality=False)

# Tiny rungs so a whole ladder encodes in a second or two.
TINY_LADDER = Ladder(
    name="tiny",
    rungs=(
        Rung("r360", 360, 600, 700, 1200),
        Rung("r240", 240, 300, 350, 600),
        Rung("r144", 144, 150, 180, 300, h264_profile="main"),
    ),
    segment_seconds=1,
    preset="ultrafast",
    audio=AudioProfile(kbps=64),
    loudness=LoudnessTarget(integrated=-23.0, true_peak=-1.0, lra=20.0),
    delivery=DeliveryProfile(height=360, video_kbps=800, audio_kbps=96),
    storyboard=StoryboardProfile(tile_width=64, columns=4, rows=2, min_interval_seconds=0.5),
)


def probe_json(path: Path, *extra: str) -> dict[str, Any]:
    """ffprobe of one of our outputs, with the demuxer its name implies."""
    formats = {
        ".jpg": ("image2", "jpeg_pipe"),
        ".m3u8": ("hls", "mov,mp4,m4a,3gp,3g2,mj2"),
    }.get(path.suffix)
    return run_ffprobe(CFG, path, formats=formats, args=("-show_format", "-show_streams", *extra))
