"""WebVTT: read by the W3C parser algorithm (`vtt_parser`), written by webvtt-py."""

from __future__ import annotations

from collections.abc import Sequence

import webvtt

from transcoder.subtitles.errors import InvalidCueError
from transcoder.subtitles.markup import clean_vtt_line, escape_vtt
from transcoder.subtitles.model import Cue, Placement, ReadingNote, ReadingNoteKind
from transcoder.subtitles.timecode import format_timestamp
from transcoder.subtitles.vtt_parser import VttCue, parse_webvtt
from transcoder.subtitles.vtt_syntax import CueSettings

_SETTINGS_BY_PLACEMENT = {Placement.TOP: "line:0", Placement.MIDDLE: "line:50%"}


def _placement(settings: CueSettings) -> Placement:
    if settings.line is None:
        return Placement.BOTTOM
    if not settings.snap_to_lines:
        if settings.line < 100 / 3:
            return Placement.TOP
        return Placement.MIDDLE if settings.line < 200 / 3 else Placement.BOTTOM
    # A line number counts from the top when not negative, from the bottom when negative.
    return Placement.TOP if settings.line >= 0 else Placement.BOTTOM


def _cue(parsed: VttCue) -> Cue:
    lines = tuple(t for t in map(clean_vtt_line, parsed.text.split("\n")) if t.strip())
    return Cue(parsed.start_ms, parsed.end_ms, lines, _placement(parsed.settings))


def parse_vtt(text: str) -> tuple[tuple[Cue, ...], tuple[ReadingNote, ...]]:
    """Cues of a WebVTT document and the blocks dropped on the way, in file order.

    Raises `SubtitleParseError` when the signature is wrong, as browsers refuse such a file.
    """
    document = parse_webvtt(text)
    events: list[tuple[int, VttCue | str]] = [(c.line, c) for c in document.cues]
    events += [
        (b.line, f"line {b.line} dropped ({b.first_line.strip()[:60]!r}): {b.reason}")
        for b in document.skipped
    ]
    cues: list[Cue] = []
    notes: list[ReadingNote] = []
    for line, event in sorted(events, key=lambda item: item[0]):
        if isinstance(event, str):
            notes.append(ReadingNote(ReadingNoteKind.DROPPED_BLOCK, line, len(cues), event))
            continue
        try:
            cues.append(_cue(event))
        except InvalidCueError as error:
            message = f"line {line} dropped: {error}"
            notes.append(ReadingNote(ReadingNoteKind.DROPPED_BLOCK, line, len(cues), message))
    return tuple(cues), tuple(notes)


def write_vtt(cues: Sequence[Cue], metadata: Sequence[str] = ()) -> str:
    """A WebVTT document written by webvtt-py, cues in order of start time as the format wants.

    `metadata` lines go under the WEBVTT line (HLS puts its X-TIMESTAMP-MAP there).
    """
    captions = [
        webvtt.Caption(
            start=format_timestamp(cue.start_ms),
            end=format_timestamp(cue.end_ms),
            text=[escape_vtt(line) for line in cue.lines if line.strip()],
            settings=_SETTINGS_BY_PLACEMENT.get(cue.placement),
        )
        for cue in sorted(cues, key=lambda cue: (cue.start_ms, cue.end_ms))
    ]
    return str(webvtt.WebVTT(captions=captions, metadata=list(metadata)).content)
