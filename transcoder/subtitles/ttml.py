"""TTML and EBU-TT-D, read with pysubs2's TTML reader (text and line breaks; no styling).

pysubs2 reads clock times ("00:00:01.000") and offsets ("1.5s") but not frame-based times
("00:00:01:12" with ttp:frameRate); those files are refused with a clear error.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pysubs2

from transcoder.subtitles.errors import SubtitleParseError
from transcoder.subtitles.markup import clean_srt_line
from transcoder.subtitles.model import MAX_TIME_MS, Cue

# Entity declarations are how XML bombs work; subtitle documents have no use for them.
_DTD = re.compile(r"<!(DOCTYPE|ENTITY)", re.IGNORECASE)


def parse_ttml(text: str) -> tuple[Cue, ...]:
    if _DTD.search(text):
        raise SubtitleParseError("TTML with a DOCTYPE or ENTITY declaration is refused")
    try:
        subs = pysubs2.SSAFile.from_string(text, format_="ttml")
    except ET.ParseError as error:
        # expat's message ends with its own ": line N, column M"; we give the line our way.
        reason = str(error).rsplit(": line", 1)[0]
        raise SubtitleParseError(
            f"TTML is not well-formed XML: {reason}", error.position[0]
        ) from None
    # pysubs2 raises NotImplementedError for frame-based times and seq containers.
    except (pysubs2.Pysubs2Error, NotImplementedError, ValueError, KeyError) as error:
        raise SubtitleParseError(f"TTML not supported: {error}") from None
    cues = []
    for number, event in enumerate(subs.get_text_events(), 1):
        if not (0 <= event.start <= MAX_TIME_MS and 0 <= event.end <= MAX_TIME_MS):
            raise SubtitleParseError(f"paragraph {number}: time outside 0..{MAX_TIME_MS} ms")
        lines = tuple(t for t in map(clean_srt_line, event.text.split(r"\N")) if t)
        cues.append(Cue(event.start, event.end, lines))
    return tuple(cues)
