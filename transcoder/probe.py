"""What a media file holds, as typed data: `probe` runs ffprobe, `parse_probe` reads its JSON.

`parse_probe` is pure and tolerant: ffprobe's JSON carries whatever a hostile file's metadata says,
so every value is read defensively and a missing or malformed one becomes None.
"""

from __future__ import annotations

import itertools
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from fractions import Fraction
from typing import Any

from transcoder.config import TranscoderConfig
from transcoder.run import CancelCheck, MediaPath, run_ffprobe, run_ffprobe_logged

INTERLACED_FIELD_ORDERS = frozenset({"tt", "bb", "tb", "bt"})
HDR_TRANSFERS = {"smpte2084": "PQ", "arib-std-b67": "HLG"}
# Frame intervals read from the first packets of the video stream to tell VFR from CFR.
FRAME_TIMING_PACKETS = 300


class StreamKind(StrEnum):
    video = "video"
    audio = "audio"
    subtitle = "subtitle"
    data = "data"
    attachment = "attachment"
    other = "other"


class FrameRateMode(StrEnum):
    constant = "constant"
    variable = "variable"
    unknown = "unknown"


@dataclass(frozen=True, slots=True)
class Stream:
    index: int
    kind: StreamKind
    codec: str
    """ffprobe's codec name ("h264", "prores", "aac", "mov_text", ...); "unknown" if none."""
    codec_long_name: str | None = None
    codec_tag: str | None = None
    profile: str | None = None
    language: str | None = None
    """The language tag as written (ISO 639-2 "eng", or BCP 47 in MKV); None for "und"."""
    title: str | None = None
    duration: float | None = None
    bit_rate: int | None = None
    default: bool = False
    forced: bool = False
    timecode: str | None = None


@dataclass(frozen=True, slots=True)
class VideoStream(Stream):
    width: int = 0
    height: int = 0
    pix_fmt: str | None = None
    bit_depth: int | None = None
    frame_rate: Fraction | None = None
    """r_frame_rate: the base rate every timestamp fits."""
    avg_frame_rate: Fraction | None = None
    frame_rate_mode: FrameRateMode = FrameRateMode.unknown
    field_order: str | None = None
    sar: Fraction | None = None
    dar: Fraction | None = None
    rotation: int = 0
    """Display rotation in degrees, 0/90/180/270, counter-clockwise as FFmpeg's display matrix."""
    color_primaries: str | None = None
    color_transfer: str | None = None
    color_space: str | None = None
    color_range: str | None = None
    hdr: str | None = None
    """"PQ" (SMPTE ST 2084) or "HLG" (ARIB STD-B67); None for SDR."""
    attached_picture: bool = False
    """Cover art carried as a video stream (not motion video)."""

    @property
    def interlaced(self) -> bool:
        return self.field_order in INTERLACED_FIELD_ORDERS

    @property
    def variable_frame_rate(self) -> bool:
        return self.frame_rate_mode is FrameRateMode.variable

    @property
    def display_size(self) -> tuple[int, int]:
        """Width and height as shown: square pixels (SAR applied to the width), then rotated."""
        width = self.width
        if self.sar and self.sar > 0 and self.sar != 1:
            width = round(self.width * self.sar)
        if self.rotation in (90, 270):
            return self.height, width
        return width, self.height


@dataclass(frozen=True, slots=True)
class AudioStream(Stream):
    channels: int = 0
    channel_layout: str | None = None
    sample_rate: int | None = None
    sample_fmt: str | None = None


@dataclass(frozen=True, slots=True)
class SubtitleStream(Stream):
    hearing_impaired: bool = False


@dataclass(frozen=True, slots=True)
class MediaInfo:
    format_name: str
    """Demuxer name as ffprobe gives it, e.g. "mov,mp4,m4a,3gp,3g2,mj2", "mxf"."""
    format_long_name: str | None
    duration: float | None
    bit_rate: int | None
    size: int | None
    start_time: float | None = None
    probe_score: int | None = None
    title: str | None = None
    timecode: str | None = None
    """Start timecode from the container, a tmcd track or the video stream, e.g. "10:00:00:00"."""
    streams: tuple[Stream, ...] = ()
    log: tuple[str, ...] = field(default=())
    """ffprobe's complaints on an otherwise successful probe (e.g. an invalid picture size)."""

    @property
    def video_streams(self) -> tuple[VideoStream, ...]:
        """Motion video only: cover art is left out."""
        return tuple(
            s for s in self.streams if isinstance(s, VideoStream) and not s.attached_picture
        )

    @property
    def audio_streams(self) -> tuple[AudioStream, ...]:
        return tuple(s for s in self.streams if isinstance(s, AudioStream))

    @property
    def subtitle_streams(self) -> tuple[SubtitleStream, ...]:
        return tuple(s for s in self.streams if isinstance(s, SubtitleStream))

    @property
    def video(self) -> VideoStream | None:
        """The main picture: the default-flagged video stream, else the first."""
        videos = self.video_streams
        return next((v for v in videos if v.default), videos[0] if videos else None)


