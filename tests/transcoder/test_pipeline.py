"""The whole renditions pipeline on small real clips: HLS validity, figures, geometry, loudness,
publishing."""

from __future__ import annotations

import hashlib
import threading
from dataclasses import replace
from pathlib import Path

import m3u8
import pytest
from _renditions_fixtures import CFG, TINY_LADDER, probe_json

from tests.support.media import make_clip
from transcoder import testmedia
from transcoder.errors import MediaCancelled, MediaError, MediaRejected
from transcoder.hls import measure_media_playlist
from transcoder.loudness import measure_output
from transcoder.mp4 import is_faststart
from transcoder.pipeline import LadderOutput, transcode
from transcoder.probe import FrameRateMode, probe
from transcoder.profiles import ONLINE_LOUDNESS
from transcoder.run import run_ffmpeg

LADDER = replace(TINY_LADDER, loudness=ONLINE_LOUDNESS)
H264_PROFILE_IDC = {"Constrained Baseline": 0x42, "Baseline": 0x42, "Main": 0x4D, "High": 0x64}


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> tuple[LadderOutput, list[float]]:
    """A 3 s 640x360 master, English loud and French 12 dB quieter, to an online -16 LUFS."""
    directory = tmp_path_factory.mktemp("pipeline")
    master = make_clip(directory / "master.mp4", languages=("eng", "fra"), volumes_db=(0.0, -12.0))
    fractions: list[float] = []
    result = transcode(CFG, master, directory / "out", LADDER, on_progress=fractions.append)
    return result, fractions


@pytest.fixture(scope="module")
def rset(published: tuple[LadderOutput, list[float]]) -> LadderOutput:
    return published[0]


def master_playlist(rset: LadderOutput) -> m3u8.M3U8:
    return m3u8.load(str(rset.directory / rset.master_playlist))


def media_playlists(rset: LadderOutput) -> list[Path]:
    parsed = master_playlist(rset)
    uris = [p.uri for p in parsed.playlists] + [m.uri for m in parsed.media]
    return [rset.directory / uri for uri in uris]


def joined_segments(playlist: Path, out: Path, *segments: str) -> Path:
    """init segment + media segments as one file: what a player feeds its decoder."""
    parsed = m3u8.load(str(playlist))
    with out.open("wb") as f:
        f.write((playlist.parent / parsed.segment_map[0].uri).read_bytes())
        for name in segments or [s.uri for s in parsed.segments]:
            f.write((playlist.parent / name).read_bytes())
    return out


def test_every_playlist_parses_and_names_existing_segments(rset: LadderOutput) -> None:
    parsed = master_playlist(rset)
    assert parsed.is_variant and len(parsed.playlists) == 3
    for playlist in media_playlists(rset):
        media = m3u8.load(str(playlist))
        assert media.is_endlist and media.playlist_type == "vod"
        assert media.segment_map and (playlist.parent / media.segment_map[0].uri).is_file()
        assert media.segments and all((playlist.parent / s.uri).is_file() for s in media.segments)


def test_every_segment_decodes(rset: LadderOutput, tmp_path: Path) -> None:
    for playlist in media_playlists(rset):
        for segment in m3u8.load(str(playlist)).segments:
            joined = joined_segments(playlist, tmp_path / "one.mp4", segment.uri)
            streams = probe_json(joined, "-count_frames")["streams"]
            assert len(streams) == 1 and int(streams[0]["nb_read_frames"]) > 0, segment.uri
            run_ffmpeg(CFG, ["-v", "error", "-xerror", "-i", str(joined), "-f", "null", "-"],
                       inputs=[], own_inputs=[str(joined)])  # fmt: skip


def test_video_segments_start_on_keyframes_one_segment_apart(rset: LadderOutput) -> None:
    for variant in master_playlist(rset).playlists:
        media = m3u8.load(str(rset.directory / variant.uri))
        assert [s.duration for s in media.segments] == [1.0, 1.0, 1.0]


