"""Quality control of a subtitle track against broadcast-style timing and layout rules.

Defaults follow common broadcast and streaming style guides: 17 characters per second and
42 characters per line for adult audiences in alphabetic scripts, 9 per second and 16
full-width characters per line for Chinese, Japanese and Korean, two lines, 5/6 s to 7 s
on screen, two frames (at 25 fps) between cues.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from transcoder.subtitles.markup import plain_text
from transcoder.subtitles.model import Cue, Track


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"


class FindingCode(enum.Enum):
    OVERLAP = "overlap"
    PAST_VIDEO_END = "past_video_end"
    NON_POSITIVE_DURATION = "non_positive_duration"
    READING_SPEED = "reading_speed"
    LINE_TOO_LONG = "line_too_long"
    TOO_MANY_LINES = "too_many_lines"
    SHORT_GAP = "short_gap"
    EMPTY_CUE = "empty_cue"
    TOO_SHORT = "too_short"
    TOO_LONG = "too_long"
    # From reading the file: a block the WebVTT parser dropped, a blank line kept in SRT text.
    DROPPED_BLOCK = "dropped_block"
    BLANK_LINE_IN_TEXT = "blank_line_in_text"


# What a player would show wrongly, or not at all, blocks publishing; style is advice.
DEFAULT_ERRORS = frozenset(
    {FindingCode.OVERLAP, FindingCode.PAST_VIDEO_END, FindingCode.NON_POSITIVE_DURATION}
)


@dataclass(frozen=True, slots=True)
class QCThresholds:
    max_cps: float = 17.0
    max_cps_cjk: float = 9.0
    max_line_chars: int = 42
    max_line_chars_cjk: int = 16
    max_lines: int = 2
    min_gap_ms: int = 80
    min_duration_ms: int = 833
    max_duration_ms: int = 7000
    errors: frozenset[FindingCode] = DEFAULT_ERRORS


@dataclass(frozen=True, slots=True)
class Finding:
    code: FindingCode
    severity: Severity
    cue_index: int
    message: str
    line: int | None = None  # the file's line, for findings made while reading it


@dataclass(frozen=True, slots=True)
class QCReport:
    findings: tuple[Finding, ...]

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity is Severity.ERROR)

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity is Severity.WARNING)

    @property
    def publishable(self) -> bool:
        return not self.errors


def _is_wide(char: str) -> bool:
    # CJK ideographs, kana, Hangul and full-width forms: each takes about two Latin widths.
    code = ord(char)
    return (
        0x1100 <= code <= 0x11FF
        or 0x2E80 <= code <= 0xA4CF
        or 0xAC00 <= code <= 0xD7AF
        or 0xF900 <= code <= 0xFAFF
        or 0xFF00 <= code <= 0xFF60
        or code >= 0x20000
    )


def _is_cjk_text(text: str) -> bool:
    visible = [c for c in text if not c.isspace()]
    return bool(visible) and sum(map(_is_wide, visible)) * 2 >= len(visible)


def _cue_findings(cue: Cue, limits: QCThresholds) -> list[tuple[FindingCode, str]]:
    found: list[tuple[FindingCode, str]] = []
    lines = [plain_text(line) for line in cue.lines]
    text = "".join(lines)
    if not text.strip():
        found.append((FindingCode.EMPTY_CUE, "cue has no text"))
    if cue.duration_ms <= 0:
        found.append((FindingCode.NON_POSITIVE_DURATION, f"duration is {cue.duration_ms} ms"))
    elif cue.duration_ms < limits.min_duration_ms:
        found.append(
            (FindingCode.TOO_SHORT, f"{cue.duration_ms} ms is under {limits.min_duration_ms} ms")
        )
    elif cue.duration_ms > limits.max_duration_ms:
        found.append(
            (FindingCode.TOO_LONG, f"{cue.duration_ms} ms is over {limits.max_duration_ms} ms")
        )
    cjk = _is_cjk_text(text)
    if len(lines) > limits.max_lines:
        found.append(
            (FindingCode.TOO_MANY_LINES, f"{len(lines)} lines, at most {limits.max_lines}")
        )
    max_chars = limits.max_line_chars_cjk if cjk else limits.max_line_chars
    for number, line in enumerate(lines, 1):
        if len(line) > max_chars:
            found.append(
                (
                    FindingCode.LINE_TOO_LONG,
                    f"line {number} has {len(line)} characters, at most {max_chars}",
                )
            )
    if cue.duration_ms > 0 and text:
        cps = len(text) * 1000 / cue.duration_ms
        max_cps = limits.max_cps_cjk if cjk else limits.max_cps
        if cps > max_cps:
            found.append(
                (FindingCode.READING_SPEED, f"{cps:.1f} characters per second, at most {max_cps:g}")
            )
    return found


def _pair_findings(
    order: list[int], cues: tuple[Cue, ...], limits: QCThresholds
) -> list[tuple[int, FindingCode, str]]:
    """Overlaps and short gaps between each cue and the one before it in time."""
    found: list[tuple[int, FindingCode, str]] = []
    latest_end, latest_index = -1, -1
    for index in order:
        cue = cues[index]
        if latest_index >= 0:
            gap = cue.start_ms - latest_end
            if gap < 0:
                found.append(
                    (index, FindingCode.OVERLAP, f"starts {-gap} ms before cue {latest_index} ends")
                )
            elif 0 < gap < limits.min_gap_ms:
                found.append(
                    (
                        index,
                        FindingCode.SHORT_GAP,
                        f"{gap} ms after cue {latest_index}, under {limits.min_gap_ms} ms",
                    )
                )
        if cue.end_ms > latest_end:
            latest_end, latest_index = cue.end_ms, index
    return found


def qc(
    track: Track, thresholds: QCThresholds | None = None, video_duration_ms: int | None = None
) -> QCReport:
    """What the reader noted (file order), then findings for every cue (indices are positions
    in `track.cues`), in cue order.

    A gap of 0 ms is not flagged: cues that touch are shown as continuous text.
    """
    limits = thresholds or QCThresholds()
    raw: list[tuple[int, FindingCode, str]] = []
    for index, cue in enumerate(track.cues):
        raw.extend((index, code, message) for code, message in _cue_findings(cue, limits))
        if video_duration_ms is not None and cue.end_ms > video_duration_ms:
            raw.append(
                (
                    index,
                    FindingCode.PAST_VIDEO_END,
                    f"ends at {cue.end_ms} ms, video ends at {video_duration_ms} ms",
                )
            )
    order = sorted(
        range(len(track.cues)), key=lambda i: (track.cues[i].start_ms, track.cues[i].end_ms)
    )
    raw.extend(_pair_findings(order, track.cues, limits))
    raw.sort(key=lambda item: item[0])
    reading = [
        Finding(
            FindingCode(note.kind.value),
            _severity(FindingCode(note.kind.value), limits),
            note.cue_index,
            note.message,
            note.line,
        )
        for note in track.notes
    ]
    checked = [
        Finding(code, _severity(code, limits), index, message) for index, code, message in raw
    ]
    return QCReport(tuple(reading + checked))


def _severity(code: FindingCode, limits: QCThresholds) -> Severity:
    return Severity.ERROR if code in limits.errors else Severity.WARNING
