"""SRT with blank lines inside cue text, as partners' files have them: a blank line ends a cue
only when a cue number and a timing line follow; otherwise it is text, with a QC warning."""

from transcoder.subtitles import Cue, FindingCode, Severity, qc, read_subtitles

BLANK_INSIDE = (
    "1\n00:00:01,000 --> 00:00:03,000\nFirst line\n\nafter a blank line\n\n"
    "2\n00:00:04,000 --> 00:00:05,000\nSecond\n"
)


def test_a_blank_line_inside_text_keeps_the_cue_together() -> None:
    track = read_subtitles(BLANK_INSIDE.encode())
    assert track.cues == (
        Cue(1000, 3000, ("First line", "after a blank line")),
        Cue(4000, 5000, ("Second",)),
    )


def test_the_blank_line_is_a_qc_warning_naming_its_line_and_cue() -> None:
    track = read_subtitles(BLANK_INSIDE.replace("\n", "\r\n").encode())
    findings = [f for f in qc(track).findings if f.code is FindingCode.BLANK_LINE_IN_TEXT]
    assert [(f.line, f.cue_index, f.severity) for f in findings] == [(4, 0, Severity.WARNING)]


def test_several_blank_lines_then_a_numbered_cue_end_the_cue_without_warning() -> None:
    track = read_subtitles(
        b"1\n00:00:01,000 --> 00:00:02,000\nOne\n\n\n\n2\n00:00:03,000 --> 00:00:04,000\nTwo\n\n\n"
    )
    assert [c.lines for c in track.cues] == [("One",), ("Two",)]
    assert track.notes == ()


def test_a_number_alone_after_a_blank_line_is_text_when_no_timing_follows() -> None:
    track = read_subtitles(b"1\n00:00:01,000 --> 00:00:02,000\nWe counted to\n\n42\nthat night\n")
    assert track.cues == (Cue(1000, 2000, ("We counted to", "42", "that night")),)
    assert [n.line for n in track.notes] == [4]