def test_variant_attributes_match_the_real_streams(rset: LadderOutput) -> None:
    for variant in master_playlist(rset).playlists:
        info = variant.stream_info
        stream = probe_json(rset.directory / variant.uri)["streams"][0]
        assert info.resolution == (stream["width"], stream["height"])
        assert info.frame_rate == pytest.approx(25.0)
        video_codec, audio_codec = info.codecs.split(",")
        assert audio_codec == "mp4a.40.2"
        assert int(video_codec[5:7], 16) == H264_PROFILE_IDC[stream["profile"]]
        assert int(video_codec[9:11], 16) == stream["level"]


def test_measured_bitrates_stay_within_declared_bandwidth(rset: LadderOutput) -> None:
    parsed = master_playlist(rset)
    audio_peak = max(measure_media_playlist(rset.directory / m.uri).peak for m in parsed.media)
    for variant in parsed.playlists:
        playlist = rset.directory / variant.uri
        media = m3u8.load(str(playlist))
        for segment in media.segments:
            bits = (playlist.parent / segment.uri).stat().st_size * 8
            assert bits / segment.duration + audio_peak <= variant.stream_info.bandwidth
        # Independently: all segment bytes over the duration ffprobe reads from the rendition.
        seconds = float(probe_json(playlist)["format"]["duration"])
        bits = sum((playlist.parent / s.uri).stat().st_size * 8 for s in media.segments)
        assert bits / seconds <= variant.stream_info.average_bandwidth
        assert variant.stream_info.average_bandwidth <= variant.stream_info.bandwidth


def test_a_360p_source_is_not_upscaled(rset: LadderOutput) -> None:
    heights = sorted(p.stream_info.resolution[1] for p in master_playlist(rset).playlists)
    assert heights == [144, 240, 360]


def test_one_audio_rendition_per_language_and_one_default(rset: LadderOutput) -> None:
    audio = [m for m in master_playlist(rset).media if m.type == "AUDIO"]
    assert sorted(m.language for m in audio) == ["en", "fr"]
    assert [m.default for m in audio].count("YES") == 1
    assert {m.name for m in audio} == {"English", "French"}
    assert all(p.stream_info.audio == audio[0].group_id for p in master_playlist(rset).playlists)


def test_every_audio_rendition_lands_within_one_lu_of_target(
    rset: LadderOutput, tmp_path: Path
) -> None:
    target = LADDER.loudness.integrated
    assert rset.source_loudness[1].integrated < target - 10  # the French track was far too quiet
    for media in master_playlist(rset).media:
        joined = joined_segments(rset.directory / media.uri, tmp_path / "all.mp4")
        assert measure_output(CFG, joined).integrated == pytest.approx(target, abs=1.0)
    assert rset.output_loudness is not None
    assert rset.output_loudness.integrated == pytest.approx(target, abs=1.0)
    assert rset.output_loudness.true_peak <= LADDER.loudness.true_peak + 0.5


def test_delivery_mp4s_are_faststart_with_every_language(rset: LadderOutput) -> None:
    video = rset.directory / rset.delivery_video
    assert is_faststart(video)
    streams = probe_json(video)["streams"]
    assert [s["codec_name"] for s in streams] == ["h264", "aac", "aac"]
    assert [s["tags"]["language"] for s in streams[1:]] == ["eng", "fra"]
    assert rset.delivery_audio is not None
    sound = rset.directory / rset.delivery_audio
    assert is_faststart(sound)
    assert [s["codec_type"] for s in probe_json(sound)["streams"]] == ["audio"]


