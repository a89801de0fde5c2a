"""The name players show for a track: the editor's label, else the language's own name."""

from __future__ import annotations

import langcodes

from catalogue.models import SubtitleTrack
from catalogue.models.subtitles import SubtitleKind

_SUFFIX = {SubtitleKind.captions: " (SDH)", SubtitleKind.forced: " (forced)"}


def display_name(track: SubtitleTrack) -> str:
    if track.label:
        return track.label
    name = langcodes.Language.get(track.language).display_name(track.language)
    return name[:1].upper() + name[1:] + _SUFFIX.get(SubtitleKind(track.kind), "")
