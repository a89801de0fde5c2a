"""The W3C web-platform-tests WebVTT file-parsing cases, as data: each NAME.vtt is the input of
wpt's webvtt/parsing/file-parsing/support/NAME.test and NAME.json holds what its assertions
expect of the cues, in the names of the browser's VTTCue attributes."""

import json
import math
from pathlib import Path
from typing import Any

import pytest

from transcoder.subtitles.vtt_parser import VttCue, parse_webvtt
from transcoder.subtitles.vtt_syntax import VttRegion

CASES = Path(__file__).parent / "wpt_file_parsing"
NAMES = sorted(p.stem for p in CASES.glob("*.vtt"))


def _region_attribute(region: VttRegion, name: str) -> Any:
    return {
        "id": region.identifier,
        "lines": region.lines,
        "scroll": region.scroll,
        "width": region.width,
        "regionAnchor": list(region.region_anchor),
        "viewportAnchor": list(region.viewport_anchor),
    }[name]


def _attribute(cue: VttCue, name: str) -> Any:
    """A VTTCue attribute as the browser exposes it (times in seconds, "auto" for unset)."""
    s = cue.settings
    return {
        "id": cue.identifier,
        "text": cue.text,
        "startTime": cue.start_ms / 1000,
        "endTime": cue.end_ms / 1000,
        "align": s.align,
        "vertical": s.vertical,
        "line": "auto" if s.line is None else s.line,
        "snapToLines": s.snap_to_lines,
        "lineAlign": s.line_align,
        "position": "auto" if s.position is None else s.position,
        "positionAlign": s.position_align,
        "size": s.size,
    }[name]


def _same(actual: Any, expected: Any) -> bool:
    if isinstance(expected, int | float) and not isinstance(expected, bool):
        # JavaScript numbers are doubles; testharness's assert_equals tells 0 from -0.
        return (
            isinstance(actual, float | int)
            and float(actual) == float(expected)
            and math.copysign(1, actual) == math.copysign(1, expected)
        )
    return bool(actual == expected)


def test_the_wpt_cases_are_all_here() -> None:
    assert len(NAMES) == 24
    assert all((CASES / f"{name}.json").is_file() for name in NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_wpt_file_parsing(name: str) -> None:
    expected = json.loads((CASES / f"{name}.json").read_text())
    # The spec decodes as UTF-8, dropping one byte-order mark.
    document = parse_webvtt((CASES / f"{name}.vtt").read_bytes().decode("utf-8-sig"))
    assert len(document.cues) == len(expected["cues"])
    for index, (cue, wanted) in enumerate(zip(document.cues, expected["cues"], strict=True)):
        for attribute, value in wanted.items():
            if attribute == "region":
                if value is None:
                    assert cue.settings.region is None, f"cue {index}"
                    continue
                assert cue.settings.region is not None, f"cue {index} has no region"
                for key, region_value in value.items():
                    actual = _region_attribute(cue.settings.region, key)
                    assert actual == region_value, f"cue {index} region {key}"
                continue
            actual = _attribute(cue, attribute)
            assert _same(actual, value), f"cue {index} {attribute}: {actual!r} != {value!r}"
    if "stylesheets" in expected:
        assert len(document.stylesheets) == expected["stylesheets"]
