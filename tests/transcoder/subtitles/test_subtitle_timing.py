"""Shifting and frame-rate conversion."""

from fractions import Fraction

import pytest

from transcoder.subtitles import (
    Cue,
    FrameRate,
    SubtitleFormat,
    TimingError,
    Track,
    convert_frame_rate,
    shift,
)

TRACK = Track(
    cues=(Cue(500, 1500, ("a",)), Cue(1800, 2600, ("b",)), Cue(60_000, 62_000, ("c",))),
    source_format=SubtitleFormat.SRT,
)


def times(track: Track) -> list[tuple[int, int]]:
    return [(c.start_ms, c.end_ms) for c in track.cues]


def test_shift_later() -> None:
    result = shift(TRACK, 1250)
    assert times(result.track) == [(1750, 2750), (3050, 3850), (61_250, 63_250)]
    assert result.dropped == () and result.clamped == ()


def test_shift_earlier_drops_and_clamps_cues_before_zero() -> None:
    result = shift(TRACK, -2000)
    assert times(result.track) == [(0, 600), (58_000, 60_000)]
    assert result.dropped == (0,)
    assert result.clamped == (1,)
    assert [c.lines for c in result.track.cues] == [("b",), ("c",)]


def test_shift_past_the_largest_time_is_refused() -> None:
    with pytest.raises(TimingError):
        shift(TRACK, 100 * 3_600_000)


def test_pal_speedup_24_to_25_shortens_times_by_4_percent() -> None:
    converted = convert_frame_rate(TRACK, FrameRate.FILM, FrameRate.PAL)
    assert times(converted) == [(480, 1440), (1728, 2496), (57_600, 59_520)]


def test_ntsc_film_to_pal_uses_exact_rates() -> None:
    converted = convert_frame_rate(TRACK, FrameRate.FILM_NTSC, FrameRate.PAL)
    # 60 s * (24000/1001) / 25 = 57.542457... s
    assert converted.cues[2].start_ms == 57_542


def test_29_97_to_23_976_and_back_returns_the_same_times() -> None:
    there = convert_frame_rate(TRACK, FrameRate.NTSC, FrameRate.FILM_NTSC)
    back = convert_frame_rate(there, FrameRate.FILM_NTSC, FrameRate.NTSC)
    assert times(back) == times(TRACK)
    assert times(there)[2] == (75_000, 77_500)


def test_frame_rates_must_be_positive() -> None:
    with pytest.raises(TimingError):
        convert_frame_rate(TRACK, Fraction(0), FrameRate.PAL)
