"""Open captions: the FFmpeg `subtitles` (libass) filter that burns a subtitle file into video.

A path inside a filter graph is read by two parsers: the filter's option parser, then the
graph parser. Each has its own special characters, so the path is escaped for both, in that
order (FFmpeg documentation, "Notes on filtergraph escaping").
"""

from __future__ import annotations

from pathlib import Path

from transcoder.subtitles.errors import SubtitleError

_OPTION_SPECIAL = "\\':"
_GRAPH_SPECIAL = "\\'[],;"


def _escape(text: str, special: str) -> str:
    return "".join("\\" + c if c in special else c for c in text)


def escape_filter_value(value: str) -> str:
    """`value` as one option value of one filter inside a filter graph."""
    return _escape(_escape(value, _OPTION_SPECIAL), _GRAPH_SPECIAL)


def burn_in_filter(subtitle_file: Path, force_style: str | None = None) -> str:
    """The `subtitles=` filter for a subtitle file we wrote (SRT, WebVTT or ASS).

    `force_style` is ASS style overrides, e.g. "Fontsize=28,Outline=2"; its commas separate
    style fields and are escaped like the rest.
    """
    path = str(subtitle_file.resolve())
    if any(c in path for c in "\n\r\0"):
        raise SubtitleError(f"subtitle path {path!r} holds a line break or NUL")
    spec = f"subtitles=filename={escape_filter_value(path)}"
    if force_style:
        spec += f":force_style={escape_filter_value(force_style)}"
    return spec
