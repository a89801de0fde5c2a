"""WebVTT cases built from the spec beyond wpt's files (issue 16), read through `read_subtitles`:
what an upload gets, cues in our form and the blocks dropped as QC findings."""

import pytest

from transcoder.subtitles import (
    FindingCode,
    Placement,
    ReadingNoteKind,
    Severity,
    SubtitleParseError,
    qc,
    read_subtitles,
    to_webvtt,
)

GOOD = "00:00:05.000 --> 00:00:06.000\nkept\n"


def _read(body: str) -> tuple[list[tuple[str, ...]], list[int]]:
    track = read_subtitles(f"WEBVTT\n\n{body}\n{GOOD}".encode())
    return [cue.lines for cue in track.cues], [note.line for note in track.notes]


@pytest.mark.parametrize(
    "timing", ["foo-->", "--->", "00::00:00.000 --> 00:00:01.000", "0000:00.000 --> 00:00:01.000"]
)
def test_a_bad_timing_block_is_dropped_the_rest_imported(timing: str) -> None:
    lines, dropped = _read(f"00:00:01.000 --> 00:00:02.000\nbefore\n\n{timing}\nlost text\n")
    assert lines == [("before",), ("kept",)]
    assert dropped == [6]


@pytest.mark.parametrize(
    "timestamp",
    ["00:0:00.000", "00:00:0.000", "00:00:00.00", "0:00.000", "00:00.0", "00:00:01,000"],
)
def test_timestamps_the_spec_refuses_drop_their_block(timestamp: str) -> None:
    lines, dropped = _read(f"{timestamp} --> 00:00:02.000\nrefused\n")
    assert lines == [("kept",)] and dropped == [3]


def test_an_end_time_the_spec_refuses_drops_its_block() -> None:
    lines, dropped = _read("00:00.000 --> 0:01.000\nrefused\n")
    assert lines == [("kept",)] and dropped == [3]


def test_omitted_hours_and_long_hours_are_timestamps() -> None:
    track = read_subtitles(b"WEBVTT\n\n00:01.500 --> 61:00:00.000\nlong\n")
    assert (track.cues[0].start_ms, track.cues[0].end_ms) == (1500, 61 * 3_600_000)


def test_nul_before_the_settings_keeps_the_cue_and_nul_in_text_is_a_replacement_character() -> None:
    track = read_subtitles(b"WEBVTT\n\n00:00:00.000 --> 00:00:01.000\x00align:end line:0\na\x00b\n")
    (cue,) = track.cues
    # The NUL becomes U+FFFD and glues onto "align:end", an unknown setting; "line:0" still holds.
    assert cue.lines == ("a\ufffdb",) and cue.placement is Placement.TOP
    assert track.notes == ()


def test_vertical_tab_is_not_whitespace_in_a_timing_line() -> None:
    lines, dropped = _read("\v00:00:00.000 --> 00:00:01.000\ntabbed\n")
    assert lines == [("kept",)] and dropped == [3]


def test_leading_spaces_in_cue_text_are_kept_and_written_back() -> None:
    track = read_subtitles(b"WEBVTT\n\n00:00:00.000 --> 00:00:01.000\n   indented\nnot\n")
    assert track.cues[0].lines == ("   indented", "not")
    assert read_subtitles(to_webvtt(track).encode()).cues == track.cues


@pytest.mark.parametrize(
    "data",
    [b"WEBVTTfoo\n\n00:00.000 --> 00:01.000\nx\n", b"WEBVTT\f\n\n00:00.000 --> 00:01.000\nx\n"],
)
def test_a_signature_not_followed_by_space_tab_or_line_end_refuses_the_file(data: bytes) -> None:
    with pytest.raises(SubtitleParseError, match="must start with 'WEBVTT' followed by") as caught:
        read_subtitles(data)
    assert caught.value.line == 1


@pytest.mark.parametrize("data", [b"WEBVTT \n\n", b"WEBVTT\tcomment\n\n", b"\xef\xbb\xbfWEBVTT"])
def test_signature_with_space_tab_bom_or_nothing_after_it_is_a_file(data: bytes) -> None:
    assert read_subtitles(data).cues == ()


def test_a_dropped_block_is_a_qc_warning_with_its_line() -> None:
    track = read_subtitles(
        b"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nok\n\nstray words\nno timing\n\n"
        b"00:00:0x.000 --> 00:00:04.000\nbad\n\nNOTE a comment is no finding\n"
    )
    findings = [f for f in qc(track).findings if f.code is FindingCode.DROPPED_BLOCK]
    assert [(f.line, f.cue_index, f.severity) for f in findings] == [
        (6, 1, Severity.WARNING),
        (9, 1, Severity.WARNING),
    ]
    assert "text without a timing line" in findings[0].message
    assert [n.kind for n in track.notes] == [ReadingNoteKind.DROPPED_BLOCK] * 2
