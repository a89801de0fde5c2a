"""Planning renditions for a source, and the single-decode FFmpeg graph that makes them."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

from transcoder.ladder import (
    AudioTrack,
    PlanError,
    SourcePicture,
    build_graph,
    display_size,
    output_frame_rate,
    plan_renditions,
)
from transcoder.profiles import DEFAULT_LADDER


def picture(w: int, h: int, *, sar: Fraction = Fraction(1), rotation: int = 0,
            rate: Fraction = Fraction(25), interlaced: bool = False) -> SourcePicture:  # fmt: skip
    return SourcePicture(w, h, sar, rotation, rate, interlaced)


def sizes(src: SourcePicture) -> list[tuple[int, int]]:
    plan = plan_renditions(src, [], DEFAULT_LADDER)
    return [(r.width, r.height) for r in plan.rungs]


def test_a_1080p_source_gets_the_whole_ladder() -> None:
    assert sizes(picture(1920, 1080)) == [(1920, 1080), (1280, 720), (854, 480), (640, 360)]


def test_a_360p_source_is_never_upscaled() -> None:
    assert sizes(picture(640, 360)) == [(640, 360)]


def test_a_source_below_every_rung_keeps_its_own_size() -> None:
    plan = plan_renditions(picture(320, 180), [], DEFAULT_LADDER)
    assert [(r.width, r.height) for r in plan.rungs] == [(320, 180)]
    assert plan.rungs[0].rung.video_kbps == DEFAULT_LADDER.rungs[-1].video_kbps


def test_anamorphic_pal_widescreen_comes_out_16_by_9_square_pixels() -> None:
    src = picture(720, 576, sar=Fraction(64, 45))
    assert display_size(src) == (1024, 576)
    assert sizes(src)[0] == (1024, 576)


def test_rotated_phone_clip_gets_portrait_rungs() -> None:
    src = picture(1920, 1080, rotation=90)
    assert display_size(src) == (1080, 1920)
    assert sizes(src)[0] == (1080, 1920)
    assert sizes(src)[-1] == (360, 640)


def test_frame_rate_is_halved_under_the_cap_and_gop_spans_one_segment() -> None:
    assert output_frame_rate(Fraction(120), 60) == 60
    assert output_frame_rate(Fraction(30000, 1001), 60) == Fraction(30000, 1001)
    plan = plan_renditions(picture(1280, 720, rate=Fraction(50)), [], DEFAULT_LADDER)
    assert plan.gop_frames == 50 * DEFAULT_LADDER.segment_seconds


def test_absurd_geometry_or_rate_is_a_plan_error() -> None:
    with pytest.raises(PlanError):
        display_size(picture(0, 1080))
    with pytest.raises(PlanError):
        output_frame_rate(Fraction(0), 60)
    with pytest.raises(PlanError):
        display_size(picture(640, 360, rotation=45))


def _args(src: SourcePicture, tmp_path: Path, audio: list[AudioTrack]) -> list[str]:
    plan = plan_renditions(src, audio, DEFAULT_LADDER)
    return list(build_graph(tmp_path / "in.mp4", plan, DEFAULT_LADDER, tmp_path).get_args())


def test_the_whole_ladder_is_one_decode_split_into_every_rung(tmp_path: Path) -> None:
    args = _args(picture(1920, 1080), tmp_path, [AudioTrack(0, "eng", 2)])
    assert args.count("-i") == 1
    graph = args[args.index("-filter_complex") + 1]
    # Four HLS rungs and the delivery MP4 share one decoded picture.
    assert "split=5" in graph
    assert args.count("-c:v") == 5
    assert args.count("libx264") == 5


def test_interlaced_sources_are_deinterlaced_and_every_source_made_constant_rate(
    tmp_path: Path,
) -> None:
    graph = _args(picture(1920, 1080, interlaced=True), tmp_path, [])
    text = graph[graph.index("-filter_complex") + 1]
    assert text.index("bwdif") < text.index("fps=fps=25") < text.index("split")


def test_every_audio_track_keeps_its_language(tmp_path: Path) -> None:
    args = _args(picture(640, 360), tmp_path, [AudioTrack(0, "eng", 2), AudioTrack(1, "kaz", 2)])
    assert "language=eng" in args
    assert "language=kaz" in args
    assert (tmp_path / "audio_1").is_dir()
