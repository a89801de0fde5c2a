"""Benchmark: read, QC and convert a feature's subtitles (~1,500 cues over 2 hours).

Run: uv run python bench/subtitles_bench.py
The baseline, measured in the same run on the same bytes, only decodes them and splits the
lines: the floor any reader pays. The ratio says how much our parsing and checks add.
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable

from transcoder.subtitles import qc, read_subtitles, segment_track, to_webvtt
from transcoder.subtitles.hls import uniform_segment_durations
from transcoder.subtitles.timecode import format_timestamp

FEATURE_MS = 2 * 3600 * 1000
CUES = 1500
ROUNDS = 15
WORDS = [
    "привет",
    "мир",
    "кино",
    "фестиваль",
    "<i>сегодня</i>",
    "завтра",
    "зритель",
    "экран",
    "перевод",
    "титры",
]


def feature_srt(seed: int = 7) -> bytes:
    """A cp1251 Russian SRT with CRLF line ends, as partners send them."""
    rng = random.Random(seed)
    blocks = []
    step = FEATURE_MS // CUES
    for number in range(1, CUES + 1):
        start = (number - 1) * step + rng.randint(0, 400)
        end = start + rng.randint(1200, 4200)
        lines = [
            " ".join(rng.choices(WORDS, k=rng.randint(3, 6))) for _ in range(rng.randint(1, 2))
        ]
        timing = f"{format_timestamp(start, ',')} --> {format_timestamp(end, ',')}"
        blocks.append("\r\n".join([str(number), timing, *lines]))
    return ("\r\n\r\n".join(blocks) + "\r\n").encode("cp1251")


def best_of(action: Callable[[], object]) -> tuple[float, float]:
    times = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return min(times), statistics.median(times)


def main() -> None:
    data = feature_srt()

    def baseline() -> object:
        return data.decode("cp1251").splitlines()

    def pipeline() -> object:
        track = read_subtitles(data, language="ru")
        report = qc(track, video_duration_ms=FEATURE_MS)
        return to_webvtt(track), report

    def hls() -> object:
        track = read_subtitles(data, language="ru")
        return segment_track(track, uniform_segment_durations(FEATURE_MS, 6000))

    track = read_subtitles(data, language="ru")
    report = qc(track, video_duration_ms=FEATURE_MS)
    base_min, base_med = best_of(baseline)
    run_min, run_med = best_of(pipeline)
    hls_min, hls_med = best_of(hls)
    print(f"input: {len(data):,} bytes, {len(track.cues)} cues, encoding {track.encoding}")
    print(f"QC findings: {len(report.errors)} errors, {len(report.warnings)} warnings")
    print(
        f"baseline (decode + split lines): min {base_min * 1000:.2f} ms, median {base_med * 1000:.2f} ms"
    )
    print(
        f"read + QC + WebVTT:              min {run_min * 1000:.1f} ms, median {run_med * 1000:.1f} ms"
    )
    print(
        f"read + HLS segments (6 s):       min {hls_min * 1000:.1f} ms, median {hls_med * 1000:.1f} ms"
    )
    print(f"ratio read+QC+WebVTT / baseline: {run_min / base_min:.0f}x (min times)")


if __name__ == "__main__":
    main()
