"""The smallest real ladder (two rungs, one-second segments, ultrafast): service tests transcode
with it so a real FFmpeg run takes a second or two."""

from __future__ import annotations

import json
from pathlib import Path

from transcoder.profiles import (
    AudioProfile,
    DeliveryProfile,
    Ladder,
    Rung,
    StoryboardProfile,
    ladder_to_dict,
)

TINY_LADDER = Ladder(
    name="tiny",
    rungs=(Rung("r240", 240, 300, 350, 600), Rung("r144", 144, 150, 180, 300, h264_profile="main")),
    segment_seconds=1,
    preset="ultrafast",
    audio=AudioProfile(kbps=64),
    delivery=DeliveryProfile(height=240, video_kbps=400, audio_kbps=96),
    storyboard=StoryboardProfile(tile_width=64, columns=4, rows=2, min_interval_seconds=0.5),
)


def write_tiny_ladder(directory: Path) -> Path:
    """The ladder as a file, for CATALOGUE_TRANSCODE_LADDER."""
    path = directory / "tiny-ladder.json"
    path.write_text(json.dumps(ladder_to_dict(TINY_LADDER)))
    return path
