"""Encodings partners really send: BOMs, UTF-16, Windows-1251 (Russian, Kazakh), GB18030."""

import codecs

import pytest

from transcoder.subtitles import (
    SubtitleEncodingError,
    SubtitleFormat,
    decode_subtitle_bytes,
    read_subtitles,
)

RUSSIAN = (
    "1\r\n00:00:01,000 --> 00:00:03,000\r\nПривет, как дела?\r\n\r\n"
    "2\r\n00:00:04,000 --> 00:00:06,000\r\nВсё хорошо, спасибо.\r\n"
)
# Kazakh with only the letters Windows-1251 has, as such files are typed.
KAZAKH_CP1251 = "1\n00:00:01,000 --> 00:00:03,000\nБіз кинотеатрда кездесеміз\n"
# Kazakh with its own letters (ә, қ, ң, ұ, ө): the Windows-1251 variant KZ-1048.
KAZAKH_FULL = (
    "1\n00:00:01,000 --> 00:00:03,000\nСәлеметсіз бе, қалыңыз қалай?\n\n"
    "2\n00:00:04,000 --> 00:00:06,000\nРақмет, жақсы. Ұлттық өнер.\n"
)
CHINESE = (
    "1\n00:00:01,000 --> 00:00:03,000\n你好，欢迎来到电影节。\n\n"
    "2\n00:00:04,000 --> 00:00:06,000\n我们明天见。\n"
)


def first_line(data: bytes, language: str | None = None) -> tuple[str, str]:
    track = read_subtitles(data, language=language)
    return track.cues[0].lines[0], track.encoding


def test_russian_in_cp1251_with_language_hint() -> None:
    assert first_line(RUSSIAN.encode("cp1251"), "ru") == ("Привет, как дела?", "cp1251")


def test_russian_in_cp1251_without_hint_is_guessed() -> None:
    assert first_line(RUSSIAN.encode("cp1251")) == ("Привет, как дела?", "cp1251")


def test_kazakh_in_cp1251() -> None:
    assert first_line(KAZAKH_CP1251.encode("cp1251"), "kk") == (
        "Біз кинотеатрда кездесеміз",
        "cp1251",
    )


def test_kazakh_letters_outside_cp1251_read_as_kz1048() -> None:
    track = read_subtitles(KAZAKH_FULL.encode("kz1048"), language="kk")
    assert track.encoding == "kz1048"
    assert track.cues[1].lines == ("Рақмет, жақсы. Ұлттық өнер.",)


def test_chinese_in_gb18030_with_hint() -> None:
    assert first_line(CHINESE.encode("gb18030"), "zh-Hans") == ("你好，欢迎来到电影节。", "gb18030")


def test_chinese_in_gb18030_without_hint() -> None:
    assert first_line(CHINESE.encode("gb18030"))[0] == "你好，欢迎来到电影节。"


def test_traditional_chinese_hint_reads_big5() -> None:
    text = "1\n00:00:01,000 --> 00:00:03,000\n歡迎來到電影節，我們明天見。\n"
    assert first_line(text.encode("cp950"), "zh-TW") == ("歡迎來到電影節，我們明天見。", "cp950")


@pytest.mark.parametrize(
    ("bom", "codec", "name"),
    [
        (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16-be"),
        (codecs.BOM_UTF8, "utf-8", "utf-8"),
    ],
)
def test_byte_order_marks_decide_the_encoding(bom: bytes, codec: str, name: str) -> None:
    track = read_subtitles(bom + RUSSIAN.encode(codec))
    assert track.encoding == name
    assert track.cues[1].lines == ("Всё хорошо, спасибо.",)
    assert track.source_format is SubtitleFormat.SRT


def test_utf8_bom_before_webvtt_header() -> None:
    data = codecs.BOM_UTF8 + b"WEBVTT\n\n00:01.000 --> 00:02.000\nCaf\xc3\xa9\n"
    track = read_subtitles(data)
    assert track.source_format is SubtitleFormat.WEBVTT
    assert track.cues[0].lines == ("Café",)


def test_hint_that_does_not_fit_falls_back_to_detection() -> None:
    # Chinese bytes with a Russian hint: cp1251 decodes them, but not to Cyrillic text.
    assert first_line(CHINESE.encode("gb18030"), "ru")[0] == "你好，欢迎来到电影节。"


def test_broken_text_after_a_bom_is_our_error() -> None:
    with pytest.raises(SubtitleEncodingError, match="utf-16-le"):
        decode_subtitle_bytes(codecs.BOM_UTF16_LE + b"\x00\xd8")


def test_strict_utf8_wins_over_guessing() -> None:
    assert decode_subtitle_bytes("Ёлка".encode()).encoding == "utf-8"
