"""HLS master playlists written from data, and the facts they declare measured from real files.

FFmpeg can write a master playlist, but then subtitle groups could only be added by re-encoding
(FIELD_NOTES): we write it ourselves from data, so another step can add subtitle renditions later.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import m3u8


class PlaylistError(ValueError):
    """A playlist cannot be written or measured as asked."""


@dataclass(frozen=True)
class AudioRendition:
    group_id: str
    name: str
    language: str | None
    uri: str
    channels: int
    default: bool = False


@dataclass(frozen=True)
class SubtitleRendition:
    group_id: str
    name: str
    language: str | None
    uri: str
    default: bool = False
    forced: bool = False


@dataclass(frozen=True)
class Variant:
    uri: str
    bandwidth: int
    average_bandwidth: int
    codecs: tuple[str, ...]
    width: int
    height: int
    frame_rate: float
    audio_group: str | None = None
    subtitle_group: str | None = None
    video_range: str | None = None
    """"SDR", "PQ" or "HLG" (VIDEO-RANGE); None leaves the attribute out (SDR)."""


@dataclass(frozen=True)
class Bitrate:
    """Bits per second of a media playlist's segments: peak segment rate and overall average."""

    peak: int
    average: int

    def __add__(self, other: Bitrate) -> Bitrate:
        return Bitrate(self.peak + other.peak, self.average + other.average)


def _quoted(value: str) -> str:
    # RFC 8216 quoted-strings cannot hold a double quote or a line break.
    if any(c in value for c in '"\r\n') or not value:
        raise PlaylistError(f"cannot put {value!r} in a quoted playlist attribute")
    return f'"{value}"'


def _yes_no(flag: bool) -> str:
    return "YES" if flag else "NO"


def _media_line(kind: str, group: str, name: str, language: str | None, uri: str) -> list[str]:
    attrs = [f"TYPE={kind}", f"GROUP-ID={_quoted(group)}", f"NAME={_quoted(name)}"]
    if language:
        attrs.append(f"LANGUAGE={_quoted(language)}")
    attrs.append(f"URI={_quoted(uri)}")
    return attrs


def write_master_playlist(
    variants: Sequence[Variant],
    audio_renditions: Sequence[AudioRendition],
    subtitle_renditions: Sequence[SubtitleRendition] = (),
) -> str:
    """Return the text of a multivariant playlist. Pure: every figure comes from the arguments."""
    if not variants:
        raise PlaylistError("a master playlist needs at least one variant")
    audio_groups = {a.group_id for a in audio_renditions}
    subtitle_groups = {s.group_id for s in subtitle_renditions}
    for v in variants:
        if v.audio_group is not None and v.audio_group not in audio_groups:
            raise PlaylistError(f"variant {v.uri} names unknown audio group {v.audio_group!r}")
        if v.subtitle_group is not None and v.subtitle_group not in subtitle_groups:
            raise PlaylistError(
                f"variant {v.uri} names unknown subtitle group {v.subtitle_group!r}"
            )
    lines = ["#EXTM3U", "#EXT-X-VERSION:7", "#EXT-X-INDEPENDENT-SEGMENTS"]
    for a in audio_renditions:
        attrs = _media_line("AUDIO", a.group_id, a.name, a.language, a.uri)
        attrs[3:3] = [f"DEFAULT={_yes_no(a.default)}", "AUTOSELECT=YES"]
        attrs.append(f"CHANNELS={_quoted(str(a.channels))}")
        lines.append("#EXT-X-MEDIA:" + ",".join(attrs))
    for s in subtitle_renditions:
        attrs = _media_line("SUBTITLES", s.group_id, s.name, s.language, s.uri)
        attrs[3:3] = [
            f"DEFAULT={_yes_no(s.default)}",
            "AUTOSELECT=YES",
            f"FORCED={_yes_no(s.forced)}",
        ]
        lines.append("#EXT-X-MEDIA:" + ",".join(attrs))
    for v in sorted(variants, key=lambda v: v.bandwidth, reverse=True):
        attrs = [
            f"BANDWIDTH={v.bandwidth}",
            f"AVERAGE-BANDWIDTH={v.average_bandwidth}",
            f"CODECS={_quoted(','.join(v.codecs))}",
            f"RESOLUTION={v.width}x{v.height}",
            f"FRAME-RATE={v.frame_rate:.3f}",
        ]
        if v.video_range is not None:
            attrs.append(f"VIDEO-RANGE={v.video_range}")
        if v.audio_group is not None:
            attrs.append(f"AUDIO={_quoted(v.audio_group)}")
        if v.subtitle_group is not None:
            attrs.append(f"SUBTITLES={_quoted(v.subtitle_group)}")
        lines += ["#EXT-X-STREAM-INF:" + ",".join(attrs), v.uri]
    return "\n".join(lines) + "\n"