def test_recorded_sizes_and_hashes_are_those_of_the_published_files(rset: LadderOutput) -> None:
    on_disk = sorted(
        p.relative_to(rset.directory).as_posix() for p in rset.directory.rglob("*") if p.is_file()
    )
    assert [f.path for f in rset.files] == on_disk
    for entry in rset.files:
        data = (rset.directory / entry.path).read_bytes()
        assert (len(data), hashlib.sha256(data).hexdigest()) == (entry.size, entry.sha256)
    names = {f.path for f in rset.files}
    assert {rset.poster, rset.storyboard_vtt, *rset.storyboard_sprites} <= names
    # Written in place, once: nothing of a work directory beside the set.
    assert not [p for p in rset.directory.parent.iterdir() if ".work-" in p.name]


def test_progress_rises_to_one(published: tuple[LadderOutput, list[float]]) -> None:
    fractions = published[1]
    assert fractions == sorted(fractions)
    assert fractions[-1] == 1.0


def test_running_twice_publishes_the_same_set_of_files(rset: LadderOutput) -> None:
    master = rset.directory.parent / "master.mp4"
    again = transcode(CFG, master, rset.directory, LADDER)
    assert [f.path for f in again.files] == [f.path for f in rset.files]
    assert [(v.uri, v.width, v.height, v.codecs) for v in again.variants] == [
        (v.uri, v.width, v.height, v.codecs) for v in rset.variants
    ]


def test_anamorphic_interlaced_pal_comes_out_16_by_9_square_pixels(tmp_path: Path) -> None:
    master = testmedia.dv_pal_16x9_avi(tmp_path, cfg=CFG)
    result = transcode(CFG, master, tmp_path / "out", LADDER)
    top = result.variants[0]
    assert (top.width, top.height) == (640, 360)
    stream = probe_json(result.directory / top.uri)["streams"][0]
    assert stream["sample_aspect_ratio"] == "1:1"
    assert stream.get("field_order", "progressive") == "progressive"


def test_rotated_phone_clip_comes_out_portrait_without_rotation_flag(tmp_path: Path) -> None:
    master = testmedia.phone_rotated_mp4(tmp_path, cfg=CFG)
    result = transcode(CFG, master, tmp_path / "out", LADDER)
    # 180 lines fall between the 240 and 144 rungs: the source's own size is the top rung.
    assert [(v.width, v.height) for v in result.variants] == [(180, 320), (144, 256)]
    delivered = probe(CFG, result.directory / result.delivery_video)
    assert delivered.video is not None
    assert delivered.video.display_size == (180, 320)
    assert delivered.video.rotation == 0


def test_variable_frame_rate_becomes_constant(tmp_path: Path) -> None:
    master = testmedia.vfr_mp4(tmp_path, cfg=CFG)
    assert probe(CFG, master).video.frame_rate_mode is FrameRateMode.variable  # type: ignore[union-attr]
    result = transcode(CFG, master, tmp_path / "out", LADDER)
    delivered = probe(CFG, result.directory / result.delivery_video)
    assert delivered.video is not None
    assert delivered.video.frame_rate_mode is FrameRateMode.constant


def test_titled_tracks_keep_their_titles_as_names(tmp_path: Path) -> None:
    master = testmedia.multi_language_mkv(tmp_path, cfg=CFG)
    result = transcode(CFG, master, tmp_path / "out", LADDER)
    named = [(a.name, a.language) for a in result.audio_renditions]
    assert named == [("English", "en"), ("Français", "fr"), ("Audio description", "en")]


def test_a_silent_picture_gets_a_master_playlist_without_audio_group(tmp_path: Path) -> None:
    master = testmedia.no_audio_mp4(tmp_path, cfg=CFG)
    result = transcode(CFG, master, tmp_path / "out", LADDER)
    parsed = master_playlist(result)
    assert not parsed.media
    assert all(p.stream_info.audio is None for p in parsed.playlists)
    assert result.delivery_audio is None and result.output_loudness is None


def test_a_file_without_picture_is_rejected_and_nothing_is_published(tmp_path: Path) -> None:
    master = testmedia.audio_only_wav(tmp_path, cfg=CFG)
    with pytest.raises(MediaRejected, match="no picture"):
        transcode(CFG, master, tmp_path / "out", LADDER)
    assert not (tmp_path / "out").exists()
    assert not [p for p in tmp_path.iterdir() if ".work-" in p.name]


