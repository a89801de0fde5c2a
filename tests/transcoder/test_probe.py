"""probe.py: the facts of each real-world master, and the pure parsing of ffprobe's JSON."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

from transcoder.config import TranscoderConfig
from transcoder.probe import (
    AudioStream,
    FrameRateMode,
    MediaInfo,
    StreamKind,
    VideoStream,
    frame_rate_mode_from_pts,
    parse_probe,
    probe,
)

MOV = "mov,mp4,m4a,3gp,3g2,mj2"


@pytest.fixture(scope="module")
def infos(cfg: TranscoderConfig, clips: dict[str, Path]) -> dict[str, MediaInfo]:
    return {name: probe(cfg, path) for name, path in clips.items()}


def _video(info: MediaInfo) -> VideoStream:
    assert info.video is not None
    return info.video


def test_h264_aac_mp4(infos: dict[str, MediaInfo]) -> None:
    info = infos["h264_aac_mp4"]
    assert info.format_name == MOV and info.duration == pytest.approx(2.0, abs=0.05)
    video, (audio,) = _video(info), info.audio_streams
    assert (video.codec, video.profile, video.width, video.height) == ("h264", "High", 320, 240)
    assert video.frame_rate == 25 and video.frame_rate_mode is FrameRateMode.constant
    assert not video.interlaced and video.rotation == 0 and video.hdr is None
    assert (audio.codec, audio.channels, audio.channel_layout, audio.sample_rate) == (
        "aac", 2, "stereo", 48000,
    )  # fmt: skip


def test_prores_master_with_timecode_track(infos: dict[str, MediaInfo]) -> None:
    info = infos["prores_mov"]
    video = _video(info)
    assert (video.codec, video.profile, video.codec_tag) == ("prores", "HQ", "apch")
    assert video.pix_fmt == "yuv422p10le" and video.bit_depth == 10
    assert info.timecode == "10:00:00:00"
    assert any(s.kind is StreamKind.data and s.codec_tag == "tmcd" for s in info.streams)
    assert info.audio_streams[0].codec == "pcm_s24le"


def test_dnxhr_in_mxf(infos: dict[str, MediaInfo]) -> None:
    info = infos["dnxhr_mxf"]
    assert info.format_name == "mxf"
    assert (_video(info).codec, _video(info).profile) == ("dnxhd", "DNXHR LB")


def test_interlaced_1080i_top_field_first(infos: dict[str, MediaInfo]) -> None:
    info = infos["xdcam_1080i_mxf"]
    video = _video(info)
    assert (video.codec, video.width, video.height) == ("mpeg2video", 1920, 1080)
    assert video.field_order == "tt" and video.interlaced
    assert info.timecode == "09:59:50:00"


def test_anamorphic_sd_16x9(infos: dict[str, MediaInfo]) -> None:
    video = _video(infos["dv_pal_16x9_avi"])
    assert (video.codec, video.width, video.height) == ("dvvideo", 720, 576)
    assert video.sar == Fraction(64, 45) and video.dar == Fraction(16, 9)
    assert video.display_size == (1024, 576)


def test_anamorphic_sd_4x3(infos: dict[str, MediaInfo]) -> None:
    video = _video(infos["sd_4x3_mp4"])
    assert video.sar == Fraction(16, 15) and video.dar == Fraction(4, 3)
    assert video.display_size == (768, 576)


def test_phone_rotation_from_display_matrix(infos: dict[str, MediaInfo]) -> None:
    video = _video(infos["phone_rotated_mp4"])
    assert (video.width, video.height, video.rotation) == (320, 180, 270)
    assert video.display_size == (180, 320)


def test_odd_dimensions(infos: dict[str, MediaInfo]) -> None:
    assert (_video(infos["odd_dimensions_mp4"]).width, _video(infos["odd_dimensions_mp4"]).height) == (
        321, 241,
    )  # fmt: skip


def test_variable_frame_rate(infos: dict[str, MediaInfo]) -> None:
    video = _video(infos["vfr_mp4"])
    assert video.variable_frame_rate
    assert video.frame_rate == 30 and video.avg_frame_rate is not None
    assert video.avg_frame_rate < 25


def test_constant_frame_rate_clips_are_not_called_variable(infos: dict[str, MediaInfo]) -> None:
    constant = [n for n, i in infos.items() if i.video and not i.video.variable_frame_rate]
    assert set(infos) - set(constant) - {"audio_only_wav", "audio_only_m4a"} == {"vfr_mp4"}


def test_surround_51(infos: dict[str, MediaInfo]) -> None:
    (audio,) = infos["surround_51_mp4"].audio_streams
    assert (audio.channels, audio.channel_layout) == (6, "5.1")


def test_audio_tracks_with_languages_titles_and_default(infos: dict[str, MediaInfo]) -> None:
    audio = infos["multi_language_mkv"].audio_streams
    assert [(a.language, a.title) for a in audio] == [
        ("eng", "English"), ("fre", "Français"), ("eng", "Audio description"),
    ]  # fmt: skip
    assert [a.default for a in audio] == [True, False, False]


def test_no_audio(infos: dict[str, MediaInfo]) -> None:
    info = infos["no_audio_mp4"]
    assert info.audio_streams == () and info.video is not None


@pytest.mark.parametrize(("name", "codec"), [("audio_only_wav", "pcm_s24le"),
                                             ("audio_only_m4a", "aac")])  # fmt: skip
def test_audio_only(infos: dict[str, MediaInfo], name: str, codec: str) -> None:
    info = infos[name]
    assert info.video is None and [a.codec for a in info.audio_streams] == [codec]


def test_mov_text_subtitles(infos: dict[str, MediaInfo]) -> None:
    (sub,) = infos["mov_text_mp4"].subtitle_streams
    assert (sub.codec, sub.language) == ("mov_text", "kaz")


def test_subrip_subtitles_in_mkv(infos: dict[str, MediaInfo]) -> None:
    subs = infos["subrip_mkv"].subtitle_streams
    assert [(s.codec, s.language, s.title, s.hearing_impaired) for s in subs] == [
        ("subrip", "rus", None, False), ("subrip", "eng", "SDH", True),
    ]  # fmt: skip


@pytest.mark.parametrize(("name", "hdr", "transfer"), [("hdr_pq_mov", "PQ", "smpte2084"),
                                                       ("hlg_mp4", "HLG", "arib-std-b67")])  # fmt: skip
def test_hdr_transfer(infos: dict[str, MediaInfo], name: str, hdr: str, transfer: str) -> None:
    video = _video(infos[name])
    assert (video.hdr, video.color_transfer, video.color_primaries) == (hdr, transfer, "bt2020")


# parse_probe on hand-written JSON ----------------------------------------------------------


def test_parse_tolerates_garbage_values() -> None:
    info = parse_probe({
        "format": {"format_name": 7, "duration": "N/A", "size": "lots", "tags": ["x"]},
        "streams": [
            {"index": 0, "codec_type": "video", "width": "wide", "r_frame_rate": "0/0",
             "sample_aspect_ratio": "0:1", "side_data_list": "nope", "disposition": None},
            {"index": 1, "codec_type": "mystery"},
            "not a stream",
        ],
    })  # fmt: skip
    assert info.format_name == "unknown" and info.duration is None and info.size is None
    video = info.streams[0]
    assert isinstance(video, VideoStream)
    assert video.width == 0 and video.frame_rate is None and video.sar is None
    assert info.streams[1].kind is StreamKind.other and len(info.streams) == 2


def test_parse_rotate_tag_and_cover_art() -> None:
    info = parse_probe({
        "format": {"format_name": MOV, "duration": "3.0"},
        "streams": [
            {"index": 0, "codec_type": "video", "codec_name": "h264", "width": 1920,
             "height": 1080, "tags": {"rotate": "90"}},
            {"index": 1, "codec_type": "video", "codec_name": "mjpeg",
             "disposition": {"attached_pic": 1}},
        ],
    })  # fmt: skip
    assert _video(info).rotation == 270  # a clockwise tag of 90 = 270 counter-clockwise
    assert [v.index for v in info.video_streams] == [0]


def test_parse_timecode_and_language_und() -> None:
    info = parse_probe({
        "format": {"format_name": "mxf", "tags": {"timecode": "10:00:00:00"}},
        "streams": [{"index": 0, "codec_type": "audio", "channels": 2,
                     "tags": {"language": "und", "DURATION": "00:01:02.500000000"}}],
    })  # fmt: skip
    (audio,) = info.streams
    assert isinstance(audio, AudioStream)
    assert info.timecode == "10:00:00:00" and audio.language is None
    assert audio.duration == pytest.approx(62.5) and info.duration == pytest.approx(62.5)


@pytest.mark.parametrize(
    ("pts", "mode"),
    [
        ([0, 614, 1229, 1843, 2458, 3072], FrameRateMode.constant),  # 25 fps in 1/15360
        ([0, 3003, 9009, 6006, 12012], FrameRateMode.constant),  # B-frames: decode order
        ([0, 512, 1024, 2048, 3072, 3584], FrameRateMode.variable),
        ([0, 512], FrameRateMode.unknown),
    ],
)
def test_frame_rate_mode_from_packet_times(pts: list[int], mode: FrameRateMode) -> None:
    assert frame_rate_mode_from_pts(pts) is mode
