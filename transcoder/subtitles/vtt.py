"""WebVTT reading and writing through webvtt-py, with our line-numbered errors in front."""

from __future__ import annotations

from collections.abc import Sequence

import webvtt
from webvtt.errors import MalformedCaptionError, MalformedFileError

from transcoder.subtitles.errors import SubtitleParseError
from transcoder.subtitles.lines import split_lines
from transcoder.subtitles.markup import clean_vtt_line, escape_vtt
from transcoder.subtitles.model import Cue, Placement
from transcoder.subtitles.timecode import TimestampError, format_timestamp, parse_timestamp

_SETTINGS_BY_PLACEMENT = {Placement.TOP: "line:0", Placement.MIDDLE: "line:50%"}


def _canonical_timing(line: str, number: int) -> str:
    """The timing line with canonical timestamps, so webvtt-py never meets commas or ",5"."""
    start_text, _, rest = line.partition("-->")
    end_text, _, settings = rest.strip().partition(" ")
    try:
        start, end = parse_timestamp(start_text), parse_timestamp(end_text)
    except TimestampError as error:
        raise SubtitleParseError(str(error), number) from None
    timing = f"{format_timestamp(start)} --> {format_timestamp(end)}"
    return f"{timing} {settings.strip()}" if settings.strip() else timing


def _placement(line_setting: str | None) -> Placement:
    if not line_setting:
        return Placement.BOTTOM
    value = line_setting.split(",")[0]
    if value.endswith("%"):
        percent = float(value[:-1])
        if percent < 100 / 3:
            return Placement.TOP
        return Placement.MIDDLE if percent < 200 / 3 else Placement.BOTTOM
    # A line number counts from the top when not negative, from the bottom when negative.
    return Placement.TOP if float(value) >= 0 else Placement.BOTTOM


def parse_vtt(text: str) -> tuple[Cue, ...]:
    """Cues of a WebVTT document. Raises `SubtitleParseError`, with a line number where one fits."""
    lines = split_lines(text.removeprefix("\ufeff"))
    if not lines or not lines[0].startswith("WEBVTT"):
        raise SubtitleParseError("a WebVTT file must start with 'WEBVTT'", 1)
    timing_lines = 0
    for index, line in enumerate(lines):
        if "-->" in line and index > 0:
            lines[index] = _canonical_timing(line, index + 1)
            timing_lines += 1
    try:
        document = webvtt.WebVTT.from_buffer(lines)
    except (MalformedFileError, MalformedCaptionError, ValueError) as error:
        raise SubtitleParseError(f"not a readable WebVTT file: {error}") from None
    if len(document.captions) != timing_lines:
        raise SubtitleParseError(
            f"{timing_lines - len(document.captions)} cue block(s) could not be read"
        )
    cues = []
    for caption in document.captions:
        text_lines = tuple(t for t in map(clean_vtt_line, caption.lines) if t)
        cues.append(
            Cue(
                caption.start_time.in_milliseconds(),
                caption.end_time.in_milliseconds(),
                text_lines,
                _placement(caption.settings.line),
            )
        )
    return tuple(cues)


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