def test_cancelling_leaves_nothing_behind(tmp_path: Path) -> None:
    master = make_clip(tmp_path / "m.mp4", seconds=2.0)
    cancel = threading.Event()

    def stop_midway(fraction: float) -> None:
        if fraction > 0.05:
            cancel.set()

    with pytest.raises(MediaCancelled):
        transcode(CFG, master, tmp_path / "out", LADDER, on_progress=stop_midway, cancel=cancel)
    assert not (tmp_path / "out").exists()
    assert not [p for p in tmp_path.iterdir() if ".work-" in p.name]


def test_sound_ending_before_the_picture_is_not_a_failure(tmp_path: Path) -> None:
    master = make_clip(tmp_path / "m.mp4", seconds=3.0, audio_seconds=2.0)
    result = transcode(CFG, master, tmp_path / "out", LADDER)
    lengths = {r.kind: r.duration for r in result.renditions}
    assert lengths["hls-video"] == pytest.approx(3.0, abs=0.05)
    assert lengths["hls-audio"] == pytest.approx(2.0, abs=0.15)


def test_a_smaller_ladder_on_rerun_removes_the_renditions_it_no_longer_has(
    tmp_path: Path,
) -> None:
    master = make_clip(tmp_path / "m.mp4", seconds=1.0)
    transcode(CFG, master, tmp_path / "out", LADDER)
    smaller = replace(LADDER, rungs=LADDER.rungs[-1:])
    result = transcode(CFG, master, tmp_path / "out", smaller)
    assert not (tmp_path / "out" / LADDER.rungs[0].name).exists()
    on_disk = sorted(
        p.relative_to(result.directory).as_posix()
        for p in result.directory.rglob("*")
        if p.is_file()
    )
    assert on_disk == [f.path for f in result.files]


def test_interlaced_broadcast_master_is_deinterlaced(tmp_path: Path) -> None:
    master = testmedia.xdcam_1080i_mxf(tmp_path, cfg=CFG)
    result = transcode(CFG, master, tmp_path / "out", LADDER)
    assert any("bwdif" in arg for command in result.commands for arg in command)
    for variant in result.variants:
        stream = probe_json(result.directory / variant.uri)["streams"][0]
        assert stream.get("field_order", "progressive") == "progressive"
        assert stream["pix_fmt"] == "yuv420p"  # 4:2:2 masters come out 4:2:0 for players


@pytest.mark.parametrize("make", [testmedia.hdr_pq_mov, testmedia.hlg_mp4])
def test_hdr_masters_are_tone_mapped_to_sdr_bt709(
    make: testmedia.Generator, tmp_path: Path
) -> None:
    master = make(tmp_path, cfg=CFG)
    assert probe(CFG, master).video.hdr is not None  # type: ignore[union-attr]
    result = transcode(CFG, master, tmp_path / "out", LADDER)
    for path in (result.variants[0].uri, result.delivery_video):
        video = probe_json(result.directory / path)["streams"][0]
        colour = (video["color_primaries"], video["color_transfer"], video["pix_fmt"])
        assert colour == ("bt709", "bt709", "yuv420p")


@pytest.mark.parametrize("name", ["zip_as_mp4", "truncated_mp4", "png_as_mp4"])
def test_broken_or_disguised_uploads_fail_with_a_named_error(name: str, tmp_path: Path) -> None:
    make = getattr(testmedia, name)
    master = make(tmp_path) if name == "zip_as_mp4" else make(tmp_path, cfg=CFG)
    with pytest.raises(MediaError):
        transcode(CFG, master, tmp_path / "out", LADDER)
    assert not (tmp_path / "out").exists()
    assert not [p for p in tmp_path.iterdir() if ".work-" in p.name]
