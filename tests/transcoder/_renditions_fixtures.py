"""Small real clips for the renditions tests, made with the real FFmpeg through `run_ffmpeg`."""

from __future__ import annotations

from collections.abc import Sequence
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
from transcoder.run import run_ffmpeg, run_ffprobe

CFG = TranscoderConfig(ffmpeg_timeout_s=120, probe_timeout_s=30)

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


def make_clip(
    path: Path,
    *,
    size: tuple[int, int] = (640, 360),
    rate: str = "25",
    seconds: float = 3.0,
    languages: Sequence[str | None] = ("eng",),
    volumes_db: Sequence[float] | None = None,
    sar: str | None = None,
    rotation: int | None = None,
    interlaced: bool = False,
    black_lead_seconds: float = 0.0,
    gop: int = 25,
    audio_seconds: float | None = None,
) -> Path:
    """A clip with a moving test picture and one sine tone per audio track (different pitches)."""
    w, h = size
    video = f"testsrc2=size={w}x{h}:rate={rate}:duration={seconds}"
    if black_lead_seconds:
        video += f",drawbox=c=black:t=fill:enable='lt(t,{black_lead_seconds})'"
    if sar:
        video += f",setsar={sar}"
    args: list[str] = ["-f", "lavfi", "-i", video]
    volumes = list(volumes_db or [0.0] * len(languages))
    for n, _ in enumerate(languages):
        length = seconds if audio_seconds is None else audio_seconds
        tone = f"sine=frequency={330 + 110 * n}:sample_rate=48000:duration={length}"
        args += ["-f", "lavfi", "-i", f"{tone},volume={volumes[n]}dB"]
    args += ["-map", "0:v"]
    for n, language in enumerate(languages):
        args += ["-map", f"{n + 1}:a"]
        if language:
            args += [f"-metadata:s:a:{n}", f"language={language}"]
    args += ["-c:v", "libx264", "-preset", "ultrafast", "-g", str(gop), "-pix_fmt", "yuv420p"]
    if interlaced:
        args += ["-flags", "+ildct+ilme", "-field_order", "tt"]
    args += ["-c:a", "aac", "-b:a", "96k"]
    if audio_seconds is None:
        args.append("-shortest")
    own = [a for i, a in enumerate(args) if i and args[i - 1] == "-i"]
    target = path if rotation is None else path.with_suffix(".unrotated.mp4")
    run_ffmpeg(CFG, [*args, "-y", str(target)], inputs=[], own_inputs=own)
    if rotation is not None:
        run_ffmpeg(
            CFG,
            ["-display_rotation", str(rotation), "-i", str(target), "-c", "copy", "-y", str(path)],
            inputs=[],
            own_inputs=[str(target)],
        )
        target.unlink()
    return path


def probe_json(path: Path, *extra: str) -> dict[str, Any]:
    """ffprobe of one of our outputs, with the demuxer its name implies."""
    formats = {
        ".jpg": ("image2", "jpeg_pipe"),
        ".m3u8": ("hls", "mov,mp4,m4a,3gp,3g2,mj2"),
    }.get(path.suffix)
    return run_ffprobe(CFG, path, formats=formats, args=("-show_format", "-show_streams", *extra))
