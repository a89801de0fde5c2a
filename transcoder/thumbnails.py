"""Storyboard sprite sheets with a WebVTT thumbnails track, and a poster frame that is not black.

One keyframes-only decode (``-skip_frame nokey``, about a fifth of a full decode) makes the sprite
sheets and measures every kept frame's brightness; the poster is then cut at the best keyframe.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import webvtt

from transcoder.config import TranscoderConfig
from transcoder.errors import FFmpegFailed
from transcoder.profiles import StoryboardProfile
from transcoder.run import CancelCheck, run_ffmpeg

SPRITE_PATTERN = "storyboard_%03d.jpg"
STORYBOARD_VTT = "storyboard.vtt"
POSTER = "poster.jpg"

# Limited-range black is Y=16; a frame this dark on average, or this flat, is no poster.
_MIN_MEAN_LUMA = 40.0
_MIN_LUMA_SPREAD = 48.0


@dataclass(frozen=True)
class FrameStats:
    time: float
    mean_luma: float
    luma_spread: float

    @property
    def usable_as_poster(self) -> bool:
        return self.mean_luma >= _MIN_MEAN_LUMA and self.luma_spread >= _MIN_LUMA_SPREAD


@dataclass(frozen=True)
class Storyboard:
    vtt: str
    sprites: tuple[str, ...]
    frames: tuple[FrameStats, ...]
    argv: tuple[str, ...]


@dataclass(frozen=True)
class Poster:
    path: str
    time: float
    argv: tuple[str, ...]


def tile_size(display: tuple[int, int], tile_width: int) -> tuple[int, int]:
    width, height = display
    return tile_width, max(2, 2 * round(tile_width * height / width / 2))


def storyboard_args(
    source: Path,
    out_dir: Path,
    stats_file: Path,
    display: tuple[int, int],
    board: StoryboardProfile,
) -> list[str]:
    w, h = tile_size(display, board.tile_width)
    # A millisecond of slack: timestamps 0.4 - 0.2 compare below 0.2 in floating point.
    interval = board.min_interval_seconds - 0.001
    graph = ",".join(
        [
            f"select='isnan(prev_selected_t)+gte(t-prev_selected_t\\,{interval:.6f})'",
            "signalstats",
            f"metadata=mode=print:file={_filter_path(stats_file)}",
            f"scale={w}:{h}",
            "setsar=1",
            f"tile={board.columns}x{board.rows}",
        ]
    )
    return [
        "-skip_frame", "nokey", "-i", str(source), "-map", "0:v:0", "-an", "-sn", "-dn",
        "-vf", graph, "-fps_mode", "passthrough", "-q:v", "4", "-start_number", "0",
        "-f", "image2", str(out_dir / SPRITE_PATTERN),
    ]  # fmt: skip


def _filter_path(path: Path) -> str:
    # Inside a filter graph ':' and '\' and quotes are syntax; our temp paths never need them.
    text = str(path)
    if any(c in text for c in ":\\'[],;"):
        raise ValueError(f"work path {text!r} cannot be written into a filter graph")
    return text


_FRAME = re.compile(r"^frame:\s*\d+\s+pts:\s*\S+\s+pts_time:(\S+)", re.M)
_KEY = re.compile(r"^lavfi\.signalstats\.(YAVG|YMIN|YMAX)=(\S+)", re.M)


def parse_frame_stats(text: str) -> tuple[FrameStats, ...]:
    """Per-frame luma from the ``metadata=mode=print`` log of ``signalstats``."""
    frames = []
    blocks = _FRAME.split(text)
    # split() gives [before, time1, body1, time2, body2, ...]
    for time_text, body in zip(blocks[1::2], blocks[2::2], strict=True):
        values = {key: float(value) for key, value in _KEY.findall(body)}
        if len(values) < 3:
            continue
        frames.append(
            FrameStats(
                time=float(time_text),
                mean_luma=values["YAVG"],
                luma_spread=values["YMAX"] - values["YMIN"],
            )
        )
    return tuple(frames)


def storyboard_vtt(
    frames: tuple[FrameStats, ...],
    duration: float,
    display: tuple[int, int],
    board: StoryboardProfile,
) -> webvtt.WebVTT:
    """One cue per kept keyframe, until the next, pointing at its cell: ``sheet.jpg#xywh=...``."""
    w, h = tile_size(display, board.tile_width)
    per_sheet = board.columns * board.rows
    vtt = webvtt.WebVTT()
    for n, frame in enumerate(frames):
        end = frames[n + 1].time if n + 1 < len(frames) else max(duration, frame.time + 0.001)
        sheet = SPRITE_PATTERN % (n // per_sheet)
        cell = n % per_sheet
        x, y = (cell % board.columns) * w, (cell // board.columns) * h
        vtt.captions.append(
            webvtt.Caption(_timestamp(frame.time), _timestamp(end), f"{sheet}#xywh={x},{y},{w},{h}")
        )
    return vtt


def _timestamp(seconds: float) -> str:
    millis = round(max(0.0, seconds) * 1000)
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    return f"{hours:02d}:{minutes:02d}:{rest // 1000:02d}.{rest % 1000:03d}"


def make_storyboard(
    cfg: TranscoderConfig,
    source: Path,
    out_dir: Path,
    *,
    duration: float,
    display: tuple[int, int],
    board: StoryboardProfile,
    cancel: CancelCheck | None = None,
) -> Storyboard:
    """Write sprite sheets and ``storyboard.vtt`` into ``out_dir`` (a fresh work directory)."""
    stats_file = out_dir / "storyboard.stats.txt"
    result = run_ffmpeg(
        cfg,
        storyboard_args(source, out_dir, stats_file, display, board),
        inputs=[source],
        cancel=cancel,
    )
    frames = parse_frame_stats(stats_file.read_text(encoding="utf-8", errors="replace"))
    stats_file.unlink()
    if not frames:
        raise FFmpegFailed("the storyboard pass decoded no keyframe")
    storyboard_vtt(frames, duration, display, board).save(str(out_dir / STORYBOARD_VTT))
    per_sheet = board.columns * board.rows
    sheets = -(-len(frames) // per_sheet)
    sprites = tuple(SPRITE_PATTERN % n for n in range(sheets))
    missing = [s for s in sprites if not (out_dir / s).is_file()]
    if missing:
        raise FFmpegFailed(f"storyboard sheets missing: {missing}")
    return Storyboard(vtt=STORYBOARD_VTT, sprites=sprites, frames=frames, argv=result.argv)


def choose_poster_time(frames: tuple[FrameStats, ...], duration: float) -> float:
    """A keyframe near a third of the way in that is neither black nor flat (fades, slates)."""
    if not frames:
        raise ValueError("no frames to choose a poster from")
    usable = [f for f in frames if f.usable_as_poster]
    if not usable:
        return max(frames, key=lambda f: f.mean_luma).time
    return min(usable, key=lambda f: abs(f.time - duration / 3)).time


def poster_size(display: tuple[int, int], max_width: int) -> tuple[int, int]:
    width, height = display
    if width <= max_width:
        return width, height
    return max_width, max(2, 2 * round(max_width * height / width / 2))


def poster_args(source: Path, target: Path, at: float, size: tuple[int, int]) -> list[str]:
    return [
        "-ss", f"{at:.3f}", "-i", str(source), "-map", "0:v:0", "-an", "-sn", "-dn",
        "-frames:v", "1", "-vf", f"scale={size[0]}:{size[1]},setsar=1", "-q:v", "2",
        "-f", "image2", str(target),
    ]  # fmt: skip


def make_poster(
    cfg: TranscoderConfig,
    source: Path,
    out_dir: Path,
    *,
    frames: tuple[FrameStats, ...],
    duration: float,
    display: tuple[int, int],
    board: StoryboardProfile,
    cancel: CancelCheck | None = None,
) -> Poster:
    at = choose_poster_time(frames, duration)
    size = poster_size(display, board.poster_max_width)
    args = poster_args(source, out_dir / POSTER, at, size)
    result = run_ffmpeg(cfg, args, inputs=[source], cancel=cancel)
    if not (out_dir / POSTER).is_file():
        raise FFmpegFailed(f"no poster frame could be cut at {at:.3f} s")
    return Poster(POSTER, at, result.argv)
