"""The ladder rules a broadcaster signs off (issue 15): a rung at the source's own size when it
falls between rungs, and sound in every layout a master carries (stereo for every player, 5.1 for
surround masters, mono dialogue kept mono)."""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction
from pathlib import Path

import m3u8
import pytest
from _renditions_fixtures import CFG, TINY_LADDER, probe_json
from mpegdash.parser import MPEGDASHParser

from tests.support.media import make_clip, make_in_spec_h264, make_pal_anamorphic_interlaced
from transcoder import testmedia
from transcoder.hdr import HdrStatic, from_side_data
from transcoder.ladder import (
    AudioTrack,
    SourcePicture,
    audio_outputs,
    build_graph,
    build_probe_graph,
    plan_renditions,
)
from transcoder.pertitle import ProbePoint, checked_crf, choose_crf, with_crfs
from transcoder.pipeline import LadderOutput, transcode
from transcoder.profiles import (
    DEFAULT_LADDER,
    AudioProfile,
    ProfileError,
    Rung,
    ladder_from_dict,
    ladder_to_dict,
)
from transcoder.quality import QualitySample, full_segments, percentile, sample_windows

# Rungs like the default ladder's (720, 480, 360 lines), bitrates small enough for tiny clips.
SD_LADDER = replace(
    TINY_LADDER,
    rungs=(
        Rung("r720", 720, 900, 1000, 2000),
        Rung("r480", 480, 500, 600, 1200),
        Rung("r360", 360, 300, 350, 700, h264_profile="main"),
    ),
)


def sizes(width: int, height: int, sar: Fraction = Fraction(1)) -> list[tuple[int, int]]:
    src = SourcePicture(width, height, sar, 0, Fraction(25), False)
    return [(r.width, r.height) for r in plan_renditions(src, [], DEFAULT_LADDER).rungs]


def test_pal_anamorphic_widescreen_tops_out_at_576_lines_not_480() -> None:
    assert sizes(720, 576, Fraction(64, 45)) == [(1024, 576), (854, 480), (640, 360)]


def test_pal_anamorphic_4_by_3_tops_out_at_576_lines() -> None:
    assert sizes(720, 576, Fraction(16, 15)) == [(768, 576), (640, 480), (480, 360)]


def test_a_1279x719_master_keeps_its_own_size_as_top_rung() -> None:
    assert sizes(1279, 719)[:2] == [(1278, 718), (854, 480)]


def test_a_master_just_above_a_rung_gets_no_extra_rung() -> None:
    assert sizes(1284, 722) == [(1280, 720), (854, 480), (640, 360)]


def test_a_master_above_the_top_rung_is_not_served_above_it() -> None:
    assert sizes(3840, 2160)[0] == (1920, 1080)


def test_the_source_rung_rates_lie_between_its_neighbours() -> None:
    src = SourcePicture(720, 576, Fraction(64, 45), 0, Fraction(25), False)
    top = plan_renditions(src, [], DEFAULT_LADDER).rungs[0].rung
    below, above = DEFAULT_LADDER.rungs[2], DEFAULT_LADDER.rungs[1]
    assert (top.name, top.height) == ("576p", 576)
    assert below.video_kbps < top.video_kbps <= above.video_kbps
    assert below.maxrate_kbps < top.maxrate_kbps <= above.maxrate_kbps


def test_pal_interlaced_anamorphic_master_gives_a_576_line_square_pixel_progressive_rung(
    tmp_path: Path,
) -> None:
    master = make_pal_anamorphic_interlaced(tmp_path / "pal.mp4")
    result = transcode(CFG, master, tmp_path / "out", SD_LADDER)
    assert [(v.width, v.height) for v in result.variants] == [(768, 576), (640, 480), (480, 360)]
    stream = probe_json(result.directory / result.variants[0].uri)["streams"][0]
    assert (stream["width"], stream["height"], stream["sample_aspect_ratio"]) == (768, 576, "1:1")
    assert stream.get("field_order", "progressive") == "progressive"
    playlist = m3u8.load(str(result.directory / result.master_playlist))
    assert "RESOLUTION=768x576" in playlist.dumps()


