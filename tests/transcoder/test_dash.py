"""The MPEG-DASH manifest: written over the HLS ladder's own fMP4 segments (one set of segments,
two manifests), read back by a DASH parser, and played by dash.js in Chromium."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import m3u8
import pytest
from _renditions_fixtures import CFG, TINY_LADDER
from mpegdash.nodes import MPEGDASH, Representation
from mpegdash.parser import MPEGDASHParser
from playwright.sync_api import sync_playwright
from starlette.applications import Starlette
from starlette.responses import HTMLResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from tests.support.media import make_clip
from tests.support.server import serving
from transcoder.dash import (
    DashAdaptationSet,
    DashRepresentation,
    DashTextTrack,
    Timeline,
    with_text_tracks,
    write_mpd,
)
from transcoder.pipeline import LadderOutput, transcode

# As the page tests launch it (tests/web/_web_server.py, not importable from here).
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--autoplay-policy=no-user-gesture-required",
]
VENDOR = Path(__file__).resolve().parents[2] / "catalogue" / "web" / "static" / "vendor"
LADDER = replace(TINY_LADDER, rungs=TINY_LADDER.rungs[1:])


@pytest.fixture(scope="module")
def rset(tmp_path_factory: pytest.TempPathFactory) -> LadderOutput:
    """3 s, two rungs, English 5.1 (so stereo and 5.1 renditions) and French stereo."""
    directory = tmp_path_factory.mktemp("dash")
    master = make_clip(
        directory / "master.mp4", seconds=3.0, languages=("eng", "fra"), layouts=("5.1", "stereo")
    )
    return transcode(CFG, master, directory / "out", LADDER)


def parsed(rset: LadderOutput) -> MPEGDASH:
    return MPEGDASHParser.parse((rset.directory / rset.dash_manifest).read_text(encoding="utf-8"))


def segment_urls(rep: Representation) -> list[str]:
    template = rep.segment_templates[0]
    count = sum(1 + (s.r or 0) for s in template.segment_timelines[0].Ss)
    return [
        template.media.replace("$Number%05d$", f"{n:05d}")
        for n in range(template.start_number, template.start_number + count)
    ]


def test_the_mpd_names_exactly_the_segments_the_hls_playlists_name(rset: LadderOutput) -> None:
    mpd = parsed(rset)
    from_dash = set()
    for adaptation in mpd.periods[0].adaptation_sets:
        for rep in adaptation.representations:
            from_dash.add(rep.segment_templates[0].initialization)
            from_dash.update(segment_urls(rep))
    master = m3u8.load(str(rset.directory / rset.master_playlist))
    from_hls = set()
    for uri in [p.uri for p in master.playlists] + [m.uri for m in master.media]:
        folder = uri.rsplit("/", 1)[0]
        media = m3u8.load(str(rset.directory / uri))
        from_hls.add(f"{folder}/{media.segment_map[0].uri}")
        from_hls.update(f"{folder}/{s.uri}" for s in media.segments)
    assert from_dash == from_hls
    assert all((rset.directory / url).is_file() for url in from_dash)


def test_the_mpd_describes_rungs_and_every_audio_rendition(rset: LadderOutput) -> None:
    mpd = parsed(rset)
    assert mpd.type == "static"
    video, *audio = mpd.periods[0].adaptation_sets
    assert video.content_type == "video"
    assert [(r.width, r.height) for r in video.representations] == [
        (v.width, v.height) for v in rset.variants
    ]
    assert [(v.codecs[0]) for v in rset.variants] == [r.codecs for r in video.representations]
    described = [
        (a.lang, a.roles[0].value, int(a.representations[0].audio_channel_configurations[0].value))
        for a in audio
    ]
    assert described == [("en", "main", 2), ("en", "alternate", 6), ("fr", "alternate", 2)]


def test_segment_timelines_cover_the_whole_duration(rset: LadderOutput) -> None:
    for adaptation in parsed(rset).periods[0].adaptation_sets:
        for rep in adaptation.representations:
            template = rep.segment_templates[0]
            spans = template.segment_timelines[0].Ss
            end = spans[-1].t + spans[-1].d * (1 + (spans[-1].r or 0))
            assert spans[0].t == 0
            assert end / template.timescale == pytest.approx(rset.duration, abs=0.05)


def test_equal_segments_are_written_as_one_repeated_entry() -> None:
    timeline = Timeline(1000, ((0, 1000), (1000, 1000), (2000, 1000), (3000, 400)))
    rep = DashRepresentation("v", "v", "avc1.64001e", 1, timeline, width=2, height=2)
    text = write_mpd([DashAdaptationSet("video", (rep,))], duration=3.4, min_buffer=2)
    spans = MPEGDASHParser.parse(text).periods[0].adaptation_sets[0].representations[0]
    ss = spans.segment_templates[0].segment_timelines[0].Ss
    assert [(s.t, s.d, s.r) for s in ss] == [(0, 1000, 2), (3000, 400, None)]


def test_subtitle_tracks_join_the_mpd_as_webvtt_sidecar_sets_replacing_earlier_ones(
    rset: LadderOutput,
) -> None:
    written = (rset.directory / rset.dash_manifest).read_text(encoding="utf-8")
    english = DashTextTrack("sub-1", "subs/1-r1/track.vtt", "en", 120, label="English")
    forced = DashTextTrack("sub-2", "subs/2-r1/track.vtt", "fr", 80, forced=True)
    once = with_text_tracks(written, [english, forced])
    twice = with_text_tracks(once, [forced])  # a track withdrawn: its set goes
    before = MPEGDASHParser.parse(written).periods[0].adaptation_sets
    for text, tracks in ((once, [english, forced]), (twice, [forced])):
        sets = MPEGDASHParser.parse(text).periods[0].adaptation_sets
        assert [(a.content_type, a.mime_type) for a in sets[: len(before)]] == [
            (a.content_type, a.mime_type) for a in before
        ]  # video and audio sets kept as they were, in order
        texts = sets[len(before) :]
        assert [(a.content_type, a.mime_type, a.lang) for a in texts] == [
            ("text", "text/vtt", t.language) for t in tracks
        ]
        assert [a.roles[0].value for a in texts] == [
            "forced-subtitle" if t.forced else "subtitle" for t in tracks
        ]
        assert [a.representations[0].base_urls[0].base_url_value for a in texts] == [
            t.url for t in tracks
        ]
        assert len({a.id for a in sets}) == len(sets)
    assert "ns0:" not in once and once.count("<MPD ") == 1  # the default namespace kept


# dash.js in Chromium ------------------------------------------------------------------------

PAGE = """<!doctype html><html><body><video id="video" muted></video>
<script src="/vendor/dash.mediaplayer.min.js"></script>
<script>
  window.dashErrors = [];
  const player = dashjs.MediaPlayer().create();
  player.on(dashjs.MediaPlayer.events.ERROR, (e) => window.dashErrors.push(String(e.error && e.error.message || e.error)));
  player.initialize(document.getElementById("video"), "/media/manifest.mpd", true);
  window.dashPlayer = player;
</script></body></html>"""


@pytest.fixture
def site(rset: LadderOutput) -> Iterator[str]:
    async def page(_: object) -> HTMLResponse:
        return HTMLResponse(PAGE)

    app = Starlette(
        routes=[
            Route("/", page),
            Mount("/media", StaticFiles(directory=rset.directory)),
            Mount("/vendor", StaticFiles(directory=VENDOR)),
        ]
    )
    with serving(app) as url:
        yield url


@pytest.mark.slow
def test_dash_js_plays_the_mpd_in_chromium(site: str) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.goto(site + "/")
            page.wait_for_function(
                "() => document.getElementById('video').currentTime > 1.5 || window.dashErrors.length",
                timeout=30_000,
            )
            assert page.evaluate("window.dashErrors") == []
            assert page.evaluate("document.getElementById('video').videoHeight") in (240, 144)
            tracks = page.evaluate(
                "window.dashPlayer.getTracksFor('audio').map(t => [t.lang, t.audioChannelConfiguration[0].value])"
            )
            assert sorted(tracks) == [["en", "2"], ["en", "6"], ["fr", "2"]]
        finally:
            browser.close()
