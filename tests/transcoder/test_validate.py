"""validate.py: editor-readable reasons, and every hostile upload refused without reading others."""

from __future__ import annotations

from pathlib import Path

import pytest
from _core_media import CANARY_TEXT

from transcoder.config import TranscoderConfig
from transcoder.errors import MediaRejected
from transcoder.probe import AudioStream, MediaInfo, StreamKind, VideoStream
from transcoder.run import run_ffprobe_logged
from transcoder.validate import inspect, probe_failure_reasons, sniff, validate

MOV = "mov,mp4,m4a,3gp,3g2,mj2"
CFG = TranscoderConfig()


def _info(
    *streams: VideoStream | AudioStream, duration: float | None = 10.0, size: int | None = None
) -> MediaInfo:
    return MediaInfo(format_name=MOV, format_long_name=None, duration=duration, bit_rate=None,
                     size=size, streams=streams)  # fmt: skip


def _v(
    width: int = 1920,
    height: int = 1080,
    *,
    attached_picture: bool = False,
    bit_rate: int | None = None,
    duration: float | None = None,
) -> VideoStream:
    return VideoStream(index=0, kind=StreamKind.video, codec="h264", width=width, height=height,
                       attached_picture=attached_picture, bit_rate=bit_rate, duration=duration)  # fmt: skip


def _a() -> AudioStream:
    return AudioStream(index=1, kind=StreamKind.audio, codec="aac", channels=2)


def _reasons(cfg: TranscoderConfig, path: Path) -> tuple[str, ...]:
    with pytest.raises(MediaRejected) as caught:
        inspect(cfg, path)
    return caught.value.reasons


def test_a_plain_master_is_accepted() -> None:
    assert validate(_info(_v(), _a()), CFG) == []


@pytest.mark.parametrize("size", [(30000, 30000), (8193, 4320), (7680, 4321)])
def test_resolution_above_limit(size: tuple[int, int]) -> None:
    w, h = size
    assert validate(_info(_v(w, h)), CFG) == [f"resolution {w}x{h} above limit 8192x4320"]


def test_portrait_is_judged_like_landscape() -> None:
    assert validate(_info(_v(4320, 8192)), CFG) == []


def test_duration_limits() -> None:
    assert validate(_info(_v(), duration=7 * 3600), CFG) == ["duration 7:00:00 above limit 6:00:00"]
    assert validate(_info(_v(), duration=None), CFG) == ["duration unknown"]
    assert validate(_info(_v(), duration=0.0), CFG) == [
        "file has no duration (empty, or a single still image)"
    ]


def test_audio_only_needs_the_caller_to_say_it_is_an_audio_asset() -> None:
    audio_only = _info(_a())
    assert validate(audio_only, CFG) == [
        "no video stream (an audio-only file is accepted only as an audio asset, "
        "e.g. audio description)"
    ]
    assert validate(audio_only, CFG, audio_only_allowed=True) == []
    assert validate(_info(), CFG, audio_only_allowed=True) == ["no video or audio stream"]


def test_cover_art_is_not_a_video_stream() -> None:
    info = _info(_v(600, 600, attached_picture=True), _a())
    assert validate(info, CFG)[0].startswith("no video stream")


def test_mp4_whose_index_describes_more_bytes_than_the_file_is_truncated() -> None:
    video = _v(bit_rate=8_000_000, duration=10.0)  # 10 MB of samples
    assert validate(_info(video, size=5_000_000), CFG) == [
        "file is truncated: the end of the media data is missing"
    ]
    assert validate(_info(video, size=10_100_000), CFG) == []


def test_sniff_names_what_a_refused_file_is() -> None:
    assert sniff(b"\x89PNG\r\n\x1a\n....") == "PNG image"
    assert sniff(b"PK\x03\x04....") == "ZIP archive"
    assert sniff(b"\xef\xbb\xbf  #EXTM3U\n") == "HLS playlist"
    assert sniff(b"ffconcat version 1.0\n") == "ffconcat list"
    assert sniff(b"\x00\x00\x00\x20ftypisom") is None


def test_probe_failure_reasons_name_the_demuxer_ffmpeg_refused() -> None:
    stderr = "[dash @ 0x55] Format not on whitelist 'mov'\nfile:/x/a.mp4: Invalid argument"
    assert probe_failure_reasons(stderr, b"<MPD ...") == ["container not accepted: DASH manifest"]
    assert probe_failure_reasons(stderr.replace("dash", "webp_pipe"), b"RIFF") == [
        "not a video file: WEBP image"
    ]
    assert probe_failure_reasons("file:/x/a.mp4: Permission denied", b"") == [
        "file could not be read as media: Permission denied"
    ]


