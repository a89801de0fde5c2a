"""HLS WebVTT segments, their media playlist and the #EXT-X-MEDIA entries."""

from pathlib import Path

import m3u8
import pytest

from transcoder.subtitles import (
    Cue,
    HlsSubtitleError,
    SubtitleFormat,
    SubtitleRenditionEntry,
    Track,
    read_subtitles,
    segment_track,
    subtitle_media_entries,
    subtitle_media_entry,
    uniform_segment_durations,
    write_hls_subtitles,
)

TRACK = Track(
    cues=(
        Cue(1000, 2000, ("first",)),
        Cue(5000, 7000, ("across & boundary",)),
        Cue(13_000, 14_000, ("third",)),
    ),
    source_format=SubtitleFormat.SRT,
)


def test_uniform_durations_keep_the_remainder() -> None:
    assert uniform_segment_durations(15_500, 6000) == (6000, 6000, 3500)
    assert uniform_segment_durations(12_000, 6000) == (6000, 6000)


def test_playlist_parses_and_matches_the_video_segments() -> None:
    playlist, segments = segment_track(TRACK, (6000, 6000, 3500))
    parsed = m3u8.loads(playlist)
    assert [s.uri for s in parsed.segments] == [name for name, _ in segments]
    assert [s.duration for s in parsed.segments] == [6.0, 6.0, 3.5]
    assert parsed.target_duration == 6
    assert parsed.playlist_type == "vod"
    assert parsed.is_endlist


def test_cues_land_in_the_segments_they_are_shown_in() -> None:
    _, segments = segment_track(TRACK, (6000, 6000, 3500), mpegts=900_000)
    read = [read_subtitles(text.encode()) for _, text in segments]
    assert [[c.lines[0] for c in t.cues] for t in read] == [
        ["first", "across & boundary"],
        ["across & boundary"],
        ["third"],
    ]
    # Times stay absolute; the header maps them to the video's timeline.
    assert read[1].cues[0].start_ms == 5000
    for _, text in segments:
        assert text.splitlines()[:2] == [
            "WEBVTT",
            "X-TIMESTAMP-MAP=MPEGTS:900000,LOCAL:00:00:00.000",
        ]


def test_segment_with_no_cue_is_still_a_valid_webvtt_file() -> None:
    _, segments = segment_track(TRACK, (3000, 1000, 1000))
    assert read_subtitles(segments[1][1].encode()).cues == ()


def test_bad_segmentation_requests_are_our_error() -> None:
    with pytest.raises(HlsSubtitleError):
        segment_track(TRACK, ())
    with pytest.raises(HlsSubtitleError):
        segment_track(TRACK, (6000,), mpegts=-1)
    with pytest.raises(HlsSubtitleError):
        segment_track(TRACK, (6000,), name_prefix="../x")


def test_writer_puts_segments_and_playlist_in_place(tmp_path: Path) -> None:
    rendition = segment_track(TRACK, (6000, 6000, 3500))
    playlist = write_hls_subtitles(tmp_path / "subs_kk", "index.m3u8", rendition)
    assert playlist.read_text(encoding="utf-8") == rendition.playlist
    assert sorted(p.name for p in playlist.parent.iterdir()) == sorted(
        ["index.m3u8", *(name for name, _ in rendition.segments)]
    )


def test_media_entry_for_a_default_track() -> None:
    line = subtitle_media_entry("ru", "Русский", True, False, False, "subs/ru/index.m3u8")
    assert line == (
        '#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",NAME="Русский",LANGUAGE="ru",'
        'DEFAULT=YES,AUTOSELECT=YES,FORCED=NO,URI="subs/ru/index.m3u8"'
    )


def test_forced_track_is_autoselected() -> None:
    line = subtitle_media_entry("kaz", "Қазақша (forced)", False, False, True, "f.m3u8")
    assert 'LANGUAGE="kk"' in line
    assert "DEFAULT=NO,AUTOSELECT=YES,FORCED=YES" in line


def test_plain_track_keeps_the_callers_autoselect() -> None:
    line = subtitle_media_entry("zh-Hans", "中文", False, False, False, "zh.m3u8")
    assert "DEFAULT=NO,AUTOSELECT=NO,FORCED=NO" in line


def test_attribute_values_hls_cannot_carry_are_refused() -> None:
    with pytest.raises(HlsSubtitleError):
        subtitle_media_entry("ru", 'say "hi"', False, True, False, "x.m3u8")
    with pytest.raises(HlsSubtitleError):
        subtitle_media_entry("not a tag!", "x", False, True, False, "x.m3u8")


def test_only_one_default_per_group() -> None:
    entries = [
        SubtitleRenditionEntry("ru", "Русский", "ru.m3u8", default=True),
        SubtitleRenditionEntry("kk", "Қазақша", "kk.m3u8", default=True),
    ]
    with pytest.raises(HlsSubtitleError, match="only one"):
        subtitle_media_entries(entries)


def test_entries_for_a_group() -> None:
    lines = subtitle_media_entries(
        [
            SubtitleRenditionEntry("ru", "Русский", "ru.m3u8", default=True),
            SubtitleRenditionEntry("kk", "Қазақша", "kk.m3u8"),
            SubtitleRenditionEntry("kk", "Қазақша (forced)", "kkf.m3u8", forced=True),
        ]
    )
    assert [("DEFAULT=YES" in x, "FORCED=YES" in x) for x in lines] == [
        (True, False),
        (False, False),
        (False, True),
    ]
