"""Read subtitle bytes of any supported format into a `Track`."""

from __future__ import annotations

import re
from pathlib import Path

from transcoder.subtitles.encoding import decode_subtitle_bytes
from transcoder.subtitles.errors import SubtitleParseError
from transcoder.subtitles.model import ReadingNote, SubtitleFormat, Track
from transcoder.subtitles.srt import parse_srt
from transcoder.subtitles.ssa import parse_ssa
from transcoder.subtitles.ttml import parse_ttml
from transcoder.subtitles.vtt import parse_vtt

# Subtitle files are small (a feature is ~100 KB); anything far larger is not one.
MAX_SUBTITLE_BYTES = 20 * 1024 * 1024

_SSA_SECTION = re.compile(
    r"^\s*\[(Script Info|V4\+? Styles|Events)\]", re.IGNORECASE | re.MULTILINE
)
_ASS_STYLES = re.compile(r"^\s*\[V4\+ Styles\]", re.IGNORECASE | re.MULTILINE)
_TTML_ROOT = re.compile(r"<(\w+:)?tt[\s>]")


def detect_format(text: str) -> SubtitleFormat:
    """The format of decoded subtitle text, from its content rather than a file name."""
    head = text.lstrip("\ufeff \t\r\n")
    if head.startswith("WEBVTT"):
        return SubtitleFormat.WEBVTT
    if _SSA_SECTION.search(text):
        return SubtitleFormat.ASS if _ASS_STYLES.search(text) else SubtitleFormat.SSA
    if head.startswith("<") and _TTML_ROOT.search(text) and "http://www.w3.org/ns/ttml" in text:
        return SubtitleFormat.TTML
    return SubtitleFormat.SRT


def read_subtitles(
    data: bytes,
    language: str | None = None,
    expected_format: SubtitleFormat | None = None,
) -> Track:
    """Decode and parse a subtitle file.

    `language` (BCP 47) helps pick a legacy encoding; `expected_format` refuses a file whose
    content is another format. Raises `SubtitleParseError` (or its `SubtitleEncodingError`).
    """
    if len(data) > MAX_SUBTITLE_BYTES:
        raise SubtitleParseError(f"file of {len(data)} bytes is larger than {MAX_SUBTITLE_BYTES}")
    if not data.strip():
        raise SubtitleParseError("file is empty")
    decoded = decode_subtitle_bytes(data, language)
    text = decoded.text.removeprefix("\ufeff")
    found = detect_format(text)
    if expected_format is not None and found is not expected_format:
        raise SubtitleParseError(f"expected {expected_format.value}, content is {found.value}")
    notes: tuple[ReadingNote, ...] = ()
    if found is SubtitleFormat.WEBVTT:
        cues, notes = parse_vtt(text)
        if not cues and notes:
            # Nothing was readable: the first dropped block is the answer an editor needs.
            raise SubtitleParseError(notes[0].message)
    elif found in (SubtitleFormat.ASS, SubtitleFormat.SSA):
        cues = parse_ssa(text, found.value)
    elif found is SubtitleFormat.TTML:
        cues = parse_ttml(text)
    else:
        cues, notes = parse_srt(text)
        if not cues:
            raise SubtitleParseError("no subtitle cues found")
    return Track(cues=cues, source_format=found, encoding=decoded.encoding, notes=notes)


def read_subtitle_file(path: Path, language: str | None = None) -> Track:
    """`read_subtitles` on a file; the size is checked before the bytes are read."""
    size = path.stat().st_size
    if size > MAX_SUBTITLE_BYTES:
        raise SubtitleParseError(f"file of {size} bytes is larger than {MAX_SUBTITLE_BYTES}")
    return read_subtitles(path.read_bytes(), language)
