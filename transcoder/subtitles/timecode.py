"""Clock timestamps: HH:MM:SS,mmm (SRT) and HH:MM:SS.mmm (WebVTT) to and from milliseconds."""

from __future__ import annotations

import re

from transcoder.subtitles.model import MAX_TIME_MS

# Hours optional and a comma or a dot before the fraction: real files mix both.
TIMESTAMP = r"(?:(\d{1,3}):)?(\d{1,2}):(\d{1,2})[,.](\d{1,3})"
_TIMESTAMP = re.compile(TIMESTAMP)


class TimestampError(ValueError):
    """Not a clock timestamp; the reader turns it into a SubtitleParseError with a line."""


def parse_timestamp(value: str) -> int:
    match = _TIMESTAMP.fullmatch(value.strip())
    if match is None:
        raise TimestampError(f"timestamp {value.strip()!r} is not HH:MM:SS,mmm")
    hours, minutes, seconds, fraction = match.groups()
    if int(minutes) > 59 or int(seconds) > 59:
        raise TimestampError(f"timestamp {value.strip()!r} has minutes or seconds above 59")
    # A short fraction is a decimal fraction: ",5" is half a second.
    ms = int(fraction.ljust(3, "0"))
    total = ((int(hours or 0) * 60 + int(minutes)) * 60 + int(seconds)) * 1000 + ms
    if total > MAX_TIME_MS:
        raise TimestampError(
            f"timestamp {value.strip()!r} is after {format_timestamp(MAX_TIME_MS)}"
        )
    return total


def format_timestamp(ms: int, separator: str = ".") -> str:
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}{separator}{millis:03d}"
