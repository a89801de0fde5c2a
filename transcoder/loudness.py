"""EBU R128 loudness: measurement and the two-pass ``loudnorm`` settings.

The first ``loudnorm`` pass both measures the source (integrated, LRA, true peak) and gives the
values the second pass needs to normalise linearly; the second pass runs inside the rendition graph.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from pathlib import Path

from transcoder.config import TranscoderConfig
from transcoder.errors import FFmpegFailed
from transcoder.ladder import LoudnormPass
from transcoder.profiles import LoudnessTarget
from transcoder.run import CancelCheck, run_ffmpeg

# Below this an EBU R128 meter reports silence (absolute gating threshold); nothing to normalise.
SILENCE_LUFS = -70.0


@dataclass(frozen=True)
class Loudness:
    integrated: float
    """LUFS; -inf for silence."""
    lra: float
    """LU."""
    true_peak: float
    """dBTP."""


def loudnorm_first_pass_args(source: Path, position: int, target: LoudnessTarget) -> list[str]:
    graph = (
        f"loudnorm=I={target.integrated}:TP={target.true_peak}:LRA={target.lra}:print_format=json"
    )
    return [
        "-i", str(source), "-map", f"0:a:{position}", "-vn", "-sn", "-dn",
        "-af", graph, "-f", "null", "-",
    ]  # fmt: skip


def parse_loudnorm_json(log: str) -> dict[str, str]:
    """The last JSON block ``loudnorm`` printed to the log."""
    end = log.rfind("}")
    start = log.rfind("{", 0, end)
    if start < 0 or end < 0:
        raise FFmpegFailed("loudnorm printed no measurement", stderr_tail=log[-2000:])
    try:
        data = json.loads(log[start : end + 1])
    except ValueError:
        raise FFmpegFailed("loudnorm measurement is not JSON", stderr_tail=log[-2000:]) from None
    if not isinstance(data, dict) or "input_i" not in data:
        raise FFmpegFailed("loudnorm measurement lacks input_i", stderr_tail=log[-2000:])
    return {str(k): str(v) for k, v in data.items()}


def second_pass(measured: dict[str, str], target: LoudnessTarget) -> LoudnormPass | None:
    """Settings to normalise to ``target``; None when the track is silent (nothing to scale)."""
    integrated = float(measured["input_i"])
    if not math.isfinite(integrated) or integrated <= SILENCE_LUFS:
        return None
    return LoudnormPass(
        integrated=target.integrated,
        true_peak=target.true_peak,
        lra=target.lra,
        measured_i=integrated,
        measured_tp=float(measured["input_tp"]),
        measured_lra=float(measured["input_lra"]),
        measured_thresh=float(measured["input_thresh"]),
        offset=float(measured["target_offset"]),
    )


@dataclass(frozen=True)
class FirstPass:
    loudness: Loudness
    normalise: LoudnormPass | None
    """None for a silent track."""
    argv: tuple[str, ...]


def first_pass(
    cfg: TranscoderConfig,
    source: Path,
    position: int,
    target: LoudnessTarget,
    *,
    cancel: CancelCheck | None = None,
) -> FirstPass:
    """Measure audio track ``position`` of a user-media source, and plan its normalisation."""
    result = run_ffmpeg(
        cfg, loudnorm_first_pass_args(source, position, target), inputs=[source], cancel=cancel
    )
    measured = parse_loudnorm_json(result.stderr_tail)
    loudness = Loudness(
        integrated=float(measured["input_i"]),
        lra=float(measured["input_lra"]),
        true_peak=float(measured["input_tp"]),
    )
    return FirstPass(loudness, second_pass(measured, target), result.argv)


_SUMMARY_VALUE = {
    "integrated": re.compile(r"^\s*I:\s+(\S+) LUFS", re.M),
    "lra": re.compile(r"^\s*LRA:\s+(\S+) LU", re.M),
    "true_peak": re.compile(r"^\s*Peak:\s+(\S+) dBFS", re.M),
}


def parse_ebur128_summary(log: str) -> Loudness:
    """Values of the LAST ``Summary:`` in the log: inside a larger graph ebur128 first prints a
    bogus one (-70 LUFS)."""
    at = log.rfind("Summary:")
    if at < 0:
        raise FFmpegFailed("ebur128 printed no summary", stderr_tail=log[-2000:])
    summary = log[at:]
    values: dict[str, float] = {}
    for name, pattern in _SUMMARY_VALUE.items():
        found = pattern.search(summary)
        if found is None:
            raise FFmpegFailed(f"ebur128 summary lacks {name}", stderr_tail=summary)
        values[name] = float(found.group(1))
    return Loudness(**values)


def measure_output(
    cfg: TranscoderConfig, path: Path, *, position: int = 0, cancel: CancelCheck | None = None
) -> Loudness:
    """EBU R128 measurement of one of OUR outputs (not user media: no input hardening needed)."""
    args = [
        "-i", str(path), "-map", f"0:a:{position}", "-vn",
        "-af", "ebur128=peak=true:framelog=verbose", "-f", "null", "-",
    ]  # fmt: skip
    result = run_ffmpeg(cfg, args, inputs=[], own_inputs=[str(path)], cancel=cancel)
    return parse_ebur128_summary(result.stderr_tail)
