"""Reading messy SRT, WebVTT, SSA/ASS and TTML into one typed track."""

import pytest

from transcoder.subtitles import (
    Cue,
    Placement,
    ReadingNoteKind,
    SubtitleFormat,
    SubtitleParseError,
    read_subtitles,
    to_srt,
    to_webvtt,
)

MESSY_SRT = (
    "1\r\n"
    "00:00:01,000 --> 00:00:02,500\r\n"
    '<I>Hello</I> <font color="#ff0000">world</font>\r\n'
    "second line\r\n"
    "2\r\n"  # no blank line before the next cue
    "00:00:03.000 --> 00:00:04,000\r\n"  # a dot and a comma in one line
    "{\\an8}Top & <b>bold</b>\r\n"
    "\r\n"
    "\r\n"
    "00:00:05,5 --> 00:00:06,000\r\n"  # no cue number, short fraction
    "<u>no index</u>"  # no final newline
)


def test_messy_srt_is_read_into_clean_cues() -> None:
    track = read_subtitles(MESSY_SRT.encode())
    assert track.source_format is SubtitleFormat.SRT
    assert track.cues == (
        Cue(1000, 2500, ("<i>Hello</i> world", "second line")),
        Cue(3000, 4000, ("Top & <b>bold</b>",), Placement.TOP),
        Cue(5500, 6000, ("<u>no index</u>",)),
    )


def test_srt_timing_line_followed_directly_by_the_next_cue() -> None:
    data = b"00:00:01,000 --> 00:00:02,000\nA\n00:00:03,000 --> 00:00:04,000\nB\n"
    assert [c.lines for c in read_subtitles(data).cues] == [("A",), ("B",)]


def test_bad_timestamp_names_the_line() -> None:
    data = b"1\n00:00:01,000 --> 00:00:02,000\nfine\n\n2\n00:01:xx,000 --> 00:01:02,000\nbad\n"
    with pytest.raises(SubtitleParseError) as caught:
        read_subtitles(data)
    assert caught.value.line == 6
    assert str(caught.value) == "line 6: timestamp '00:01:xx,000' is not HH:MM:SS,mmm"


def test_minutes_above_59_are_refused() -> None:
    with pytest.raises(SubtitleParseError, match=r"line 1: .*above 59"):
        read_subtitles(b"00:61:00,000 --> 00:62:00,000\nx\n")


def test_stray_text_where_a_cue_should_start_is_refused() -> None:
    with pytest.raises(SubtitleParseError, match="line 1: expected a cue number"):
        read_subtitles(b"Hello there\n")


def test_empty_file_is_refused() -> None:
    with pytest.raises(SubtitleParseError, match="empty"):
        read_subtitles(b" \r\n")


def test_round_trip_srt_to_webvtt_to_srt_keeps_every_cue() -> None:
    original = read_subtitles(MESSY_SRT.encode())
    via_vtt = read_subtitles(to_webvtt(original).encode())
    back = read_subtitles(to_srt(via_vtt).encode())
    assert back.cues == original.cues


WEBVTT = """WEBVTT - festival cut
Kind: captions

NOTE written by hand

intro
00:01.000 --> 00:02.000 line:0 align:start
<v Anna>Tom &amp; <c.yellow>Jerry</c> &lt;3</v>
<ruby>漢<rt>kan</rt></ruby>

00:00:03.000 --> 00:00:04.500 line:50%
<b>Middle</b> <00:00:03.500>karaoke
00:00:05,000 --> 00:00:06.000
comma time, no blank line before
"""


def test_webvtt_tags_entities_and_settings() -> None:
    track = read_subtitles(WEBVTT.encode())
    assert track.source_format is SubtitleFormat.WEBVTT
    assert track.cues == (
        Cue(1000, 2000, ("Tom & Jerry <3", "漢kan"), Placement.TOP),
        Cue(3000, 4500, ("<b>Middle</b> karaoke",), Placement.MIDDLE),
    )
    # A comma is no WebVTT timestamp: browsers drop that block, and so do we, saying where.
    assert [(n.kind, n.line, n.cue_index) for n in track.notes] == [
        (ReadingNoteKind.DROPPED_BLOCK, 13, 2)
    ]


def test_webvtt_writer_escapes_text_but_keeps_tags() -> None:
    track = read_subtitles(WEBVTT.encode())
    written = to_webvtt(track)
    assert written.startswith("WEBVTT\n")
    assert "Tom &amp; Jerry &lt;3" in written
    assert "00:00:01.000 --> 00:00:02.000 line:0" in written
    assert read_subtitles(written.encode()).cues == track.cues


