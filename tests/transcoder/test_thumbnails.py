"""Storyboard sprites with a WebVTT track, and a poster chosen away from black frames."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest
import webvtt
from _renditions_fixtures import CFG, TINY_LADDER, probe_json

from tests.support.media import make_clip
from transcoder.run import run_ffmpeg
from transcoder.thumbnails import (
    FrameStats,
    choose_poster_time,
    make_poster,
    make_storyboard,
    parse_frame_stats,
)

BOARD = TINY_LADDER.storyboard


def mean_luma(image: Path) -> float:
    stats = image.with_suffix(".txt")
    run_ffmpeg(
        CFG,
        [
            "-i",
            str(image),
            "-vf",
            f"signalstats,metadata=mode=print:file={stats}",
            "-f",
            "null",
            "-",
        ],
        inputs=[],
        own_inputs=[str(image)],
    )
    return parse_frame_stats(stats.read_text())[0].mean_luma


def test_poster_time_skips_black_and_flat_frames() -> None:
    frames = (
        FrameStats(0.0, 16.0, 0.0),  # black
        FrameStats(2.0, 120.0, 10.0),  # flat grey slate
        FrameStats(4.0, 110.0, 200.0),
        FrameStats(8.0, 100.0, 180.0),
    )
    assert choose_poster_time(frames, duration=9.0) == 4.0


def test_an_all_black_source_still_gets_its_brightest_frame() -> None:
    frames = (FrameStats(0.0, 16.0, 0.0), FrameStats(1.0, 18.0, 4.0))
    assert choose_poster_time(frames, duration=2.0) == 1.0


@pytest.fixture(scope="module")
def black_start(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("thumbs")
    # Black for the first third, where a naive poster would be cut; keyframes every 0.48 s.
    return make_clip(directory / "black_start.mp4", seconds=4.0, black_lead_seconds=1.5, gop=12)


def test_storyboard_vtt_parses_and_points_inside_its_sprites(
    black_start: Path, tmp_path: Path
) -> None:
    board = make_storyboard(
        CFG, black_start, tmp_path, duration=4.0, display=(640, 360), board=BOARD
    )
    cues = webvtt.read(str(tmp_path / board.vtt))
    assert len(cues) == len(board.frames) >= 4
    sheet = probe_json(tmp_path / board.sprites[0])["streams"][0]
    assert (sheet["width"], sheet["height"]) == (BOARD.columns * 64, BOARD.rows * 36)
    previous_end = 0.0
    for cue in cues.captions:
        found = re.fullmatch(r"(storyboard_\d{3}\.jpg)#xywh=(\d+),(\d+),(\d+),(\d+)", cue.text)
        assert found, cue.text
        assert found.group(1) in board.sprites
        x, y, w, h = map(int, found.group(2, 3, 4, 5))
        assert x + w <= sheet["width"] and y + h <= sheet["height"]
        assert cue.start_in_seconds == pytest.approx(previous_end, abs=0.002)
        previous_end = cue.end_in_seconds
    assert previous_end == pytest.approx(4.0, abs=0.01)


def test_poster_is_not_black(black_start: Path, tmp_path: Path) -> None:
    board = make_storyboard(
        CFG, black_start, tmp_path, duration=4.0, display=(640, 360), board=BOARD
    )
    assert board.frames[0].mean_luma < 20  # the source really starts black
    poster = make_poster(CFG, black_start, tmp_path, frames=board.frames, duration=4.0,
                         display=(640, 360), board=BOARD)  # fmt: skip
    assert poster.time >= 1.5
    assert mean_luma(tmp_path / poster.path) > 60


def test_many_keyframes_spill_onto_more_sprite_sheets(tmp_path: Path) -> None:
    clip = make_clip(tmp_path / "dense.mp4", seconds=3.0, gop=5)
    small = replace(BOARD, columns=2, rows=2, min_interval_seconds=0.2)
    board = make_storyboard(CFG, clip, tmp_path, duration=3.0, display=(640, 360), board=small)
    # A keyframe every 0.2 s for 3 s: 15 frames, four 2x2 sheets, the last one partly filled.
    assert len(board.frames) == 15
    assert board.sprites == tuple(f"storyboard_{n:03d}.jpg" for n in range(4))
    assert all((tmp_path / s).is_file() for s in board.sprites)
    last_cue = webvtt.read(str(tmp_path / board.vtt))[-1]
    assert last_cue.text == "storyboard_003.jpg#xywh=0,36,64,36"
