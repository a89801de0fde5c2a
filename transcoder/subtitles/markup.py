"""Cue text markup: keep WebVTT's <i>, <b>, <u>; drop every other tag.

Inside a `Cue` text is plain characters plus those three tags. Each format's reader brings
its own markup to that form and each writer takes it back out, escaping where the format
needs it (WebVTT) and not where it has no escapes (SRT).
"""

from __future__ import annotations

import html
import re

KEPT_TAGS = frozenset({"i", "b", "u"})

# A tag must start with a letter or '/', so "a < b" or "<3" stay text, as players show them.
_TAG = re.compile(r"<\s*(/?)\s*([A-Za-z][A-Za-z0-9]*)(?:[\s.][^<>]*)?>")
# WebVTT also has timestamp tags inside cue text (karaoke), which are not letters.
_VTT_TIMESTAMP_TAG = re.compile(r"<\d[\d:.]*>")
# SubStation override blocks ({\an8}, {\i1}) often leak into SRT files.
_SSA_OVERRIDE = re.compile(r"\{\\[^{}]*\}")
_SSA_ALIGNMENT = re.compile(r"\{[^{}]*\\an?([1-9])[^{}]*\}")
_KEPT_TAG_TOKEN = re.compile(r"</?[ibu]>")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _keep_allowed(match: re.Match[str]) -> str:
    closing, name = match.group(1), match.group(2).lower()
    return f"<{closing}{name}>" if name in KEPT_TAGS else ""


def clean_tags(text: str) -> str:
    """Lower-case and bare the kept tags (<I> -> <i>, <b class=x> -> <b>), remove the rest."""
    return _TAG.sub(_keep_allowed, text)


def clean_srt_line(line: str) -> str:
    """An SRT text line in our form: SubStation overrides and non-WebVTT tags removed."""
    return _CONTROL.sub("", clean_tags(_SSA_OVERRIDE.sub("", line))).strip()


def clean_vtt_line(line: str) -> str:
    """A WebVTT cue text line in our form: tags kept or dropped, character references decoded."""
    text = clean_tags(_VTT_TIMESTAMP_TAG.sub("", line))
    # Unescape between our tags only, so a decoded "&lt;i&gt;" stays text, not markup.
    parts = re.split(r"(</?[ibu]>)", text)
    decoded = "".join(p if _KEPT_TAG_TOKEN.fullmatch(p) else html.unescape(p) for p in parts)
    # Spaces are cue text in WebVTT (leading ones indent the line): not stripped.
    return _CONTROL.sub("", decoded)


def ssa_alignment(line: str) -> int | None:
    """The numpad alignment of a {\\anN} override in a line, if one is there."""
    match = _SSA_ALIGNMENT.search(line)
    return int(match.group(1)) if match else None


def escape_vtt(line: str) -> str:
    """Our cue text as WebVTT cue text: escape everything but the kept tags."""
    parts = re.split(r"(</?[ibu]>)", line)
    return "".join(
        p
        if _KEPT_TAG_TOKEN.fullmatch(p)
        else p.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        for p in parts
    )


def plain_text(line: str) -> str:
    """The characters a viewer reads: the line without its tags."""
    return _KEPT_TAG_TOKEN.sub("", line)
