"""Per-title encoding: each rung's bitrate chosen for its quality target from measured VMAF.

The same sampled windows as the quality measurement are encoded quickly at three constant-quality
settings (x264 CRF) at every rung's size, and scored with VMAF against the master. Per rung, the
(bitrate, VMAF) points give a piecewise log-linear curve (interpolated between the two points
that bracket the target, extrapolated from the nearest pair otherwise); the bitrate that reaches
the rung's `target_vmaf` is chosen, with a margin for capped-bitrate encoding being less efficient
than CRF, and never above the ladder's own bitrate (a grainy documentary keeps the fixed ladder; a
cartoon-like promo gets far fewer bits). `choose_kbps` is pure; `probe_points` encodes and scores.
"""

from __future__ import annotations

import itertools
import math
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, replace
from fractions import Fraction
from pathlib import Path

from transcoder.binaries import quality_ffmpeg_path
from transcoder.config import TranscoderConfig
from transcoder.ladder import (
    RenditionPlan,
    VmafSample,
    build_probe_graph,
    build_vmaf_graph,
    rung_dir,
)
from transcoder.profiles import Ladder
from transcoder.quality import QualitySample, frame_scores, sample_windows
from transcoder.run import CancelCheck, run_ffmpeg

PROBE_CRFS = (18, 25, 32)
"""From near-transparent to a 360p rung's quality: the default targets fall between two points
(extrapolating past the CRF 23 point overestimated what a rung reaches, VMAF saturating)."""
ABR_MARGIN = 1.35
"""The ladder's capped-bitrate encode (x264 veryfast, peak 1.1x, buffer 2x) reached the VMAF a
CRF probe reached with 1.27-1.44x fewer bits (bench/ladder_bench.py masters, 480p-720p)."""
FLOOR_SHARE = 0.1
"""Never below a tenth of the rung's fixed bitrate (a black slate would otherwise get ~0)."""


@dataclass(frozen=True)
class ProbePoint:
    kbps: float
    vmaf: float


def choose_kbps(points: Sequence[ProbePoint], target: float, cap: int) -> int:
    """The bitrate at which the piecewise log-linear VMAF curve through ``points`` reaches
    ``target``, with the ABR margin, between a tenth of ``cap`` and ``cap``."""
    ordered = sorted(points, key=lambda p: p.kbps)
    pairs = list(itertools.pairwise(ordered))
    # the pair bracketing the target, else the nearest end's pair
    low, high = next(
        ((a, b) for a, b in pairs if min(a.vmaf, b.vmaf) <= target <= max(a.vmaf, b.vmaf)),
        pairs[-1] if target > ordered[-1].vmaf else pairs[0],
    )
    if high.vmaf <= low.vmaf or high.kbps <= low.kbps:
        wanted = high.kbps if target > low.vmaf else low.kbps  # flat curve: quality is cheap
    else:
        slope = (math.log(high.kbps) - math.log(low.kbps)) / (high.vmaf - low.vmaf)
        wanted = math.exp(math.log(low.kbps) + (target - low.vmaf) * slope)
    return max(math.ceil(cap * FLOOR_SHARE), min(cap, math.ceil(wanted * ABR_MARGIN)))


def probe_points(
    cfg: TranscoderConfig,
    master: Path,
    plan: RenditionPlan,
    ladder: Ladder,
    duration: float,
    *,
    sample: QualitySample = QualitySample(),
    cancel: CancelCheck | None = None,
) -> dict[str, list[ProbePoint]]:
    """Per rung folder, one (bitrate, VMAF) point per probe CRF, over the sampled windows."""
    seg = Fraction(plan.segment_seconds)
    segments = max(1, math.ceil(Fraction(duration) / seg))
    windows = sample_windows(segments, sample)
    measuring = replace(cfg, ffmpeg_path=quality_ffmpeg_path(cfg))
    top = plan.rungs[0]
    points: dict[str, list[ProbePoint]] = {rung_dir(p): [] for p in plan.rungs}
    scratch = Path(tempfile.mkdtemp(prefix="pertitle-", dir=cfg.temp_dir))
    try:
        for crf in PROBE_CRFS:
            bits = dict.fromkeys(points, 0)
            scores: dict[str, list[float]] = {folder: [] for folder in points}
            seconds = Fraction(0)
            for n, window in enumerate(windows):
                start = window.start * seg
                length = min(len(window) * seg, Fraction(duration) - start)
                out = scratch / f"{crf}-{n}"
                graph = build_probe_graph(
                    master, plan, ladder, out, crf=crf, start=start, seconds=length
                )
                run_ffmpeg(cfg, graph, inputs=[master], cancel=cancel)
                samples = [VmafSample(out / f"{f}.mp4", out / f"{f}.json") for f in points]
                graph = build_vmaf_graph(
                    master, plan, samples, start=start, seconds=length,
                    reference=(top.width, top.height), every_nth_frame=sample.every_nth_frame,
                    threads=sample.threads,
                )  # fmt: skip
                own = [str(s.path) for s in samples]
                run_ffmpeg(measuring, graph, inputs=[master], own_inputs=own, cancel=cancel)
                for folder, s in zip(points, samples, strict=True):
                    bits[folder] += s.path.stat().st_size * 8
                    scores[folder] += frame_scores(s.log)
                seconds += length
            for folder in points:
                kbps = bits[folder] / float(seconds) / 1000
                points[folder].append(ProbePoint(kbps, sum(scores[folder]) / len(scores[folder])))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return points


def per_title_plan(plan: RenditionPlan, points: dict[str, list[ProbePoint]]) -> RenditionPlan:
    """The plan with each encoded rung's bitrate, peak and buffer scaled to its chosen bitrate
    (a packaged top rung is the master: left as it is)."""
    rungs = []
    for n, planned in enumerate(plan.rungs):
        rung = planned.rung
        if (n == 0 and plan.package_top) or rung.target_vmaf is None:
            rungs.append(planned)
            continue
        kbps = choose_kbps(points[rung_dir(planned)], rung.target_vmaf, rung.video_kbps)
        share = Fraction(kbps, rung.video_kbps)
        scaled = replace(
            rung,
            video_kbps=kbps,
            maxrate_kbps=max(kbps, math.ceil(rung.maxrate_kbps * share)),
            bufsize_kbps=max(kbps, math.ceil(rung.bufsize_kbps * share)),
        )
        rungs.append(replace(planned, rung=scaled))
    return replace(plan, rungs=tuple(rungs))
