"""Ladder profiles are data: validated, and loadable from JSON or TOML."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from transcoder.profiles import (
    DEFAULT_LADDER,
    ONLINE_LOUDNESS,
    Ladder,
    ProfileError,
    Rung,
    ladder_from_dict,
    ladder_to_dict,
    load_ladder,
)


def test_default_ladder_is_the_1080_720_480_360_h264_ladder() -> None:
    assert [r.height for r in DEFAULT_LADDER.rungs] == [1080, 720, 480, 360]
    assert DEFAULT_LADDER.loudness.integrated == -23.0


def test_json_file_round_trips_to_the_same_ladder(tmp_path: Path) -> None:
    path = tmp_path / "ladder.json"
    path.write_text(json.dumps(ladder_to_dict(DEFAULT_LADDER)))
    assert load_ladder(path) == DEFAULT_LADDER


def test_toml_file_sets_rungs_and_an_online_loudness_target(tmp_path: Path) -> None:
    path = tmp_path / "online.toml"
    path.write_text(
        'name = "online"\nsegment_seconds = 6\n'
        "[loudness]\nintegrated = -16\ntrue_peak = -1\nlra = 11\n"
        '[[rungs]]\nname = "720p"\nheight = 720\nvideo_kbps = 2800\n'
        "maxrate_kbps = 3000\nbufsize_kbps = 5600\n"
    )
    ladder = load_ladder(path)
    assert ladder.loudness == ONLINE_LOUDNESS
    assert ladder.segment_seconds == 6
    assert ladder.rungs == (Rung("720p", 720, 2800, 3000, 5600),)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"rungs": []}, "no rungs"),
        ({"colour": "red"}, "unknown keys"),
        ({"segment_seconds": "4"}, "expected int"),
        ({"segment_seconds": True}, "expected int"),
        ({"preset": "placebo-ish"}, "preset"),
        ({"loudness": {"integrated": 3}}, "loudness"),
    ],
)
def test_invalid_ladder_data_is_a_profile_error(change: dict[str, object], message: str) -> None:
    data = {**ladder_to_dict(DEFAULT_LADDER), **change}
    with pytest.raises(ProfileError, match=message):
        ladder_from_dict(data)


def test_rung_rates_must_rise_from_average_to_buffer() -> None:
    with pytest.raises(ProfileError, match="maxrate"):
        Ladder("x", (Rung("a", 360, 800, 700, 1600),))


def test_rung_names_become_directories_so_paths_are_refused() -> None:
    with pytest.raises(ProfileError, match="rung name"):
        Ladder("x", (Rung("../up", 360, 800, 900, 1600),))


def test_odd_rung_height_is_refused_for_4_2_0() -> None:
    with pytest.raises(ProfileError, match="even"):
        Ladder("x", (Rung("a", 361, 800, 900, 1600),))


def test_unreadable_or_malformed_files_are_profile_errors(tmp_path: Path) -> None:
    with pytest.raises(ProfileError, match="cannot read"):
        load_ladder(tmp_path / "missing.toml")
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(ProfileError, match="not valid json"):
        load_ladder(bad)
    yaml = tmp_path / "ladder.yaml"
    yaml.write_text("name: x")
    with pytest.raises(ProfileError, match="must end in"):
        load_ladder(yaml)