def test_webvtt_bad_timing_block_is_dropped_and_the_rest_kept() -> None:
    track = read_subtitles(
        b"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nok\n\n00:00:0x.000 --> 2\nno\n\n"
        b"00:00:03.000 --> 00:00:04.000\nalso ok\n"
    )
    assert [c.lines for c in track.cues] == [("ok",), ("also ok",)]
    (note,) = track.notes
    assert (note.line, note.cue_index) == (6, 1)
    assert "start time is not a WebVTT timestamp" in note.message


def test_webvtt_with_every_block_dropped_is_refused_naming_the_line() -> None:
    with pytest.raises(SubtitleParseError, match=r"line 3 dropped .*start time"):
        read_subtitles(b"WEBVTT\n\n00:00:0x.000 --> 00:00:02.000\nno\n")


def test_webvtt_expected_but_srt_given() -> None:
    with pytest.raises(SubtitleParseError, match="expected webvtt, content is srt"):
        read_subtitles(
            b"1\n00:00:01,000 --> 00:00:02,000\nx\n", expected_format=SubtitleFormat.WEBVTT
        )


ASS = r"""[Script Info]
ScriptType: v4.00+
PlayResX: 1920
PlayResY: 1080

[V4+ Styles]
Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding
Style: Default,Arial,48,&H00FFFFFF,&H000000FF,&H00000000,&H00000000,0,0,0,0,100,100,0,0,1,2,0,2,10,10,10,1
Style: Sign,Arial,48,&H00FFFFFF,&H000000FF,&H00000000,&H00000000,0,-1,0,0,100,100,0,0,1,2,0,8,10,10,10,1

[Events]
Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text
Dialogue: 0,0:00:01.00,0:00:03.50,Default,,0,0,0,,Plain {\i1}italic{\i0}\NSecond {\b1}bold{\b0}
Comment: 0,0:00:02.00,0:00:03.00,Default,,0,0,0,,not shown
Dialogue: 0,0:00:04.00,0:00:05.00,Sign,,0,0,0,,A sign on top
Dialogue: 0,0:00:06.00,0:00:07.00,Default,,0,0,0,,{\an8}Moved up
"""


def test_ass_styles_lines_and_placement() -> None:
    track = read_subtitles(ASS.encode())
    assert track.source_format is SubtitleFormat.ASS
    assert track.cues == (
        Cue(1000, 3500, ("Plain <i>italic</i>", "Second <b>bold</b>")),
        Cue(4000, 5000, ("<i>A sign on top</i>",), Placement.TOP),
        Cue(6000, 7000, ("Moved up",), Placement.TOP),
    )


def test_ass_with_a_broken_dialogue_line_is_our_error() -> None:
    broken = ASS.replace("0:00:04.00", "0:xx:04.00")
    with pytest.raises(SubtitleParseError, match="ASS"):
        read_subtitles(broken.encode())


EBU_TT_D = """<?xml version="1.0" encoding="UTF-8"?>
<tt xmlns="http://www.w3.org/ns/ttml" xmlns:ttp="http://www.w3.org/ns/ttml#parameter"
    xmlns:tts="http://www.w3.org/ns/ttml#styling" ttp:timeBase="media" xml:lang="kk">
  <body>
    <div>
      <p begin="00:00:01.000" end="00:00:02.500">Сәлем,<br/>әлем</p>
      <p begin="00:00:03.000" end="00:00:04.000"><span tts:fontStyle="italic">Келесі</span></p>
    </div>
  </body>
</tt>
"""


def test_ebu_tt_d_clock_times() -> None:
    track = read_subtitles(EBU_TT_D.encode())
    assert track.source_format is SubtitleFormat.TTML
    assert track.cues == (Cue(1000, 2500, ("Сәлем,", "әлем")), Cue(3000, 4000, ("Келесі",)))


def test_ttml_frame_times_are_refused_clearly() -> None:
    frames = EBU_TT_D.replace('begin="00:00:01.000"', 'begin="00:00:01:12"')
    with pytest.raises(SubtitleParseError, match="TTML not supported"):
        read_subtitles(frames.encode())


def test_ttml_entity_declarations_are_refused() -> None:
    bomb = '<?xml version="1.0"?><!DOCTYPE tt [<!ENTITY a "aaaa">]>' + EBU_TT_D.split("?>", 1)[1]
    with pytest.raises(SubtitleParseError, match="DOCTYPE"):
        read_subtitles(bomb.encode())


def test_ttml_not_well_formed_names_the_line() -> None:
    broken = EBU_TT_D.replace("</div>", "</dvi>")
    with pytest.raises(SubtitleParseError) as caught:
        read_subtitles(broken.encode())
    assert caught.value.line == 8
    assert str(caught.value) == "line 8: TTML is not well-formed XML: mismatched tag"
