"""HLS delivery of subtitles: WebVTT segments aligned to the video's, their media playlist,
and the #EXT-X-MEDIA line the master playlist carries for each subtitle rendition (RFC 8216).
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import langcodes

from transcoder.subtitles.errors import HlsSubtitleError
from transcoder.subtitles.model import Cue, Track
from transcoder.subtitles.vtt import write_vtt

# RFC 8216 3.5: MPEG-2 timestamps are 33 bits at 90 kHz.
_MAX_MPEGTS = 2**33 - 1
_SAFE_NAME = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]*")


class HlsSubtitles(NamedTuple):
    playlist: str
    segments: list[tuple[str, str]]


def uniform_segment_durations(total_ms: int, segment_ms: int) -> tuple[int, ...]:
    """Durations of a video cut every `segment_ms`, the last segment holding the remainder."""
    if total_ms <= 0 or segment_ms <= 0:
        raise HlsSubtitleError(f"durations must be above zero, got {total_ms} and {segment_ms}")
    full, rest = divmod(total_ms, segment_ms)
    return (segment_ms,) * full + ((rest,) if rest else ())


def _segment_text(cues: list[Cue], mpegts: int) -> str:
    # Cue times stay on the presentation timeline; the map ties time 0 to the video's first PTS.
    return write_vtt(cues, metadata=[f"X-TIMESTAMP-MAP=MPEGTS:{mpegts},LOCAL:00:00:00.000"])


def _in_segment(cue: Cue, start: int, end: int) -> bool:
    # A cue shown across a boundary goes in every segment it is shown in (RFC 8216 3.5);
    # a zero-length cue goes where it starts.
    if cue.end_ms <= cue.start_ms:
        return start <= cue.start_ms < end
    return cue.start_ms < end and cue.end_ms > start


def segment_track(
    track: Track,
    segment_durations_ms: Sequence[int],
    mpegts: int = 0,
    name_prefix: str = "subs_",
) -> HlsSubtitles:
    """WebVTT segments matching the video's segments, and the subtitle media playlist.

    `segment_durations_ms` are the video's segment durations (its playlist's EXTINF values),
    so subtitle segment n covers the same time as video segment n. `mpegts` is the 90 kHz
    media time of presentation time 0: 0 for fMP4 whose first fragment starts at 0, 126000
    for FFmpeg's MPEG-TS muxer. Cues starting after the last segment are left out (QC
    reports them as past the end of the video).
    """
    if not segment_durations_ms or any(d <= 0 for d in segment_durations_ms):
        raise HlsSubtitleError("segment durations must be a non-empty list of positive values")
    if not 0 <= mpegts <= _MAX_MPEGTS:
        raise HlsSubtitleError(f"MPEGTS {mpegts} is outside 0..{_MAX_MPEGTS}")
    if not _SAFE_NAME.fullmatch(name_prefix):
        raise HlsSubtitleError(f"segment name prefix {name_prefix!r} is not a plain file name")
    ordered = sorted(track.cues, key=lambda cue: (cue.start_ms, cue.end_ms))
    segments: list[tuple[str, str]] = []
    entries: list[str] = []
    start = 0
    for index, duration in enumerate(segment_durations_ms):
        end = start + duration
        name = f"{name_prefix}{index:05d}.vtt"
        cues = [cue for cue in ordered if _in_segment(cue, start, end)]
        segments.append((name, _segment_text(cues, mpegts)))
        entries += [f"#EXTINF:{duration / 1000:.3f},", name]
        start = end
    target = math.ceil(max(segment_durations_ms) / 1000)
    playlist = "\n".join(
        [
            "#EXTM3U",
            "#EXT-X-VERSION:3",
            f"#EXT-X-TARGETDURATION:{target}",
            "#EXT-X-MEDIA-SEQUENCE:0",
            "#EXT-X-PLAYLIST-TYPE:VOD",
            *entries,
            "#EXT-X-ENDLIST",
            "",
        ]
    )
    return HlsSubtitles(playlist, segments)


def _write_atomically(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8", newline="\n")
    os.replace(temporary, path)


def write_hls_subtitles(directory: Path, playlist_name: str, rendition: HlsSubtitles) -> Path:
    """Write segments, then the playlist that points at them, each file replaced atomically."""
    for name in (playlist_name, *(name for name, _ in rendition.segments)):
        if not _SAFE_NAME.fullmatch(name):
            raise HlsSubtitleError(f"{name!r} is not a plain file name")
    directory.mkdir(parents=True, exist_ok=True)
    for name, text in rendition.segments:
        _write_atomically(directory / name, text)
    playlist = directory / playlist_name
    _write_atomically(playlist, rendition.playlist)
    return playlist


def _quoted(value: str, attribute: str) -> str:
    # RFC 8216 4.2: a quoted-string holds no double quote, CR or LF.
    if not value or any(c in value for c in '"\r\n'):
        raise HlsSubtitleError(f"{attribute} {value!r} must be non-empty, without quotes or breaks")
    return f'"{value}"'


def _yes_no(flag: bool) -> str:
    return "YES" if flag else "NO"


def subtitle_media_entry(
    language: str,
    name: str,
    default: bool,
    autoselect: bool,
    forced: bool,
    uri: str,
    group_id: str = "subs",
) -> str:
    """The #EXT-X-MEDIA line of one subtitle rendition.

    RFC 8216 wants AUTOSELECT=YES wherever DEFAULT=YES, and a forced-narrative track has to
    be picked by the player on its own, so both turn AUTOSELECT on. `language` is a BCP 47
    tag, written in its standard form ("kk", "zh-Hans").
    """
    if not langcodes.tag_is_valid(language):
        raise HlsSubtitleError(f"language {language!r} is not a valid BCP 47 tag")
    attributes = [
        "TYPE=SUBTITLES",
        f"GROUP-ID={_quoted(group_id, 'GROUP-ID')}",
        f"NAME={_quoted(name, 'NAME')}",
        f"LANGUAGE={_quoted(langcodes.standardize_tag(language), 'LANGUAGE')}",
        f"DEFAULT={_yes_no(default)}",
        f"AUTOSELECT={_yes_no(autoselect or default or forced)}",
        f"FORCED={_yes_no(forced)}",
        f"URI={_quoted(uri, 'URI')}",
    ]
    return "#EXT-X-MEDIA:" + ",".join(attributes)


@dataclass(frozen=True, slots=True)
class SubtitleRenditionEntry:
    language: str
    name: str
    uri: str
    default: bool = False
    autoselect: bool = True
    forced: bool = False


def subtitle_media_entries(
    renditions: Sequence[SubtitleRenditionEntry], group_id: str = "subs"
) -> list[str]:
    """The #EXT-X-MEDIA lines of a subtitle group: at most one DEFAULT, names unique (RFC 8216)."""
    defaults = [r.name for r in renditions if r.default]
    if len(defaults) > 1:
        raise HlsSubtitleError(f"only one subtitle rendition may be DEFAULT, got {defaults}")
    names = [r.name for r in renditions]
    if len(set(names)) != len(names):
        raise HlsSubtitleError(f"subtitle rendition names must be unique in a group, got {names}")
    return [
        subtitle_media_entry(r.language, r.name, r.default, r.autoselect, r.forced, r.uri, group_id)
        for r in renditions
    ]
