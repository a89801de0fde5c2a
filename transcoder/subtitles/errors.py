"""Errors raised by the subtitle library, all under `SubtitleError`."""

from __future__ import annotations


class SubtitleError(Exception):
    """Base of every error this package raises on purpose."""


class SubtitleParseError(SubtitleError):
    """A subtitle file could not be read; `line` is 1-based when the fault has a place."""

    def __init__(self, reason: str, line: int | None = None) -> None:
        self.reason = reason
        self.line = line
        super().__init__(f"line {line}: {reason}" if line is not None else reason)


class SubtitleEncodingError(SubtitleParseError):
    """The bytes could not be decoded as text in any encoding we accept."""


class InvalidCueError(SubtitleError, ValueError):
    """A cue was built with impossible values (negative time, line break inside a line)."""


class TimingError(SubtitleError, ValueError):
    """A retiming request cannot be carried out (bad frame rate, time out of range)."""


class HlsSubtitleError(SubtitleError, ValueError):
    """HLS segmentation or playlist attributes were given values HLS cannot carry."""


class EmbeddedSubtitleError(SubtitleError):
    """A subtitle stream could not be listed or extracted from a media file."""