# Sound -------------------------------------------------------------------------------------


def outputs(layout: str | None, channels: int, profile: AudioProfile = AudioProfile()) -> list:
    track = AudioTrack(0, "eng", channels, layout=layout)
    return [(o.layout, o.channels) for o in audio_outputs(track, profile)]


def test_stereo_for_every_player_and_51_for_surround_layouts() -> None:
    assert outputs("stereo", 2) == [("stereo", 2)]
    assert outputs("5.1", 6) == [("stereo", 2), ("5.1", 6)]
    assert outputs("5.1(side)", 6) == [("stereo", 2), ("5.1", 6)]
    assert outputs("7.1", 8) == [("stereo", 2), ("5.1", 6)]


def test_mono_dialogue_stays_mono() -> None:
    assert outputs("mono", 1) == [("mono", 1)]


def test_layouts_are_read_not_guessed_from_the_channel_count() -> None:
    # Six channels without a layout may be six mono stems: never called 5.1.
    assert outputs(None, 6) == [("stereo", 2)]
    assert outputs("6 channels", 6) == [("stereo", 2)]
    assert outputs("hexagonal", 6) == [("stereo", 2)]


@pytest.fixture(scope="module")
def surround(tmp_path_factory: pytest.TempPathFactory) -> LadderOutput:
    """One master with a 5.1 English mix, a 7.1 French mix and a mono English commentary."""
    directory = tmp_path_factory.mktemp("surround")
    master = make_clip(
        directory / "surround.mp4",
        seconds=2.0,
        size=(320, 180),
        languages=("eng", "fra", "eng"),
        layouts=("5.1", "7.1", "mono"),
    )
    ladder = replace(TINY_LADDER, rungs=TINY_LADDER.rungs[-1:])
    return transcode(CFG, master, directory / "out", ladder)


def test_each_layout_gets_its_renditions_in_the_one_audio_group(surround: LadderOutput) -> None:
    parsed = m3u8.load(str(surround.directory / surround.master_playlist))
    media = [(m.group_id, m.language, m.channels, m.default) for m in parsed.media]
    assert media == [
        ("audio", "en", "2", "YES"),
        ("audio", "en", "6", "NO"),
        ("audio", "fr", "2", "NO"),
        ("audio", "fr", "6", "NO"),
        ("audio", "en", "1", "NO"),
    ]
    assert len({m.name for m in parsed.media}) == len(parsed.media)


def test_every_audio_rendition_really_has_its_layout(surround: LadderOutput) -> None:
    found = []
    for rendition in surround.audio_renditions:
        stream = probe_json(surround.directory / rendition.uri)["streams"][0]
        found.append((stream["codec_name"], stream["channels"], stream["channel_layout"]))
    assert found == [
        ("aac", 2, "stereo"),
        ("aac", 6, "5.1"),
        ("aac", 2, "stereo"),
        ("aac", 6, "5.1"),
        ("aac", 1, "mono"),
    ]


def test_the_partners_delivery_mp4_carries_the_surround_tracks(surround: LadderOutput) -> None:
    streams = probe_json(surround.directory / surround.delivery_video)["streams"]
    sound = [
        (s["channels"], s["tags"].get("language")) for s in streams if s["codec_type"] == "audio"
    ]
    assert sound == [(2, "eng"), (6, "eng"), (2, "fra"), (6, "fra"), (1, "eng")]


# An in-spec master is packaged, not re-encoded -----------------------------------------------


def video_packet_hashes(path: Path) -> list[str]:
    data = probe_json(path, "-select_streams", "v:0", "-show_packets", "-show_data_hash", "MD5")
    return [p["data_hash"] for p in data["packets"]]


ONE_RUNG_DOWN = replace(TINY_LADDER, rungs=TINY_LADDER.rungs[:2])


