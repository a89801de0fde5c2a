"""Retiming: shift by an offset and convert between film, PAL and NTSC frame rates."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from fractions import Fraction

from transcoder.subtitles.errors import TimingError
from transcoder.subtitles.model import MAX_TIME_MS, Cue, Track


class FrameRate(enum.Enum):
    """The rates our masters come in; NTSC rates are exact fractions, not 23.976 or 29.97."""

    FILM_NTSC = Fraction(24000, 1001)
    FILM = Fraction(24)
    PAL = Fraction(25)
    NTSC = Fraction(30000, 1001)


@dataclass(frozen=True, slots=True)
class ShiftResult:
    """The shifted track; `dropped` and `clamped` are indices in the input track."""

    track: Track
    dropped: tuple[int, ...]
    clamped: tuple[int, ...]


def _check_range(ms: int) -> None:
    if ms > MAX_TIME_MS:
        raise TimingError(f"time {ms} ms would pass the largest time we hold, {MAX_TIME_MS} ms")


def shift(track: Track, offset_ms: int) -> ShiftResult:
    """Move every cue by `offset_ms` (negative: earlier).

    A cue that would end at or before 0 is dropped; one that would start before 0 and end
    after it starts at 0. Both are reported so a caller can tell an editor.
    """
    cues: list[Cue] = []
    dropped: list[int] = []
    clamped: list[int] = []
    for index, cue in enumerate(track.cues):
        start, end = cue.start_ms + offset_ms, cue.end_ms + offset_ms
        _check_range(max(start, end))
        if end <= 0:
            dropped.append(index)
            continue
        if start < 0:
            clamped.append(index)
            start = 0
        cues.append(Cue(start, end, cue.lines, cue.placement))
    return ShiftResult(track.with_cues(tuple(cues)), tuple(dropped), tuple(clamped))


def _scaled(ms: int, ratio: Fraction) -> int:
    # Round half up (times are never negative), so equal inputs give equal outputs everywhere.
    value = ms * ratio
    return (value.numerator * 2 + value.denominator) // (2 * value.denominator)


def convert_frame_rate(
    track: Track, from_rate: FrameRate | Fraction, to_rate: FrameRate | Fraction
) -> Track:
    """Retime subtitles timed to a video at `from_rate` for the same frames played at `to_rate`.

    Times scale by from/to: 24 -> 25 (PAL speed-up) shortens every time by 4 %.
    """
    source = from_rate.value if isinstance(from_rate, FrameRate) else Fraction(from_rate)
    target = to_rate.value if isinstance(to_rate, FrameRate) else Fraction(to_rate)
    if source <= 0 or target <= 0:
        raise TimingError(f"frame rates must be above zero, got {source} and {target}")
    ratio = source / target
    cues = []
    for cue in track.cues:
        start, end = _scaled(cue.start_ms, ratio), _scaled(cue.end_ms, ratio)
        _check_range(max(start, end))
        cues.append(Cue(start, end, cue.lines, cue.placement))
    return track.with_cues(tuple(cues))
