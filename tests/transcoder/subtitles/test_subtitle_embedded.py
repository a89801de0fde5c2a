"""Embedded subtitle streams and burn-in, with the real FFmpeg on tiny generated clips."""

from pathlib import Path

import pytest

from transcoder import testmedia
from transcoder.config import TranscoderConfig
from transcoder.run import run_ffmpeg
from transcoder.subtitles import Cue, SubtitleFormat, Track, to_srt
from transcoder.subtitles.burnin import burn_in_filter, escape_filter_value
from transcoder.subtitles.embedded import (
    SubtitleStream,
    extract_subtitle_stream,
    extraction_args,
    list_subtitle_streams,
    subtitle_streams_from_probe,
)
from transcoder.subtitles.errors import EmbeddedSubtitleError

CFG = TranscoderConfig(probe_timeout_s=30, ffmpeg_timeout_s=60)
EXPECTED = (Cue(200, 900, ("First line",)), Cue(1000, 1800, ("Second line",)))


def test_mov_text_in_mp4_is_listed_and_extracted(tmp_path: Path) -> None:
    media = testmedia.mov_text_mp4(tmp_path, cfg=CFG)
    [stream] = list_subtitle_streams(CFG, media)
    assert (stream.codec, stream.language, stream.default) == ("mov_text", "kaz", True)
    assert extract_subtitle_stream(CFG, media, stream).track.cues == EXPECTED


def test_subrip_in_mkv_keeps_times_of_the_video_despite_audio_priming(tmp_path: Path) -> None:
    media = testmedia.subrip_mkv(tmp_path, cfg=CFG)
    streams = list_subtitle_streams(CFG, media)
    assert [(s.language, s.title, s.hearing_impaired) for s in streams] == [
        ("rus", None, False),
        ("eng", "SDH", True),
    ]
    for stream in streams:
        assert extract_subtitle_stream(CFG, media, stream).track.cues == EXPECTED


def test_bitmap_subtitles_are_refused_with_our_error() -> None:
    [pgs] = subtitle_streams_from_probe(
        {"streams": [{"index": 3, "codec_type": "subtitle", "codec_name": "hdmv_pgs_subtitle"}]}
    )
    assert not pgs.is_text
    with pytest.raises(EmbeddedSubtitleError, match="OCR"):
        extraction_args(Path("/m.mkv"), pgs, Path("/o.srt"))


def test_probe_json_without_tags_or_with_und_language() -> None:
    streams = subtitle_streams_from_probe(
        {
            "streams": [
                {"index": 0, "codec_type": "video"},
                {
                    "index": 1,
                    "codec_type": "subtitle",
                    "codec_name": "ass",
                    "tags": {"language": "und"},
                },
                {"index": 2, "codec_type": "subtitle", "disposition": {"forced": 1}},
            ]
        }
    )
    assert streams == [
        SubtitleStream(1, "ass", None, None, False, False, False),
        SubtitleStream(2, "unknown", None, None, False, True, False),
    ]


def test_filter_value_escaping_for_both_parsers() -> None:
    # FFmpeg's documented example of the two escaping levels.
    assert escape_filter_value(
        "this is a 'string': may contain one, or more, special characters"
    ) == ("this is a \\\\\\'string\\\\\\'\\\\: may contain one\\, or more\\, special characters")


def _white_pixels(cfg: TranscoderConfig, filters: str, out: Path) -> int:
    source = "color=c=black:s=320x240:d=1"
    run_ffmpeg(
        cfg,
        ["-f", "lavfi", "-i", source, "-vf", filters, "-frames:v", "1",
         "-f", "rawvideo", "-pix_fmt", "gray", "-y", str(out)],
        inputs=[],
        own_inputs=[source],
    )  # fmt: skip
    return sum(1 for byte in out.read_bytes() if byte > 128)


def test_burn_in_draws_text_from_a_path_with_every_special_character(tmp_path: Path) -> None:
    folder = tmp_path / "it's [odd]; a,b:c\\d"
    folder.mkdir()
    subtitles = folder / "open captions.srt"
    subtitles.write_text(
        to_srt(Track((Cue(0, 1000, ("OPEN CAPTION",)),), SubtitleFormat.SRT)), encoding="utf-8"
    )
    burnt = _white_pixels(CFG, burn_in_filter(subtitles, "Fontsize=30,Outline=0"), tmp_path / "a")
    plain = _white_pixels(CFG, "null", tmp_path / "b")
    assert plain == 0
    assert burnt > 50