def test_an_in_spec_h264_masters_top_rung_and_delivery_are_the_master_itself(
    tmp_path: Path,
) -> None:
    # 640x360 at 25 fps, one closed GOP per 1 s segment, under the 360 rung's 700 kbit/s cap.
    master = make_in_spec_h264(tmp_path / "in_spec.mp4", size=(640, 360), gop=25, kbps=600)
    result = transcode(CFG, master, tmp_path / "out", ONE_RUNG_DOWN)
    assert result.packaged == ("r360", "delivery/video.mp4")
    assert result.packaging_refusals == ()
    source = video_packet_hashes(master)
    assert video_packet_hashes(result.directory / "r360" / "index.m3u8") == source
    assert video_packet_hashes(result.directory / result.delivery_video) == source
    # The rung below is still encoded, and both switch at the same instants.
    assert video_packet_hashes(result.directory / "r240" / "index.m3u8") != source
    durations = {
        v.uri: [s.duration for s in m3u8.load(str(result.directory / v.uri)).segments]
        for v in result.variants
    }
    assert durations["r360/index.m3u8"] == durations["r240/index.m3u8"]
    # Only the encoded outputs are decoded and scaled: one split branch for r240.
    encode = next(c for c in result.commands if "-filter_complex" in c)
    assert "split=1" in encode[encode.index("-filter_complex") + 1]


def test_a_master_with_other_keyframes_is_encoded_and_says_why(tmp_path: Path) -> None:
    master = make_in_spec_h264(tmp_path / "long_gop.mp4", size=(640, 360), gop=50, kbps=600)
    result = transcode(CFG, master, tmp_path / "out", ONE_RUNG_DOWN)
    assert result.packaged == ()
    assert any("keyframes" in reason for reason in result.packaging_refusals)
    assert video_packet_hashes(result.directory / "r360" / "index.m3u8") != video_packet_hashes(
        master
    )


def test_a_master_above_the_rungs_bitrate_cap_is_encoded(tmp_path: Path) -> None:
    master = make_in_spec_h264(tmp_path / "rich.mp4", size=(640, 360), gop=25, kbps=600)
    capped = replace(
        ONE_RUNG_DOWN, rungs=(Rung("r360", 360, 100, 120, 240), *ONE_RUNG_DOWN.rungs[1:])
    )
    result = transcode(CFG, master, tmp_path / "out", capped)
    assert result.packaged == ()
    assert any("above 120" in reason for reason in result.packaging_refusals)


# HDR masters: an SDR H.264 ladder for every player, an HEVC Main 10 ladder that keeps HDR -------


@pytest.mark.slow
@pytest.mark.parametrize(
    ("make", "video_range", "transfer"),
    [(testmedia.hdr_pq_mov, "PQ", "smpte2084"), (testmedia.hlg_mp4, "HLG", "arib-std-b67")],
)
def test_hdr_masters_get_an_hdr_hevc_ladder_beside_the_sdr_one(
    make: testmedia.Generator, video_range: str, transfer: str, tmp_path: Path
) -> None:
    master = make(tmp_path, cfg=CFG)
    result = transcode(CFG, master, tmp_path / "out", TINY_LADDER)
    parsed = m3u8.load(str(result.directory / result.master_playlist))
    ladders = sorted(
        (p.stream_info.codecs.split(".")[0], p.stream_info.resolution, "VIDEO-RANGE=" + r)
        for p in parsed.playlists
        for r in [p.stream_info.video_range]
    )
    assert ladders == sorted(
        [("avc1", (320, 240), "VIDEO-RANGE=SDR"), ("avc1", (192, 144), "VIDEO-RANGE=SDR"),
         ("hvc1", (320, 240), f"VIDEO-RANGE={video_range}"),
         ("hvc1", (192, 144), f"VIDEO-RANGE={video_range}")]
    )  # fmt: skip
    for variant in result.variants:
        stream = probe_json(result.directory / variant.uri)["streams"][0]
        colour = (
            stream["codec_name"], stream.get("profile"), stream["pix_fmt"],
            stream["color_primaries"], stream["color_transfer"], stream["color_space"],
        )  # fmt: skip
        if variant.video_range == "SDR":
            assert colour[0] == "h264" and colour[2:] == ("yuv420p", "bt709", "bt709", "bt709")
        else:
            assert colour == (
                "hevc", "Main 10", "yuv420p10le", "bt2020", transfer, "bt2020nc"
            )  # fmt: skip
            assert stream["codec_tag_string"] == "hvc1"
            assert variant.codecs[0].startswith("hvc1.2.4.L")
    mpd = MPEGDASHParser.parse((result.directory / result.dash_manifest).read_text())
    video_sets = [a for a in mpd.periods[0].adaptation_sets if a.content_type == "video"]
    assert [len(a.representations) for a in video_sets] == [2, 2]
    hdr_set = video_sets[1]
    assert hdr_set.supplemental_properties[0].value == {"PQ": "16", "HLG": "18"}[video_range]


