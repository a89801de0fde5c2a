"""The WebVTT file parser of the W3C specification, block by block, as browsers run it
(https://w3c.github.io/webvtt/#webvtt-parser-algorithm).

A browser drops a block it cannot read and keeps the rest of the file; so does this parser,
and it also says which blocks it dropped and why (line numbers as an editor counts them), so
that QC can show an editor what was skipped. Only a wrong signature refuses the whole file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from transcoder.subtitles.errors import SubtitleParseError
from transcoder.subtitles.vtt_syntax import (
    WHITESPACE,
    CueSettings,
    VttRegion,
    collect_timestamp,
    parse_cue_settings,
    parse_region_settings,
    skip_whitespace,
)

_SIGNATURE_END = (" ", "\t", "\n")
_NOTE = re.compile(r"NOTE(?:[ \t\n]|$)")


@dataclass(frozen=True, slots=True)
class VttCue:
    """A cue as the spec's parser makes it: raw cue text (markup not yet parsed)."""

    identifier: str
    start_ms: int
    end_ms: int
    text: str
    settings: CueSettings
    line: int  # 1-based line number of the timing line


@dataclass(frozen=True, slots=True)
class SkippedBlock:
    """A block the parser dropped: where it starts, its first line, and why."""

    line: int
    first_line: str
    reason: str


@dataclass(frozen=True, slots=True)
class VttDocument:
    cues: tuple[VttCue, ...]
    regions: tuple[VttRegion, ...]
    stylesheets: tuple[str, ...]
    skipped: tuple[SkippedBlock, ...]


def normalise(text: str) -> str:
    """The spec's preprocessing: NUL becomes U+FFFD, CRLF and CR become LF."""
    return text.replace("\0", "\ufffd").replace("\r\n", "\n").replace("\r", "\n")


def collect_timings(line: str, regions: list[VttRegion]) -> tuple[int, int, CueSettings] | str:
    """Start, end and settings of a timing line, or why it is not one."""
    pos = skip_whitespace(line, 0)
    start = collect_timestamp(line, pos)
    if start is None:
        return "the start time is not a WebVTT timestamp (HH:MM:SS.mmm or MM:SS.mmm)"
    pos = skip_whitespace(line, start[1])
    if line[pos : pos + 3] != "-->":
        return "'-->' must follow the start time"
    end = collect_timestamp(line, skip_whitespace(line, pos + 3))
    if end is None:
        return "the end time is not a WebVTT timestamp (HH:MM:SS.mmm or MM:SS.mmm)"
    return start[0], end[0], parse_cue_settings(line[end[1] :], regions)


class _Parser:
    def __init__(self, text: str) -> None:
        self.lines = text.split("\n")
        # A final line end does not open another line: "A\n" is one line, as an editor shows.
        self.ends_with_newline = text.endswith("\n")
        if self.ends_with_newline:
            self.lines.pop()
        self.i = 0
        self.seen_cue = False
        self.cues: list[VttCue] = []
        self.regions: list[VttRegion] = []
        self.stylesheets: list[str] = []
        self.skipped: list[SkippedBlock] = []

    def past_end(self) -> bool:
        return self.i >= len(self.lines)

    def read_line(self) -> tuple[str, bool]:
        """The line at the position and whether the input ended with it (no line feed after)."""
        if self.past_end():
            return "", True
        line = self.lines[self.i]
        self.i += 1
        return line, self.past_end() and not self.ends_with_newline

    def skip_blank_lines(self) -> None:
        while not self.past_end() and self.lines[self.i] == "":
            self.i += 1

    def block(self, in_header: bool = False) -> None:
        """Collect one block and keep what it holds (a cue, a style sheet or a region)."""
        first_line_number = self.i + 1
        line_count, previous = 0, self.i
        buffer, identifier, seen_arrow = "", "", False
        timing: tuple[int, int, CueSettings] | None = None
        timing_line, failure = 0, ""
        stylesheet = region = False
        while True:
            line, seen_eof = self.read_line()
            line_count += 1
            if "-->" in line:
                if not in_header and (line_count == 1 or (line_count == 2 and not seen_arrow)):
                    seen_arrow, previous, timing_line = True, self.i, self.i
                    result = collect_timings(line, self.regions)
                    if isinstance(result, str):
                        failure = result
                    else:
                        timing, identifier, buffer, self.seen_cue = result, buffer, "", True
                else:
                    self.i = previous
                    break
            elif line == "":
                break
            else:
                if not in_header and line_count == 2 and not self.seen_cue:
                    if _is_keyword_line(buffer, "STYLE"):
                        stylesheet, buffer = True, ""
                    elif _is_keyword_line(buffer, "REGION"):
                        region, buffer = True, ""
                buffer = f"{buffer}\n{line}" if buffer else line
                previous = self.i
            if seen_eof:
                break
        if timing is not None:
            start, end, settings = timing
            self.cues.append(VttCue(identifier, start, end, buffer, settings, timing_line))
        elif stylesheet:
            self.stylesheets.append(buffer)
        elif region:
            self.regions.append(parse_region_settings(buffer))
        elif failure:
            line = self.lines[timing_line - 1]
            self.skipped.append(SkippedBlock(timing_line, line, failure))
        elif not in_header and buffer and _NOTE.match(buffer) is None:
            first = self.lines[first_line_number - 1]
            self.skipped.append(
                SkippedBlock(first_line_number, first, "text without a timing line")
            )

    def document(self) -> VttDocument:
        return VttDocument(
            tuple(self.cues), tuple(self.regions), tuple(self.stylesheets), tuple(self.skipped)
        )


def _is_keyword_line(buffer: str, keyword: str) -> bool:
    return buffer.startswith(keyword) and all(c in WHITESPACE for c in buffer[len(keyword) :])


def _check_signature(text: str) -> None:
    if not text.startswith("WEBVTT") or (len(text) > 6 and text[6] not in _SIGNATURE_END):
        raise SubtitleParseError(
            "a WebVTT file must start with 'WEBVTT' followed by a space, a tab or a line end", 1
        )


def parse_webvtt(text: str) -> VttDocument:
    """Run the spec's parser over decoded text (byte-order mark already removed).

    Raises `SubtitleParseError` only for a wrong signature; every other fault drops a block.
    """
    text = normalise(text)
    _check_signature(text)
    parser = _Parser(text)
    parser.i = 1  # the rest of the signature line is a comment
    if parser.past_end():
        return parser.document()
    if parser.lines[parser.i] != "":
        parser.block(in_header=True)
    else:
        parser.i += 1
    parser.skip_blank_lines()
    while not parser.past_end():
        parser.block()
        parser.skip_blank_lines()
    return parser.document()
