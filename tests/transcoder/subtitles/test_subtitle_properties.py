"""Property-based: any bytes give a track or our SubtitleParseError; writers round-trip any cues."""

from hypothesis import given, settings
from hypothesis import strategies as st

from transcoder.subtitles import (
    Cue,
    Placement,
    SubtitleFormat,
    SubtitleParseError,
    Track,
    read_subtitles,
    to_srt,
    to_webvtt,
)
from transcoder.subtitles.model import MAX_TIME_MS

FAST = settings(max_examples=150, deadline=None)


def read_or_our_error(data: bytes, language: str | None = None) -> None:
    try:
        track = read_subtitles(data, language=language)
    except SubtitleParseError:
        return
    assert isinstance(track, Track)


@FAST
@given(st.binary(max_size=2000), st.sampled_from([None, "ru", "kk", "zh", "zh-TW", "xx-!!"]))
def test_arbitrary_bytes(data: bytes, language: str | None) -> None:
    read_or_our_error(data, language)


HEADERS = [
    b"WEBVTT\n\n",
    b"[Script Info]\n[V4+ Styles]\n[Events]\n",
    b"[Script Info]\nScriptType: v4.00\n[Events]\nFormat: Marked, Start, End, Style, Text\n",
    b'<tt xmlns="http://www.w3.org/ns/ttml"><body><div>',
    b"1\n00:00:01,000 --> 00:00:02,000\n",
]


@FAST
@given(st.sampled_from(HEADERS), st.binary(max_size=1000))
def test_each_format_header_followed_by_arbitrary_bytes(header: bytes, rest: bytes) -> None:
    read_or_our_error(header + rest)


TIMESTAMP = st.builds(
    "{:02d}:{:02d}:{:02d}{}{:03d}".format,
    st.integers(0, 120),
    st.integers(0, 70),
    st.integers(0, 70),
    st.sampled_from([",", ".", ":"]),
    st.integers(0, 1200),
)
SRT_LINE = st.one_of(
    st.builds("{} --> {}".format, TIMESTAMP, TIMESTAMP),
    st.integers(0, 99).map(str),
    st.just(""),
    st.text(max_size=30),
    st.sampled_from(["<i>", "</b>", "{\\an8}", "-->", "<font color=red>", "&amp;"]),
)


@FAST
@given(st.lists(SRT_LINE, max_size=30), st.sampled_from(["\n", "\r\n", "\r"]))
def test_srt_shaped_text(lines: list[str], newline: str) -> None:
    read_or_our_error(newline.join(lines).encode())
    read_or_our_error(("WEBVTT" + newline * 2 + newline.join(lines)).encode())


def _text(alphabet: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    word = st.text(alphabet, min_size=1, max_size=20).map(str.strip).filter(bool)
    return st.one_of(word, word.map("<i>{}</i>".format), word.map("<b>{}</b> x".format))


ANY_TEXT = st.characters(blacklist_categories=("Cc", "Cs"))
# SRT has no escapes: markup-like characters and "-->" cannot be written as text.
SRT_TEXT = st.characters(
    blacklist_categories=("Cc", "Cs"), blacklist_characters="<>{}", max_codepoint=0xFFFF
)


def cues(alphabet: st.SearchStrategy[str]) -> st.SearchStrategy[list[Cue]]:
    time = st.integers(0, MAX_TIME_MS)
    cue = st.builds(
        lambda start, end, lines, placement: Cue(start, end, tuple(lines), placement),
        time,
        time,
        st.lists(_text(alphabet), max_size=3),
        st.sampled_from(list(Placement)),
    )
    return st.lists(cue, max_size=8)


def _order(items: tuple[Cue, ...] | list[Cue]) -> list[Cue]:
    return sorted(items, key=lambda cue: (cue.start_ms, cue.end_ms))


@FAST
@given(cues(ANY_TEXT))
def test_webvtt_writer_then_reader_gives_the_same_cues(items: list[Cue]) -> None:
    track = Track(tuple(items), SubtitleFormat.SRT)
    back = read_subtitles(to_webvtt(track).encode())
    assert back.cues == tuple(_order(items))


@FAST
@given(cues(SRT_TEXT).filter(bool))
def test_srt_writer_then_reader_gives_the_same_cues(items: list[Cue]) -> None:
    track = Track(tuple(items), SubtitleFormat.WEBVTT)
    back = read_subtitles(to_srt(track).encode())
    assert back.cues == track.cues


@FAST
@given(cues(ANY_TEXT))
def test_srt_writer_output_is_always_readable_or_our_error(items: list[Cue]) -> None:
    read_or_our_error(to_srt(Track(tuple(items), SubtitleFormat.SRT)).encode())
