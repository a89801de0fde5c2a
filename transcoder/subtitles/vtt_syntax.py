"""WebVTT's small grammars, as the W3C parser defines them: timestamps, percentages, cue and
region settings (https://w3c.github.io/webvtt/#file-parsing).

Each function reads one string and answers a value or `None` ("the spec says: skip this"); the
block algorithm in `vtt_parser` decides what a failure means for the block.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace

# ASCII whitespace in the Infra sense. Vertical tab is not in it: Python's str.split() and
# str.strip() would treat it as whitespace and accept timing lines that browsers refuse.
WHITESPACE = " \t\n\f\r"
_SPLIT = re.compile(f"[{WHITESPACE}]+")
_PERCENTAGE = re.compile(r"[0-9]+(?:\.[0-9]+)?%")
_DIGITS = re.compile(r"[0-9]*")


@dataclass(frozen=True, slots=True)
class VttRegion:
    """A WebVTT region definition block, with the spec's defaults."""

    identifier: str = ""
    width: float = 100.0
    lines: int = 3
    region_anchor: tuple[float, float] = (0.0, 100.0)
    viewport_anchor: tuple[float, float] = (0.0, 100.0)
    scroll: str = ""


@dataclass(frozen=True, slots=True)
class CueSettings:
    """A cue's settings after parsing; `None` stands for the spec's "auto"."""

    region: VttRegion | None = None
    vertical: str = ""
    line: float | None = None
    snap_to_lines: bool = True
    line_align: str = "start"
    position: float | None = None
    position_align: str = "auto"
    size: float = 100.0
    align: str = "center"


def collect_timestamp(text: str, pos: int) -> tuple[int, int] | None:
    """A WebVTT timestamp at `pos`: (milliseconds, position after it), or None.

    Minutes and seconds have exactly two digits and the fraction three; hours, when present,
    any number of digits, and they must be present when the first field is not two digits or
    is above 59 (so "0:00.000" and "00:00.0" are refused, unlike what SRT readers tolerate).
    """

    def digits(at: int) -> tuple[str, int]:
        found = _DIGITS.match(text, at)
        assert found is not None  # the pattern matches the empty string
        return found.group(), found.end()

    first, pos = digits(pos)
    if not first:
        return None
    hours_given = len(first) != 2 or int(first) > 59
    if pos >= len(text) or text[pos] != ":":
        return None
    second, pos = digits(pos + 1)
    if len(second) != 2:
        return None
    if hours_given or (pos < len(text) and text[pos] == ":"):
        if pos >= len(text) or text[pos] != ":":
            return None
        third, pos = digits(pos + 1)
        if len(third) != 2:
            return None
        hours, minutes, seconds = int(first), int(second), int(third)
    else:
        hours, minutes, seconds = 0, int(first), int(second)
    if pos >= len(text) or text[pos] != ".":
        return None
    fraction, pos = digits(pos + 1)
    if len(fraction) != 3 or minutes > 59 or seconds > 59:
        return None
    return ((hours * 60 + minutes) * 60 + seconds) * 1000 + int(fraction), pos


def skip_whitespace(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in WHITESPACE:
        pos += 1
    return pos


def split_on_whitespace(text: str) -> list[str]:
    return [token for token in _SPLIT.split(text) if token]


def parse_percentage(text: str) -> float | None:
    if _PERCENTAGE.fullmatch(text) is None:
        return None
    number = float(text[:-1])
    return number if 0 <= number <= 100 else None


def _parse_float(text: str) -> float | None:
    """HTML's rules for parsing floating-point numbers, on text already checked for its form."""
    number = float(text)
    if not math.isfinite(number):
        return None
    return number + 0.0  # -0 becomes 0, as the HTML conversion step says


def _line_number(linepos: str) -> float | None:
    if any(c not in "-.0123456789" for c in linepos) or "-" in linepos[1:]:
        return None
    if linepos.count(".") > 1:
        return None
    if "." in linepos and re.search(r"[0-9]\.[0-9]", linepos) is None:
        return None
    return _parse_float(linepos)


def _with_line(settings: CueSettings, value: str) -> CueSettings:
    linepos, comma, linealign = value.partition(",")
    if not any(c.isascii() and c.isdigit() for c in linepos):
        return settings
    percent = linepos.endswith("%")
    number = parse_percentage(linepos) if percent else _line_number(linepos)
    if number is None:
        return settings
    # An unknown alignment after the comma leaves the alignment as it was (the wpt cases say
    # "line:100%,middle" still sets the line).
    align = linealign if comma and linealign in ("start", "center", "end") else settings.line_align
    return replace(settings, line=number, snap_to_lines=not percent, line_align=align)


def _with_position(settings: CueSettings, value: str) -> CueSettings:
    colpos, comma, colalign = value.partition(",")
    number = parse_percentage(colpos)
    if number is None:
        return settings
    known = comma and colalign in ("line-left", "center", "line-right")
    return replace(settings, position=number, position_align=colalign if known else "auto")


def _name_value(setting: str) -> tuple[str, str] | None:
    colon = setting.find(":")
    if colon <= 0 or colon == len(setting) - 1:
        return None
    return setting[:colon], setting[colon + 1 :]


def parse_cue_settings(text: str, regions: list[VttRegion]) -> CueSettings:
    """The settings after a cue's end time; unknown or malformed settings are ignored."""
    settings = CueSettings()
    for token in split_on_whitespace(text):
        pair = _name_value(token)
        if pair is None:
            continue
        name, value = pair
        if name == "region":
            found = [r for r in regions if r.identifier == value]
            settings = replace(settings, region=found[-1] if found else None)
        elif name == "vertical" and value in ("rl", "lr"):
            settings = replace(settings, vertical=value)
        elif name == "line":
            settings = _with_line(settings, value)
        elif name == "position":
            settings = _with_position(settings, value)
        elif name == "size":
            size = parse_percentage(value)
            settings = settings if size is None else replace(settings, size=size)
        elif name == "align" and value in ("start", "center", "end", "left", "right"):
            settings = replace(settings, align=value)
    return settings


def _anchor(value: str) -> tuple[float, float] | None:
    x_text, comma, y_text = value.partition(",")
    if not comma:
        return None
    x, y = parse_percentage(x_text), parse_percentage(y_text)
    return None if x is None or y is None else (x, y)


def parse_region_settings(text: str) -> VttRegion:
    """A REGION block's settings; malformed ones keep the default."""
    region = VttRegion()
    for token in split_on_whitespace(text):
        pair = _name_value(token)
        if pair is None:
            continue
        name, value = pair
        if name == "id" and "-->" not in value:
            region = replace(region, identifier=value)
        elif name == "width" and (width := parse_percentage(value)) is not None:
            region = replace(region, width=width)
        elif name == "lines" and value.isascii() and value.isdigit():
            region = replace(region, lines=int(value))
        elif name == "regionanchor" and (anchor := _anchor(value)) is not None:
            region = replace(region, region_anchor=anchor)
        elif name == "viewportanchor" and (anchor := _anchor(value)) is not None:
            region = replace(region, viewport_anchor=anchor)
        elif name == "scroll" and value == "up":
            region = replace(region, scroll="up")
    return region