def avc1_codec(init_segment: bytes) -> str:
    """RFC 6381 ``avc1.PPCCLL`` from the avcC box of an fMP4 init segment or an MP4 header."""
    at = init_segment.find(b"avcC")
    record = init_segment[at + 4 : at + 8]
    if at < 0 or len(record) < 4 or record[0] != 1:
        raise PlaylistError("no AVC decoder configuration record (avcC) in the init segment")
    return f"avc1.{record[1]:02x}{record[2]:02x}{record[3]:02x}"


def hvc1_codec(init_segment: bytes) -> str:
    """RFC 6381 ``hvc1.P.C.TL.B...`` (ISO/IEC 14496-15 annex E) from the hvcC box of an init
    segment: profile, compatibility flags (bit-reversed), tier and level, constraint bytes."""
    at = init_segment.find(b"hvcC")
    record = init_segment[at + 4 : at + 17]
    if at < 0 or len(record) < 13 or record[0] != 1:
        raise PlaylistError("no HEVC decoder configuration record (hvcC) in the init segment")
    space = "" if not record[1] >> 6 else "ABC"[(record[1] >> 6) - 1]
    tier = "H" if record[1] & 0x20 else "L"
    profile = record[1] & 0x1F
    compatibility = int(f"{int.from_bytes(record[2:6], 'big'):032b}"[::-1], 2)
    constraints = list(record[6:12])
    while constraints and constraints[-1] == 0:
        constraints.pop()
    parts = [f"hvc1.{space}{profile}", f"{compatibility:X}", f"{tier}{record[12]}"]
    return ".".join(parts + [f"{b:X}" for b in constraints])


# ffprobe's AAC profile names -> MPEG-4 audio object type.
_AAC_OBJECT_TYPES = {"LC": 2, "HE-AAC": 5, "HE-AACv2": 29, "Main": 1, "LTP": 4}


def mp4a_codec(aac_profile: str) -> str:
    try:
        return f"mp4a.40.{_AAC_OBJECT_TYPES[aac_profile]}"
    except KeyError:
        raise PlaylistError(f"no HLS codec string for AAC profile {aac_profile!r}") from None


def measure_media_playlist(playlist: Path) -> Bitrate:
    """Peak and average bit rate of the segments a VOD media playlist lists, from their sizes.

    The init segment is left out, as Apple's validator does: it is fetched once, not per segment.
    """
    try:
        parsed = m3u8.loads(playlist.read_text(encoding="utf-8"), uri=str(playlist))
    except (OSError, UnicodeDecodeError) as exc:
        raise PlaylistError(f"cannot read media playlist {playlist}: {exc}") from None
    if not parsed.segments:
        raise PlaylistError(f"media playlist {playlist} lists no segments")
    total_bits = 0
    total_seconds = Fraction(0)
    peak = 0.0
    for segment in parsed.segments:
        path = playlist.parent / segment.uri
        if segment.byterange:
            raise PlaylistError("byte-range segments are not measured here")
        bits = path.stat().st_size * 8
        seconds = Fraction(segment.duration).limit_denominator(90000)
        if seconds <= 0:
            raise PlaylistError(f"segment {segment.uri} has no duration")
        total_bits += bits
        total_seconds += seconds
        peak = max(peak, bits / float(seconds))
    return Bitrate(peak=math.ceil(peak), average=math.ceil(total_bits / float(total_seconds)))
