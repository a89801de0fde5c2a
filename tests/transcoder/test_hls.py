"""The master playlist is written from data and parses as HLS; its figures come from real files."""

from __future__ import annotations

from pathlib import Path

import m3u8
import pytest

from transcoder.hls import (
    AudioRendition,
    Bitrate,
    PlaylistError,
    SubtitleRendition,
    Variant,
    avc1_codec,
    measure_media_playlist,
    mp4a_codec,
    write_master_playlist,
)

VARIANTS = (
    Variant("low/index.m3u8", 400_000, 350_000, ("avc1.4d401e", "mp4a.40.2"), 640, 360, 25.0,
            audio_group="aud"),
    Variant("high/index.m3u8", 3_000_000, 2_600_000, ("avc1.640028", "mp4a.40.2"), 1920, 1080,
            29.97, audio_group="aud"),
)  # fmt: skip
AUDIO = (
    AudioRendition("aud", "English", "en", "a0/index.m3u8", 2, default=True),
    AudioRendition("aud", "French", "fr", "a1/index.m3u8", 2),
)


def test_master_playlist_carries_every_variant_attribute() -> None:
    parsed = m3u8.loads(write_master_playlist(VARIANTS, AUDIO))
    assert parsed.is_variant
    by_uri = {p.uri: p.stream_info for p in parsed.playlists}
    high = by_uri["high/index.m3u8"]
    assert high.bandwidth == 3_000_000
    assert high.average_bandwidth == 2_600_000
    assert high.codecs == "avc1.640028,mp4a.40.2"
    assert high.resolution == (1920, 1080)
    assert high.frame_rate == pytest.approx(29.97)
    assert high.audio == "aud"
    # Highest first: players that start with the first entry start well.
    assert parsed.playlists[0].uri == "high/index.m3u8"


def test_one_audio_media_entry_per_language_with_one_default() -> None:
    parsed = m3u8.loads(write_master_playlist(VARIANTS, AUDIO))
    audio = [m for m in parsed.media if m.type == "AUDIO"]
    assert [(m.language, m.default) for m in audio] == [("en", "YES"), ("fr", "NO")]
    assert {m.group_id for m in audio} == {"aud"}


def test_subtitle_groups_can_be_added_later_from_the_same_data() -> None:
    subs = (SubtitleRendition("subs", "Kazakh", "kk", "subs/kk.m3u8"),)
    variants = tuple(Variant(**{**v.__dict__, "subtitle_group": "subs"}) for v in VARIANTS)
    parsed = m3u8.loads(write_master_playlist(variants, AUDIO, subs))
    assert [m.language for m in parsed.media if m.type == "SUBTITLES"] == ["kk"]
    assert all(p.stream_info.subtitles == "subs" for p in parsed.playlists)


def test_a_variant_naming_an_unknown_group_is_refused() -> None:
    with pytest.raises(PlaylistError, match="unknown audio group"):
        write_master_playlist(VARIANTS, ())


def test_quotes_cannot_break_out_of_an_attribute() -> None:
    evil = AudioRendition("aud", 'x",URI="http://evil', "en", "a0/index.m3u8", 2)
    with pytest.raises(PlaylistError, match="quoted"):
        write_master_playlist(VARIANTS, (evil,))


def test_avc1_codec_string_comes_from_the_avcc_record() -> None:
    # configurationVersion 1, High profile (100 = 0x64), no constraints, level 4.0 (40 = 0x28).
    init = b"\x00\x00\x00\x20stsd....avc1....\x00\x00\x00\x10avcC\x01\x64\x00\x28\xff\xe1"
    assert avc1_codec(init) == "avc1.640028"
    with pytest.raises(PlaylistError):
        avc1_codec(b"no decoder record here")


def test_aac_profiles_map_to_object_types() -> None:
    assert mp4a_codec("LC") == "mp4a.40.2"
    assert mp4a_codec("HE-AAC") == "mp4a.40.5"
    with pytest.raises(PlaylistError):
        mp4a_codec("opus")


def test_bitrates_are_measured_from_segment_sizes_and_durations(tmp_path: Path) -> None:
    (tmp_path / "a.m4s").write_bytes(b"x" * 1000)  # 8000 bits over 2 s: 4000 bit/s
    (tmp_path / "b.m4s").write_bytes(b"x" * 1500)  # 12000 bits over 1 s: the peak
    (tmp_path / "index.m3u8").write_text(
        '#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-TARGETDURATION:2\n#EXT-X-MAP:URI="init.mp4"\n'
        "#EXTINF:2.000000,\na.m4s\n#EXTINF:1.000000,\nb.m4s\n#EXT-X-ENDLIST\n"
    )
    assert measure_media_playlist(tmp_path / "index.m3u8") == Bitrate(peak=12000, average=6667)


def test_an_empty_media_playlist_cannot_be_measured(tmp_path: Path) -> None:
    (tmp_path / "index.m3u8").write_text("#EXTM3U\n#EXT-X-ENDLIST\n")
    with pytest.raises(PlaylistError, match="no segments"):
        measure_media_playlist(tmp_path / "index.m3u8")
