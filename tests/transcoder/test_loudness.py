"""EBU R128 measurement and the two-pass loudnorm plan."""

from __future__ import annotations

from pathlib import Path

import pytest
from _renditions_fixtures import CFG

from tests.support.media import make_clip
from transcoder.errors import FFmpegFailed
from transcoder.loudness import (
    first_pass,
    measure_output,
    parse_ebur128_summary,
    parse_loudnorm_json,
    second_pass,
)
from transcoder.profiles import BROADCAST_LOUDNESS, ONLINE_LOUDNESS

SUMMARY = """[Parsed_ebur128_0 @ 0x1] Summary:

  Integrated loudness:
    I:         {i} LUFS
    Threshold: -70.0 LUFS

  Loudness range:
    LRA:         {lra} LU
    Threshold:   0.0 LUFS

  True peak:
    Peak:       {tp} dBFS
"""


def test_the_last_ebur128_summary_wins_over_the_bogus_first_one() -> None:
    log = SUMMARY.format(i=-70.0, lra=0.0, tp="-inf") + "frame=..\n"
    log += SUMMARY.format(i=-23.1, lra=4.5, tp=-2.5)
    measured = parse_ebur128_summary(log)
    assert (measured.integrated, measured.lra, measured.true_peak) == (-23.1, 4.5, -2.5)


def test_a_log_without_summary_is_a_named_error() -> None:
    with pytest.raises(FFmpegFailed, match="no summary"):
        parse_ebur128_summary("Press [q] to stop\n")


def test_loudnorm_json_is_read_from_the_end_of_the_log() -> None:
    log = 'Input #0 {metadata}\n[Parsed_loudnorm_0 @ 0x2] \n{\n\t"input_i" : "-30.10",\n'
    log += '\t"input_tp" : "-12.00",\n\t"input_lra" : "3.10",\n\t"input_thresh" : "-40.6",\n'
    log += '\t"target_offset" : "0.2"\n}\n'
    measured = parse_loudnorm_json(log)
    plan = second_pass(measured, ONLINE_LOUDNESS)
    assert plan is not None
    assert (plan.measured_i, plan.integrated, plan.offset) == (-30.1, -16.0, 0.2)


def test_a_silent_track_is_not_normalised() -> None:
    silent = {"input_i": "-inf", "input_tp": "-inf", "input_lra": "0.00",
              "input_thresh": "-inf", "target_offset": "inf"}  # fmt: skip
    assert second_pass(silent, BROADCAST_LOUDNESS) is None


def test_first_pass_measures_each_track_of_a_real_file(tmp_path: Path) -> None:
    clip = make_clip(tmp_path / "two.mp4", languages=("eng", "fra"), volumes_db=(0.0, -12.0))
    loud = first_pass(CFG, clip, 0, BROADCAST_LOUDNESS)
    quiet = first_pass(CFG, clip, 1, BROADCAST_LOUDNESS)
    assert loud.loudness.integrated - quiet.loudness.integrated == pytest.approx(12.0, abs=0.5)
    assert quiet.normalise is not None
    assert quiet.normalise.measured_i == quiet.loudness.integrated
    # Our own output, measured with ebur128, agrees with the loudnorm measurement of the source.
    assert measure_output(CFG, clip, position=0).integrated == pytest.approx(
        loud.loudness.integrated, abs=0.5
    )