# Measured quality: VMAF of every rung against the master, on sampled windows ------------------

MEASURED = replace(CFG, measure_quality=True)


def test_windows_are_spread_over_the_title_one_per_segment_of_a_short_one() -> None:
    assert sample_windows(2, QualitySample(windows=3)) == [range(0, 1), range(1, 2)]
    assert sample_windows(100, QualitySample(windows=3)) == [
        range(0, 1),
        range(50, 51),
        range(99, 100),
    ]
    two = sample_windows(10, QualitySample(windows=2, segments_per_window=2))
    assert two == [range(0, 2), range(8, 10)]


def test_the_5th_percentile_interpolates() -> None:
    assert percentile([float(n) for n in range(101)], 0.05) == pytest.approx(5.0)
    assert percentile([80.0, 90.0], 0.05) == pytest.approx(80.5)


def test_every_rung_is_scored_and_more_pixels_and_bits_score_higher(tmp_path: Path) -> None:
    master = make_clip(tmp_path / "m.mp4", seconds=3.0)
    result = transcode(MEASURED, master, tmp_path / "out", TINY_LADDER)
    scores = {q.folder: q for q in result.quality}
    assert list(scores) == [v.uri.split("/")[0] for v in result.variants]
    for q in scores.values():
        assert q.frames == 12  # 3 windows of 1 s at 25 fps, every 8th frame (0, 8, 16, 24)
        assert 0 <= q.vmaf_p5 <= q.vmaf_mean <= 100
    assert scores["r360"].vmaf_mean > scores["r240"].vmaf_mean > scores["r144"].vmaf_mean
    assert not [p for p in result.directory.rglob("*.json")]  # scratch files stay out of the set


def test_a_packaged_rung_scores_as_the_master_itself(tmp_path: Path) -> None:
    master = make_in_spec_h264(tmp_path / "in_spec.mp4", size=(640, 360), gop=25, kbps=600)
    result = transcode(MEASURED, master, tmp_path / "out", ONE_RUNG_DOWN)
    assert result.packaged[0] == "r360"
    top, below = result.quality
    assert top.vmaf_mean > 97 and top.vmaf_mean > below.vmaf_mean


def test_hdr10_static_metadata_is_read_from_stream_or_frame_side_data() -> None:
    mastering = {
        "side_data_type": "Mastering display metadata",
        "red_x": "34000/50000", "red_y": "16000/50000", "green_x": "13250/50000",
        "green_y": "34500/50000", "blue_x": "7500/50000", "blue_y": "3000/50000",
        "white_point_x": "15635/50000", "white_point_y": "16450/50000",
        "min_luminance": "50/10000", "max_luminance": "10000000/10000",
    }  # fmt: skip
    light = {"side_data_type": "Content light level metadata", "max_content": 1000,
             "max_average": 400}  # fmt: skip
    found = from_side_data([{"side_data_type": "Display Matrix"}, mastering, light])
    assert found == HdrStatic(testmedia.HDR10_MASTER_DISPLAY, testmedia.HDR10_MAX_CLL)
    assert found.x265_params() == (
        f"hdr10=1:master-display={testmedia.HDR10_MASTER_DISPLAY}:max-cll=1000,400"
    )
    # luminance alone (no primaries) is no mastering display; a light level alone still counts
    partial = {k: v for k, v in mastering.items() if not k.startswith(("red", "green"))}
    assert from_side_data([partial, light]) == HdrStatic(None, "1000,400")
    assert from_side_data([partial]) is None
    assert from_side_data([{**light, "max_average": 2000}]) is None  # FALL above CLL: nonsense


