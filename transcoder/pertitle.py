"""Per-title encoding: each rung's quality chosen for its target from measured VMAF.

The same sampled windows as the quality measurement are encoded quickly at three constant-quality
settings (x264 CRF, uncapped) at every rung's size and scored with VMAF against the master, as
`measure_vmaf` scores the ladder (each window's first second). Per rung, the (CRF, VMAF) points
give a piecewise linear curve, and the CRF that reaches the rung's `target_vmaf` is chosen. The
rung is then encoded at that CRF under its own peak and buffer (capped CRF): a cartoon-like promo
spends only the bits its picture needs, and never more than the fixed rung's peak.

The chosen settings are checked before the real encode: the windows are encoded once more as the
ladder will be (capped CRF) and scored, and the CRF is read again off the curve with that point
on it (a target beyond the probes was extrapolated: the check measures it). A rung that still
spends nearly its fixed bitrate (a grainy documentary, where the cap decides) keeps the fixed
rung, so per-title never costs more bytes than the fixed ladder. `choose_crf` and `checked_crf` are pure; `tuned_plan` encodes and scores.
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
from statistics import mean

from transcoder.binaries import quality_ffmpeg_path
from transcoder.config import TranscoderConfig
from transcoder.ladder import (
    PlannedRung,
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
CRF_RANGE = (10.0, 40.0)
"""Never chosen past the probes by more than 8: further out the curve is a guess."""
KEEP_FIXED_SHARE = 0.9
"""A checked rung spending at least this share of its fixed bitrate keeps the fixed rung: the
cap, not the CRF, decides its bits, and the fixed average bitrate spends them more evenly."""


@dataclass(frozen=True)
class ProbePoint:
    crf: float | None
    """None: the check, encoded as the real ladder will be."""
    kbps: float
    vmaf: float


def choose_crf(points: Sequence[ProbePoint], target: float) -> float:
    """The CRF at which the piecewise linear (CRF, VMAF) curve through ``points`` reaches
    ``target`` (between the two probes that bracket it, else from the nearest end's pair),
    rounded down to a tenth (towards quality) and within `CRF_RANGE`."""
    ordered = sorted(points, key=lambda p: p.crf or 0.0)
    pairs = list(itertools.pairwise(ordered))
    best = ordered[0]
    low, high = next(
        ((a, b) for a, b in pairs if min(a.vmaf, b.vmaf) <= target <= max(a.vmaf, b.vmaf)),
        pairs[0] if target > best.vmaf else pairs[-1],
    )
    low_crf, high_crf = low.crf or 0.0, high.crf or 0.0
    if low.vmaf <= high.vmaf:  # flat (or noisy) curve: quality is cheap here
        crf = high_crf if target <= high.vmaf else low_crf
    else:
        crf = low_crf + (low.vmaf - target) * (high_crf - low_crf) / (low.vmaf - high.vmaf)
    return min(CRF_RANGE[1], max(CRF_RANGE[0], math.floor(round(crf * 10, 6)) / 10))


def checked_crf(
    points: Sequence[ProbePoint], check: ProbePoint, chosen: float, target: float, fixed_kbps: int
) -> float | None:
    """The CRF after the check of the ``chosen`` one: None (the fixed rung) when the check spent
    nearly the fixed bitrate, else the CRF read again off the curve with the check's own point
    on it (far from the probes the curve was a guess; the check measured it)."""
    if check.kbps >= KEEP_FIXED_SHARE * fixed_kbps:
        return None
    return choose_crf([*points, replace(check, crf=chosen)], target)


def tuned_plan(
    cfg: TranscoderConfig,
    master: Path,
    plan: RenditionPlan,
    ladder: Ladder,
    duration: float,
    *,
    sample: QualitySample = QualitySample(),
    cancel: CancelCheck | None = None,
) -> RenditionPlan:
    """The plan with each encoded rung's CRF chosen for its target from the probes, checked by
    one encode of the sampled windows as the ladder will run, and corrected."""
    windows = _Windows(cfg, master, ladder, duration, sample, cancel)
    points: dict[str, list[ProbePoint]] = {rung_dir(p): [] for p in plan.rungs}
    for crf in PROBE_CRFS:
        for folder, point in windows.score(plan, crf).items():
            points[folder].append(point)
    chosen = with_crfs(plan, {f: choose_crf(p, _target(plan, f)) for f, p in points.items()})
    checks = windows.score(chosen, None)
    return with_crfs(plan, {
        rung_dir(p): checked_crf(
            points[rung_dir(p)], checks[rung_dir(p)], p.crf, _target(plan, rung_dir(p)),
            p.rung.video_kbps,
        )
        for p in chosen.rungs
        if p.crf is not None
    })  # fmt: skip


def _target(plan: RenditionPlan, folder: str) -> float:
    rung = next(p.rung for p in plan.rungs if rung_dir(p) == folder)
    return rung.target_vmaf or 100.0


@dataclass(frozen=True)
class _Windows:
    """The sampled windows of one master, encoded at every rung's size and scored."""

    cfg: TranscoderConfig
    master: Path
    ladder: Ladder
    duration: float
    sample: QualitySample
    cancel: CancelCheck | None

    def score(self, plan: RenditionPlan, crf: float | None) -> dict[str, ProbePoint]:
        """Per rung folder, the bitrate and VMAF of ``plan``'s rungs encoded at ``crf`` (None:
        at their own settings, as the real encode will run), over the sampled windows."""
        cfg, master = self.cfg, self.master
        seg = Fraction(plan.segment_seconds)
        segments = max(1, math.ceil(Fraction(self.duration) / seg))
        measuring = replace(cfg, ffmpeg_path=quality_ffmpeg_path(cfg))
        top = plan.rungs[0]
        folders = [rung_dir(p) for p in plan.rungs]
        bits = dict.fromkeys(folders, 0)
        scores: dict[str, list[float]] = {folder: [] for folder in folders}
        seconds = Fraction(0)
        scratch = Path(tempfile.mkdtemp(prefix="pertitle-", dir=cfg.temp_dir))
        try:
            for n, window in enumerate(sample_windows(segments, self.sample)):
                start = window.start * seg
                length = min(len(window) * seg, Fraction(self.duration) - start)
                out = scratch / str(n)
                graph = build_probe_graph(
                    master,
                    plan,
                    self.ladder,
                    out,
                    crf=None if crf is None else round(crf),
                    start=start,
                    seconds=length,
                )
                run_ffmpeg(cfg, graph, inputs=[master], cancel=self.cancel)
                samples = [VmafSample(out / f"{f}.mp4", out / f"{f}.json") for f in folders]
                # scored as `measure_vmaf` scores the ladder: each window's first seconds
                scored = min(length, Fraction(self.sample.seconds))
                graph = build_vmaf_graph(
                    master, plan, samples, start=start, seconds=scored,
                    reference=(top.width, top.height),
                    every_nth_frame=self.sample.every_nth_frame, threads=self.sample.threads,
                )  # fmt: skip
                own = [str(s.path) for s in samples]
                run_ffmpeg(measuring, graph, inputs=[master], own_inputs=own, cancel=self.cancel)
                for folder, s in zip(folders, samples, strict=True):
                    bits[folder] += s.path.stat().st_size * 8
                    scores[folder] += frame_scores(s.log)
                seconds += length
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        return {
            folder: ProbePoint(crf, bits[folder] / float(seconds) / 1000, mean(scores[folder]))
            for folder in folders
        }


def with_crfs(plan: RenditionPlan, crfs: dict[str, float | None]) -> RenditionPlan:
    """The plan with each encoded rung at its CRF in ``crfs`` (None: its fixed bitrate); a
    packaged top rung is the master and a rung without a target keeps its bitrate."""
    rungs: list[PlannedRung] = []
    for n, planned in enumerate(plan.rungs):
        keep = (n == 0 and plan.package_top) or planned.rung.target_vmaf is None
        rungs.append(planned if keep else replace(planned, crf=crfs.get(rung_dir(planned))))
    return replace(plan, rungs=tuple(rungs))