def probe(
    cfg: TranscoderConfig,
    path: MediaPath,
    *,
    frame_timing: bool = True,
    cancel: CancelCheck | None = None,
) -> MediaInfo:
    """Probe one user-media file. With `frame_timing`, the first packets' timestamps of the main
    video stream decide constant versus variable frame rate (a second, cheap ffprobe run)."""
    output = run_ffprobe_logged(cfg, path, cancel=cancel)
    info = parse_probe(output.data, log=output.log)
    video = info.video
    if not frame_timing or video is None:
        return info
    packets = run_ffprobe(
        cfg,
        path,
        args=(
            "-select_streams", str(video.index), "-show_entries", "packet=pts",
            "-read_intervals", f"%+#{FRAME_TIMING_PACKETS}",
        ),
        cancel=cancel,
    )  # fmt: skip
    pts = [p["pts"] for p in _list(packets.get("packets")) if isinstance(p.get("pts"), int)]
    mode = frame_rate_mode_from_pts(pts)
    if mode is FrameRateMode.unknown:
        return info
    streams = tuple(replace(s, frame_rate_mode=mode) if s is video else s for s in info.streams)
    return replace(info, streams=streams)


def frame_rate_mode_from_pts(pts: Sequence[int]) -> FrameRateMode:
    """Constant if every interval between presentation times is the same, to timebase rounding."""
    ordered = sorted(set(pts))
    if len(ordered) < 4:
        return FrameRateMode.unknown
    deltas = [b - a for a, b in itertools.pairwise(ordered)]
    typical = statistics.median(deltas)
    # A 25 fps track in a 1/15360 timebase alternates 614/615 ticks: that is still constant.
    tolerance = max(1.0, 0.02 * typical)
    spread = max(deltas) - min(deltas)
    return FrameRateMode.variable if spread > tolerance else FrameRateMode.constant


def parse_probe(data: Mapping[str, Any], *, log: str = "") -> MediaInfo:
    """Typed `MediaInfo` from ffprobe's `-show_format -show_streams` JSON."""
    fmt = _dict(data.get("format"))
    tags = _tags(fmt)
    streams = tuple(_stream(s) for s in _list(data.get("streams")) if isinstance(s, dict))
    duration = _float(fmt.get("duration"))
    if duration is None:
        durations = [s.duration for s in streams if s.duration is not None]
        duration = max(durations) if durations else None
    timecode = _str(tags.get("timecode")) or next((s.timecode for s in streams if s.timecode), None)
    return MediaInfo(
        format_name=_str(fmt.get("format_name")) or "unknown",
        format_long_name=_str(fmt.get("format_long_name")),
        duration=duration,
        bit_rate=_int(fmt.get("bit_rate")),
        size=_int(fmt.get("size")),
        start_time=_float(fmt.get("start_time")),
        probe_score=_int(fmt.get("probe_score")),
        title=_str(tags.get("title")),
        timecode=timecode,
        streams=streams,
        log=tuple(line.strip() for line in log.splitlines() if line.strip()),
    )


def _stream(raw: dict[str, Any]) -> Stream:
    tags = _tags(raw)
    disposition = _dict(raw.get("disposition"))
    kind_name = _str(raw.get("codec_type")) or "other"
    kind = StreamKind(kind_name) if kind_name in StreamKind.__members__ else StreamKind.other
    language = _str(tags.get("language"))
    common: dict[str, Any] = {
        "index": _int(raw.get("index")) or 0,
        "kind": kind,
        "codec": _str(raw.get("codec_name")) or "unknown",
        "codec_long_name": _str(raw.get("codec_long_name")),
        "codec_tag": _str(raw.get("codec_tag_string")),
        "profile": _str(raw.get("profile")),
        "language": None if language in (None, "und") else language,
        "title": _str(tags.get("title")),
        "duration": _float(raw.get("duration")) or _tag_duration(tags),
        "bit_rate": _int(raw.get("bit_rate")),
        "default": disposition.get("default") == 1,
        "forced": disposition.get("forced") == 1,
        "timecode": _str(tags.get("timecode")),
    }
    if kind is StreamKind.video:
        return _video(raw, tags, disposition, common)
    if kind is StreamKind.audio:
        return AudioStream(
            **common,
            channels=_int(raw.get("channels")) or 0,
            channel_layout=_str(raw.get("channel_layout")),
            sample_rate=_int(raw.get("sample_rate")),
            sample_fmt=_str(raw.get("sample_fmt")),
        )
    if kind is StreamKind.subtitle:
        return SubtitleStream(**common, hearing_impaired=disposition.get("hearing_impaired") == 1)
    return Stream(**common)