@pytest.mark.slow
def test_hdr10_mastering_display_and_light_level_reach_the_hevc_rungs(tmp_path: Path) -> None:
    master = testmedia.hdr10_mastered_mov(tmp_path, cfg=CFG)
    result = transcode(CFG, master, tmp_path / "out", TINY_LADDER)
    hdr = [v for v in result.variants if v.video_range == "PQ"]
    assert len(hdr) == 2
    for variant in hdr:
        first = probe_json(
            result.directory / variant.uri, "-select_streams", "v:0", "-read_intervals", "%+#1",
            "-show_frames",
        )["frames"][0]  # fmt: skip
        assert from_side_data(first.get("side_data_list", [])) == HdrStatic(
            testmedia.HDR10_MASTER_DISPLAY, testmedia.HDR10_MAX_CLL
        )
    sdr = next(v for v in result.variants if v.video_range == "SDR")
    first = probe_json(
        result.directory / sdr.uri, "-read_intervals", "%+#1", "-show_frames"
    )["frames"][0]  # fmt: skip
    assert from_side_data(first.get("side_data_list", [])) is None  # tone-mapped: SDR


# Per-title encoding: bitrates chosen for a target quality from measured VMAF ----------------


def test_the_crf_for_a_target_lies_on_the_curve_between_the_probes_that_bracket_it() -> None:
    # VMAF saturates towards low CRFs: the pair bracketing the target is read, not the ends
    points = [ProbePoint(32, 300, 70.0), ProbePoint(18, 4000, 95.0), ProbePoint(25, 1000, 90.0)]
    assert choose_crf(points, 92.5) == 21.5
    assert choose_crf(points, 80.0) == 28.5
    # rounded towards quality: 90 - 89.99 of 20 points per 7 CRF is a little past 25
    assert choose_crf(points, 89.99) == 25.0
    # beyond the probes: extrapolated from the nearest pair, never further than the range
    assert choose_crf(points, 96.0) == 16.6
    assert choose_crf(points, 10.0) == 40.0
    assert choose_crf(points, 100.0) == 11.0


def test_a_flat_curve_chooses_the_cheaper_probe_when_it_reaches_the_target() -> None:
    # a flat-colour picture: every probe scores alike (and bits do not fall with the CRF)
    flat = [ProbePoint(18, 63, 97.5), ProbePoint(25, 57, 97.5), ProbePoint(32, 66, 96.1)]
    assert choose_crf(flat, 97.0) == 27.5
    assert choose_crf(flat, 97.5) == 25.0


def test_the_check_puts_its_own_point_on_the_curve_and_keeps_a_rung_the_cap_decides() -> None:
    points = [ProbePoint(32, 300, 70.0), ProbePoint(18, 4000, 95.0), ProbePoint(25, 1000, 90.0)]
    # 60 lies past the probes: extrapolated to CRF 35.5, whose check scored only 55
    assert choose_crf(points, 60.0) == 35.5
    short = ProbePoint(None, 200, 55.0)
    assert checked_crf(points, short, 35.5, 60.0, fixed_kbps=2000) == 34.3  # 70 at 32, 55 at 35.5
    # a check above its target gives the bytes back: read between the check and the probe above
    assert choose_crf(points, 91.0) == 23.6
    passed = ProbePoint(None, 900, 93.0)
    assert checked_crf(points, passed, 23.6, 91.0, fixed_kbps=2000) == 24.5  # 93 at 23.6, 90 at 25
    # spending nine tenths of the fixed bitrate: the cap decides, the fixed rung is kept
    assert checked_crf(points, ProbePoint(None, 1800, 89.0), 25.0, 90.0, fixed_kbps=2000) is None


