"""SubRip (SRT): a forgiving reader for the files partners really send, and a writer."""

from __future__ import annotations

import re

from transcoder.subtitles.errors import SubtitleParseError
from transcoder.subtitles.lines import split_lines
from transcoder.subtitles.markup import clean_srt_line, ssa_alignment
from transcoder.subtitles.model import Cue, Placement, ReadingNote, ReadingNoteKind
from transcoder.subtitles.timecode import (
    TIMESTAMP,
    TimestampError,
    format_timestamp,
    parse_timestamp,
)

# Some tools write "->"; accepted only on a line that is otherwise a timing line.
_SHORT_ARROW_TIMING = re.compile(rf"\s*{TIMESTAMP}\s*->\s*{TIMESTAMP}.*")
_ARROW = re.compile(r"\s*-{1,2}>\s*")
_INDEX = re.compile(r"\s*\d+\s*")
_PLACEMENT_BY_ROW = {0: Placement.BOTTOM, 1: Placement.MIDDLE, 2: Placement.TOP}
_SRT_ALIGNMENT = {Placement.TOP: "{\\an8}", Placement.MIDDLE: "{\\an5}"}


def _is_timing(line: str) -> bool:
    return "-->" in line or _SHORT_ARROW_TIMING.fullmatch(line) is not None


def _parse_timing(line: str, number: int) -> tuple[int, int]:
    parts = _ARROW.split(line.strip(), maxsplit=1)
    if len(parts) != 2:
        raise SubtitleParseError(f"timing line {line.strip()!r} has no '-->'", number)
    # Text after the end time (SRT coordinates "X1:... Y2:...") is ignored, as players do.
    end_text = parts[1].split()[0] if parts[1].split() else ""
    try:
        return parse_timestamp(parts[0]), parse_timestamp(end_text)
    except TimestampError as error:
        raise SubtitleParseError(str(error), number) from None


def _placement(raw_lines: list[str]) -> Placement:
    for line in raw_lines:
        alignment = ssa_alignment(line)
        if alignment is not None:
            return _PLACEMENT_BY_ROW[(alignment - 1) // 3]
    return Placement.BOTTOM


def _starts_cue(lines: list[str], i: int) -> bool:
    """True at a timing line, or at a cue number directly followed by one."""
    if _is_timing(lines[i]):
        return True
    return (
        _INDEX.fullmatch(lines[i]) is not None and i + 1 < len(lines) and _is_timing(lines[i + 1])
    )


def _blank_run_ends_cue(lines: list[str], i: int) -> bool:
    """At a blank line inside cue text: True when only blank lines, or a new cue, follow."""
    while i < len(lines) and not lines[i].strip():
        i += 1
    return i == len(lines) or _starts_cue(lines, i)


def parse_srt(text: str) -> tuple[tuple[Cue, ...], tuple[ReadingNote, ...]]:
    """Cues of an SRT document; cue numbers, blank lines between cues and CRLF are optional.

    A blank line ends a cue only when a cue number and timing line (or a timing line) follow,
    as players read it; otherwise it is kept inside the cue and noted for QC.
    Raises `SubtitleParseError` naming the line at fault.
    """
    lines = split_lines(text)
    cues: list[Cue] = []
    notes: list[ReadingNote] = []
    i = 0
    while i < len(lines):
        if not lines[i].strip():
            i += 1
            continue
        if not _starts_cue(lines, i):
            raise SubtitleParseError(
                f"expected a cue number or a timing line, found {lines[i].strip()[:40]!r}", i + 1
            )
        if not _is_timing(lines[i]):
            i += 1
        start, end = _parse_timing(lines[i], i + 1)
        i += 1
        raw: list[str] = []
        # A cue ends where the next one starts, with or without a blank line before it.
        while i < len(lines) and not _starts_cue(lines, i):
            if not lines[i].strip():
                if _blank_run_ends_cue(lines, i):
                    break
                notes.append(
                    ReadingNote(
                        ReadingNoteKind.BLANK_LINE_IN_TEXT,
                        i + 1,
                        len(cues),
                        f"line {i + 1}: blank line inside the cue's text, read as part of the cue",
                    )
                )
            raw.append(lines[i])
            i += 1
        text_lines = tuple(t for t in map(clean_srt_line, raw) if t)
        cues.append(Cue(start, end, text_lines, _placement(raw)))
    return tuple(cues), tuple(notes)


def write_srt(cues: tuple[Cue, ...]) -> str:
    """SRT text, CRLF-free, numbered from 1; placement other than bottom as a {\\anN} override."""
    blocks = []
    for number, cue in enumerate(cues, 1):
        timing = f"{format_timestamp(cue.start_ms, ',')} --> {format_timestamp(cue.end_ms, ',')}"
        # SRT has no escapes: "-->" in text would read as a timing line, a blank line as a cue end.
        body = [line.replace("-->", "->") for line in cue.lines if line.strip()]
        prefix = _SRT_ALIGNMENT.get(cue.placement)
        if prefix:
            body = [prefix + (body[0] if body else ""), *body[1:]]
        blocks.append("\n".join([str(number), timing, *body]))
    return "".join(block + "\n\n" for block in blocks)
