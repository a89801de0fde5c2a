"""The name players show for a track: the editor's label, else the language's own name."""

from __future__ import annotations

from babel import Locale, UnknownLocaleError

from catalogue.models import SubtitleTrack
from catalogue.models.subtitles import SubtitleKind

_SUFFIX = {SubtitleKind.captions: " (SDH)", SubtitleKind.forced: " (forced)"}


def language_autonym(tag: str) -> str:
    """ "Русский", "Қазақ тілі", "中文 (简体)": what a viewer of that language looks for."""
    try:
        locale = Locale.parse(tag, sep="-")
        name = locale.get_display_name(locale) or tag
    except (UnknownLocaleError, ValueError):
        return tag
    return name[:1].upper() + name[1:]


def display_name(track: SubtitleTrack) -> str:
    if track.label:
        return track.label
    return language_autonym(track.language) + _SUFFIX.get(SubtitleKind(track.kind), "")