def test_a_per_title_rung_is_capped_crf_under_its_own_peak_the_check_encodes_it_so(
    tmp_path: Path,
) -> None:
    src = SourcePicture(640, 360, Fraction(1), 0, Fraction(25), False)
    plan = plan_renditions(src, [], PER_TITLE)
    tuned = with_crfs(plan, {"r360": 23.4, "r240": None})
    args = build_graph(tmp_path / "in.mp4", tuned, PER_TITLE, tmp_path).get_args()
    check = build_probe_graph(
        tmp_path / "in.mp4", tuned, PER_TITLE, tmp_path / "check", crf=None,
        start=Fraction(0), seconds=Fraction(1),
    ).get_args()  # fmt: skip
    for argv in (args, check):
        r360 = _output_options(argv, "r360")
        assert r360["-crf"] == "23.4" and r360["-maxrate"] == "700k" and "-b:v" not in r360
        r240 = _output_options(argv, "r240")
        assert r240["-b:v"] == "300k" and "-crf" not in r240  # no CRF: the fixed rung


def _output_options(argv: list[str], rung: str) -> dict[str, str]:
    """The options given to the output file of ``rung``: those after its stream's -map."""
    names = (f"/{rung}/index.m3u8", f"/{rung}.mp4")
    end = next(i for i, a in enumerate(argv) if a.endswith(names))
    start = max(i for i in range(end) if argv[i] == "-map") + 2
    part = argv[start:end]
    return dict(zip(part[::2], part[1::2], strict=True))


def test_per_title_needs_a_target_on_every_rung_and_sane_targets() -> None:
    with pytest.raises(ProfileError, match="target_vmaf on every rung"):
        replace(TINY_LADDER, per_title=True)
    with pytest.raises(ProfileError, match="target_vmaf must be"):
        replace(TINY_LADDER, rungs=(Rung("r", 360, 1, 1, 1, target_vmaf=120),))
    with pytest.raises(ProfileError, match="true or false"):
        ladder_from_dict({**ladder_to_dict(TINY_LADDER), "per_title": "yes"})


PER_TITLE = replace(
    TINY_LADDER,
    rungs=tuple(
        replace(r, target_vmaf=t) for r, t in zip(TINY_LADDER.rungs, (90, 80, 65), strict=True)
    ),
)


def video_bytes(result: LadderOutput) -> int:
    return sum(
        f.size for f in result.files if f.path.split("/")[0] in {q.folder for q in result.quality}
    )


@pytest.mark.slow
def test_an_easy_title_gets_fewer_bits_for_its_target_quality(tmp_path: Path) -> None:
    master = make_clip(tmp_path / "promo.mp4", seconds=3.0)
    fixed = transcode(MEASURED, master, tmp_path / "fixed", PER_TITLE)
    tuned = transcode(MEASURED, master, tmp_path / "tuned", replace(PER_TITLE, per_title=True))
    assert video_bytes(tuned) < 0.9 * video_bytes(fixed)
    # the rungs really reach their targets (the CRF probes alone promised 3 points too many)
    for quality, rung in zip(tuned.quality, PER_TITLE.rungs, strict=True):
        assert quality.vmaf_mean >= rung.target_vmaf - 0.5  # type: ignore[operator]


def test_a_titles_last_few_frames_are_no_window_of_their_own() -> None:
    assert full_segments([1.0, 1.0, 0.04], 1) == 2
    assert full_segments([1.0, 1.0, 0.6], 1) == 3
    assert full_segments([0.04], 1) == 1


def test_a_failed_measurement_leaves_the_ladder_published_unscored(tmp_path: Path) -> None:
    master = make_clip(tmp_path / "m.mp4", seconds=1.0, size=(320, 180))
    missing = replace(MEASURED, quality_ffmpeg_path=str(tmp_path / "no-such-ffmpeg"))
    result = transcode(missing, master, tmp_path / "out", TINY_LADDER)
    assert result.quality == ()
    assert "no-such-ffmpeg" in (result.quality_error or "")
    assert (result.directory / result.master_playlist).is_file()
