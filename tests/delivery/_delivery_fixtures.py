"""Types shared by the delivery tests (the fixtures themselves live in conftest.py)."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from dataclasses import dataclass

from transcoder.binaries import ffmpeg_path
from transcoder.config import TranscoderConfig


@dataclass
class Delivered:
    title_id: int
    asset_id: int
    prefix: str


Deliver = Callable[..., Delivered]


def play(url: str) -> subprocess.CompletedProcess[str]:
    """FFmpeg as a player: open the HLS master playlist over HTTP, decode video and sound."""
    return subprocess.run(
        [ffmpeg_path(TranscoderConfig()), "-v", "error", "-protocol_whitelist", "http,tcp",
         "-i", url, "-map", "0:v:0", "-map", "0:a:0", "-f", "null", "-"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