# Real files -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["h264_aac_mp4", "prores_mov", "dnxhr_mxf", "xdcam_1080i_mxf", "dv_pal_16x9_avi",
     "phone_rotated_mp4", "vfr_mp4", "multi_language_mkv", "no_audio_mp4", "subrip_mkv"],
)  # fmt: skip
def test_real_world_masters_pass_inspection(
    cfg: TranscoderConfig, clips: dict[str, Path], name: str
) -> None:
    assert inspect(cfg, clips[name]).video is not None


def test_audio_description_wav_passes_only_as_an_audio_asset(
    cfg: TranscoderConfig, clips: dict[str, Path]
) -> None:
    assert _reasons(cfg, clips["audio_only_wav"])[0].startswith("no video stream")
    assert inspect(cfg, clips["audio_only_wav"], audio_only_allowed=True).audio_streams


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("hls_sibling", "container not accepted: HLS playlist"),
        ("hls_passwd", "container not accepted: HLS playlist"),
        ("ffconcat_sibling", "container not accepted: ffconcat list"),
        ("huge_dimensions_mkv", "resolution 30000x30000 above limit 8192x4320"),
        ("huge_dimensions_y4m", "container not accepted: YUV4MPEG raw video"),
        ("truncated_mp4", "file is truncated: the MP4/MOV index (moov) is missing"),
        ("truncated_faststart_mp4", "file is truncated: the end of the media data is missing"),
        ("png_as_mp4", "not a video file: PNG image"),
        ("zip_as_mp4", "not a video file: ZIP archive"),
        ("fifo_as_mp4", "not a regular file (a pipe, device or folder)"),
    ],
)
def test_hostile_upload_is_rejected_with_its_reason(
    cfg: TranscoderConfig, hostile: dict[str, Path], name: str, reason: str
) -> None:
    assert _reasons(cfg, hostile[name]) == (reason,)


@pytest.mark.parametrize("name", ["hls_sibling", "ffconcat_sibling", "hls_passwd"])
def test_rejection_never_carries_the_target_file_content(
    cfg: TranscoderConfig, hostile: dict[str, Path], name: str
) -> None:
    with pytest.raises(MediaRejected) as caught:
        inspect(cfg, hostile[name])
    cause = caught.value.__cause__
    text = f"{caught.value} {cause} {getattr(cause, 'stderr_tail', '')}"
    assert CANARY_TEXT not in text and "root:x:0:0" not in text


@pytest.mark.parametrize("name", ["hls_sibling", "ffconcat_sibling", "hls_passwd"])
def test_hostile_playlist_opens_no_file_but_itself(
    strace_cfg: TranscoderConfig, hostile: dict[str, Path], canary: Path, name: str
) -> None:
    with pytest.raises(MediaRejected) as caught:
        inspect(strace_cfg, hostile[name])
    opened = getattr(caught.value.__cause__, "stderr_tail", "")
    assert str(hostile[name]) in opened  # the trace works: the upload itself was opened
    assert str(canary) not in opened and "/etc/passwd" not in opened


def test_the_trace_would_see_the_sibling_read_without_the_whitelist(
    strace_cfg: TranscoderConfig, hostile: dict[str, Path], canary: Path
) -> None:
    """Control for the test above: allow the hls demuxer and the sibling file is opened."""
    try:
        log = run_ffprobe_logged(strace_cfg, hostile["hls_sibling"], formats=["hls", "mpegts"]).log
    except Exception as exc:  # the canary is not media: ffprobe fails after reading it
        log = getattr(exc, "stderr_tail", "")
    assert str(canary) in log


def test_probe_timeout_is_a_rejection_reason(
    hanging_ffprobe: TranscoderConfig, clips: dict[str, Path]
) -> None:
    assert _reasons(hanging_ffprobe, clips["h264_aac_mp4"]) == ("probe timed out after 0.5 s",)


def test_several_reasons_are_all_reported(clips: dict[str, Path]) -> None:
    strict = TranscoderConfig(max_width=160, max_height=120, max_duration_s=1.0)
    assert _reasons(strict, clips["h264_aac_mp4"]) == (
        "resolution 320x240 above limit 160x120",
        "duration 0:00:02 above limit 0:00:01",
    )
