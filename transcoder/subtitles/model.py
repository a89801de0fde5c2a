"""The typed subtitle track every reader returns and every writer takes."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from transcoder.subtitles.errors import InvalidCueError

# WebVTT timestamps allow hours up to 10 digits; SRT is used with two, so we stay
# far below both and keep every writer able to express every time we hold.
MAX_TIME_MS = 100 * 3_600_000 - 1


class SubtitleFormat(enum.Enum):
    SRT = "srt"
    WEBVTT = "webvtt"
    ASS = "ass"
    SSA = "ssa"
    TTML = "ttml"


class Placement(enum.Enum):
    """Vertical placement only: the one layout choice every target format can carry."""

    BOTTOM = "bottom"
    MIDDLE = "middle"
    TOP = "top"


@dataclass(frozen=True, slots=True)
class Cue:
    """One subtitle: times in milliseconds, text lines with only <i>, <b>, <u> markup."""

    start_ms: int
    end_ms: int
    lines: tuple[str, ...]
    placement: Placement = Placement.BOTTOM

    def __post_init__(self) -> None:
        for name, value in (("start", self.start_ms), ("end", self.end_ms)):
            if not 0 <= value <= MAX_TIME_MS:
                raise InvalidCueError(f"cue {name} {value} ms is outside 0..{MAX_TIME_MS}")
        for line in self.lines:
            if "\n" in line or "\r" in line:
                raise InvalidCueError(f"cue line {line!r} holds a line break")

    @property
    def duration_ms(self) -> int:
        return self.end_ms - self.start_ms


class ReadingNoteKind(enum.Enum):
    DROPPED_BLOCK = "dropped_block"
    BLANK_LINE_IN_TEXT = "blank_line_in_text"


@dataclass(frozen=True, slots=True)
class ReadingNote:
    """What a reader skipped or repaired in a file, for QC to show.

    `line` is 1-based in the file; `cue_index` is the cue it concerns or, for a dropped block,
    the position in `Track.cues` where the block stood.
    """

    kind: ReadingNoteKind
    line: int
    cue_index: int
    message: str


@dataclass(frozen=True, slots=True)
class Track:
    """A subtitle track with where it came from: format, the encoding it was decoded with and
    what the reader had to skip or repair."""

    cues: tuple[Cue, ...]
    source_format: SubtitleFormat
    encoding: str = "utf-8"
    notes: tuple[ReadingNote, ...] = ()

    def with_cues(self, cues: tuple[Cue, ...]) -> Track:
        # Notes point into the file as read; new cues are no longer that file.
        return Track(cues=cues, source_format=self.source_format, encoding=self.encoding)
