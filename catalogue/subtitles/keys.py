"""Storage keys of subtitle files: server-made, never from a client's filename."""

from __future__ import annotations

from catalogue.storage.keys import subtitles_prefix
from transcoder.subtitles import SubtitleFormat

_EXTENSIONS = {
    SubtitleFormat.SRT: "srt",
    SubtitleFormat.WEBVTT: "vtt",
    SubtitleFormat.ASS: "ass",
    SubtitleFormat.SSA: "ssa",
    SubtitleFormat.TTML: "ttml",
}


def track_prefix(title_id: int, track_id: int) -> str:
    return f"{subtitles_prefix(title_id)}/{track_id}"


def vtt_key(title_id: int, track_id: int, revision: int) -> str:
    return f"{track_prefix(title_id, track_id)}/r{revision}.vtt"


def original_key(title_id: int, track_id: int, revision: int, source: SubtitleFormat) -> str:
    return f"{track_prefix(title_id, track_id)}/r{revision}-original.{_EXTENSIONS[source]}"


def burnin_key(title_id: int, track_id: int, revision: int, asset_id: int) -> str:
    return f"{track_prefix(title_id, track_id)}/burnin/asset{asset_id}-r{revision}.mp4"
