"""SubStation Alpha and Advanced SubStation (SSA/ASS) through pysubs2, to our cue form."""

from __future__ import annotations

import pysubs2
from pysubs2.formats.substation import parse_tags

from transcoder.subtitles.errors import SubtitleParseError
from transcoder.subtitles.markup import clean_srt_line, ssa_alignment
from transcoder.subtitles.model import MAX_TIME_MS, Cue, Placement

_PLACEMENT_BY_ROW = {0: Placement.BOTTOM, 1: Placement.MIDDLE, 2: Placement.TOP}


def _styled(fragment: str, style: pysubs2.SSAStyle) -> str:
    for tag, on in (("i", style.italic), ("b", style.bold), ("u", style.underline)):
        if on and fragment.strip():
            fragment = f"<{tag}>{fragment}</{tag}>"
    return fragment


def _event_lines(event: pysubs2.SSAEvent, subs: pysubs2.SSAFile) -> tuple[str, ...]:
    style = subs.styles.get(event.style, pysubs2.SSAStyle.DEFAULT_STYLE)
    text = event.text.replace(r"\h", " ").replace(r"\n", r"\N")
    lines = []
    # Styles run across \N, so tags are applied per line to keep each line well formed.
    for raw_line in text.split(r"\N"):
        runs = parse_tags(raw_line, style, subs.styles)
        lines.append(clean_srt_line("".join(_styled(f, s) for f, s in runs)))
    return tuple(line for line in lines if line)


def _event_placement(event: pysubs2.SSAEvent, subs: pysubs2.SSAFile) -> Placement:
    alignment = ssa_alignment(event.text)
    if alignment is None:
        style = subs.styles.get(event.style, pysubs2.SSAStyle.DEFAULT_STYLE)
        alignment = int(style.alignment)
    return _PLACEMENT_BY_ROW.get((alignment - 1) // 3, Placement.BOTTOM)


def parse_ssa(text: str, format_id: str) -> tuple[Cue, ...]:
    """Cues of an SSA or ASS document (`format_id` "ssa" or "ass"); comments and drawings left out."""
    try:
        subs = pysubs2.SSAFile.from_string(text, format_=format_id)
    # pysubs2 reports bad fields with the plain built-in errors of the code that met them.
    except (pysubs2.Pysubs2Error, ValueError, KeyError, IndexError, TypeError) as error:
        raise SubtitleParseError(f"not a readable {format_id.upper()} file: {error}") from None
    cues = []
    for number, event in enumerate(subs.get_text_events(), 1):
        if not (0 <= event.start <= MAX_TIME_MS and 0 <= event.end <= MAX_TIME_MS):
            raise SubtitleParseError(f"dialogue {number}: time outside 0..{MAX_TIME_MS} ms")
        cues.append(
            Cue(event.start, event.end, _event_lines(event, subs), _event_placement(event, subs))
        )
    return tuple(cues)
