"""VMAF of every rung against the master, on a sample of the title so the cost stays small.

A few windows, spread over the title, are scored: for each window the rungs' segment there is
joined to its init segment (a playable fragmented MP4) and one process decodes the master's
window once and scores the first second or so of every rung against it (`build_vmaf_graph`).
Per-frame scores of all windows give each rung's mean and 5th percentile (the bad moments a
mean hides).

Debian's FFmpeg has no libvmaf, so scoring runs on the measuring FFmpeg
(`quality_ffmpeg_path`): the same hardened runner and rules, and only on our own renditions and
the master already accepted by the probe.
"""

from __future__ import annotations

import json
import math
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, replace
from fractions import Fraction
from pathlib import Path

import m3u8

from transcoder.binaries import quality_ffmpeg_path
from transcoder.config import TranscoderConfig
from transcoder.errors import FFmpegFailed
from transcoder.ladder import (
    INIT_SEGMENT,
    MEDIA_PLAYLIST,
    RenditionPlan,
    VmafSample,
    build_vmaf_graph,
)
from transcoder.run import CancelCheck, run_ffmpeg


@dataclass(frozen=True)
class QualitySample:
    windows: int = 3
    """How many windows of the title are scored (spread evenly, first and last included)."""
    segments_per_window: int = 1
    seconds: float = 1.0
    """Scored from each window's start: a few seconds of a title keep scoring under a tenth of
    the ladder's time (libvmaf at the top rung's size costs about what an encode does)."""
    every_nth_frame: int = 8
    """libvmaf scores every Nth frame of a window (it still reads the others for motion): 4 of a
    second at 25 fps. Each scored frame costs about what decoding and scaling the window does
    (every 5th frame: 10 % of the ladder's CPU, every frame: 23 %, on a 24 s master)."""
    threads: int = 1
    """libvmaf threads: on a 1 s window one thread gives the same scores as two for about 14 %
    less CPU (bench/ladder_bench.py, 24 s master); the transcode already fills the cores."""


@dataclass(frozen=True)
class RungQuality:
    folder: str
    vmaf_mean: float
    vmaf_p5: float
    frames: int


def sample_windows(segments: int, sample: QualitySample) -> list[range]:
    """Segment numbers of each window: evenly spread from the first segment to the last, never
    overlapping; a title of fewer segments than windows has one window per segment."""
    size = min(max(1, sample.segments_per_window), segments)
    count = max(1, min(sample.windows, segments // size))
    last = segments - size
    starts = sorted({round(i * last / max(1, count - 1)) for i in range(count)})
    return [range(s, s + size) for s in starts]


def full_segments(lengths: Sequence[float], segment_seconds: int) -> int:
    """How many segments windows may start on: a last one shorter than half a segment (a
    title's last few frames) is left out, unless it is the only one."""
    if len(lengths) > 1 and lengths[-1] < segment_seconds / 2:
        return len(lengths) - 1
    return len(lengths)


def percentile(values: Sequence[float], share: float) -> float:
    """Linear-interpolated percentile (``share`` in 0..1) of non-empty ``values``."""
    ordered = sorted(values)
    at = share * (len(ordered) - 1)
    low, high = math.floor(at), math.ceil(at)
    return ordered[low] + (ordered[high] - ordered[low]) * (at - low)


def measure_vmaf(
    cfg: TranscoderConfig,
    master: Path,
    work: Path,
    plan: RenditionPlan,
    folders: Sequence[str],
    *,
    sample: QualitySample = QualitySample(),
    cancel: CancelCheck | None = None,
) -> tuple[RungQuality, ...]:
    """Score the H.264 rungs in ``folders`` (relative to ``work``) at the top rung's size."""
    top = plan.rungs[0]
    playlists = [m3u8.load(str(work / folder / MEDIA_PLAYLIST)).segments for folder in folders]
    segments = [[s.uri for s in listed] for listed in playlists]
    lengths = [float(s.duration) for s in playlists[0]]
    count = full_segments(lengths, plan.segment_seconds)
    scores: dict[str, list[float]] = {folder: [] for folder in folders}
    measuring = replace(cfg, ffmpeg_path=quality_ffmpeg_path(cfg))
    scratch = Path(tempfile.mkdtemp(prefix="vmaf-", dir=cfg.temp_dir))
    try:
        for n, window in enumerate(sample_windows(count, sample)):
            samples = []
            for folder, names in zip(folders, segments, strict=True):
                joined = scratch / f"{n}-{folder}.mp4"
                with joined.open("wb") as out:
                    for part in (INIT_SEGMENT, *(names[i] for i in window)):
                        with (work / folder / part).open("rb") as f:
                            shutil.copyfileobj(f, out)
                samples.append(VmafSample(joined, scratch / f"{n}-{folder}.json"))
            seg = Fraction(plan.segment_seconds)
            seconds = Fraction(min(sum(lengths[i] for i in window), sample.seconds))
            graph = build_vmaf_graph(
                master, plan, samples, start=window.start * seg, seconds=seconds,
                reference=(top.width, top.height), every_nth_frame=sample.every_nth_frame,
                threads=sample.threads,
            )  # fmt: skip
            own = [str(s.path) for s in samples]
            run_ffmpeg(measuring, graph, inputs=[master], own_inputs=own, cancel=cancel)
            for folder, s in zip(folders, samples, strict=True):
                scores[folder] += frame_scores(s.log)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return tuple(
        RungQuality(
            folder=folder,
            vmaf_mean=round(sum(values) / len(values), 2),
            vmaf_p5=round(percentile(values, 0.05), 2),
            frames=len(values),
        )
        for folder, values in scores.items()
    )


def frame_scores(log: Path) -> list[float]:
    try:
        frames = json.loads(log.read_text(encoding="utf-8"))["frames"]
        values = [float(f["metrics"]["vmaf"]) for f in frames]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise FFmpegFailed(f"libvmaf wrote no usable scores ({exc})") from None
    if not values:
        raise FFmpegFailed("libvmaf scored no frames")
    return values