def _video(
    raw: dict[str, Any], tags: dict[str, Any], disposition: dict[str, Any], common: dict[str, Any]
) -> VideoStream:
    r_rate = _ratio(raw.get("r_frame_rate"), "/")
    avg_rate = _ratio(raw.get("avg_frame_rate"), "/")
    transfer = _str(raw.get("color_transfer"))
    field_order = _str(raw.get("field_order"))
    return VideoStream(
        **common,
        width=_int(raw.get("width")) or 0,
        height=_int(raw.get("height")) or 0,
        pix_fmt=_str(raw.get("pix_fmt")),
        bit_depth=_int(raw.get("bits_per_raw_sample")),
        frame_rate=r_rate,
        avg_frame_rate=avg_rate,
        frame_rate_mode=frame_rate_mode_from_rates(r_rate, avg_rate),
        field_order=None if field_order == "unknown" else field_order,
        sar=_ratio(raw.get("sample_aspect_ratio"), ":"),
        dar=_ratio(raw.get("display_aspect_ratio"), ":"),
        rotation=_rotation(raw, tags),
        color_primaries=_str(raw.get("color_primaries")),
        color_transfer=transfer,
        color_space=_str(raw.get("color_space")),
        color_range=_str(raw.get("color_range")),
        hdr=HDR_TRANSFERS.get(transfer or ""),
        attached_picture=disposition.get("attached_pic") == 1,
    )


def frame_rate_mode_from_rates(r_rate: Fraction | None, avg_rate: Fraction | None) -> FrameRateMode:
    """The weaker evidence, used when packet timing is not read: the base rate (r_frame_rate)
    and the average differ by more than 1% only when frame intervals vary."""
    if not r_rate or not avg_rate:
        return FrameRateMode.unknown
    if abs(r_rate - avg_rate) / r_rate > Fraction(1, 100):
        return FrameRateMode.variable
    return FrameRateMode.constant


def _rotation(raw: dict[str, Any], tags: dict[str, Any]) -> int:
    degrees: float | None = None
    for side in _list(raw.get("side_data_list")):
        if isinstance(side, dict) and "rotation" in side:
            degrees = _float(side.get("rotation"))
            break
    if degrees is None:
        # Older muxers write a clockwise "rotate" tag instead of a display matrix.
        rotate = _float(tags.get("rotate"))
        degrees = -rotate if rotate is not None else 0.0
    return round(degrees / 90.0) * 90 % 360


def _tag_duration(tags: dict[str, Any]) -> float | None:
    # Matroska keeps per-track durations as a "DURATION" tag: "00:00:02.023000000".
    text = _str(tags.get("DURATION"))
    if not text:
        return None
    parts = text.split(":")
    try:
        seconds = 0.0
        for part in parts:
            seconds = seconds * 60 + float(part)
    except ValueError:
        return None
    return seconds


def _ratio(value: Any, sep: str) -> Fraction | None:
    text = _str(value)
    if not text or sep not in text:
        return None
    num, _, den = text.partition(sep)
    try:
        n, d = int(num), int(den)
    except ValueError:
        return None
    return Fraction(n, d) if d > 0 and n > 0 else None


def _tags(raw: Mapping[str, Any]) -> dict[str, Any]:
    return _dict(raw.get("tags"))


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _str(value: Any) -> str | None:
    if isinstance(value, str) and value and value != "N/A":
        return value
    return None


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    try:
        return int(str(value))
    except ValueError:
        return None


def _float(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if number == number and abs(number) != float("inf") else None


__all__ = [
    "AudioStream",
    "FrameRateMode",
    "MediaInfo",
    "Stream",
    "StreamKind",
    "SubtitleStream",
    "VideoStream",
    "frame_rate_mode_from_pts",
    "frame_rate_mode_from_rates",
    "parse_probe",
    "probe",
]
