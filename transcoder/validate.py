"""Is a probed file acceptable as a master? Reasons in words an editor understands.

`validate` judges a `MediaInfo`; `probe_failure_reasons` explains why ffprobe could not open a
file; `inspect` does both for a path and raises `MediaRejected`. The format whitelist in
`transcoder.run` is what protects; the magic-byte sniffing here only names what a refused file is.
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path

from transcoder.config import TranscoderConfig
from transcoder.errors import FFmpegFailed, MediaRejected, MediaTimeout
from transcoder.probe import MediaInfo, probe
from transcoder.run import CancelCheck, MediaPath

MOV_FAMILY = "mov,mp4,m4a,3gp,3g2,mj2"
# The media data the index (moov) describes may exceed the file by muxing overhead only.
TRUNCATION_SLACK = 1.05

_NOT_ON_WHITELIST = re.compile(r"\[([\w,]+) @ 0x[0-9a-f]+\] Format not on whitelist")
_INVALID_PICTURE = re.compile(r"Picture size (\d+)x(\d+) is invalid")

# What ffprobe's demuxer names mean to an editor.
DEMUXER_NAMES = {
    "hls": "HLS playlist",
    "concat": "ffconcat list",
    "dash": "DASH manifest",
    "yuv4mpegpipe": "YUV4MPEG raw video",
    "image2": "image sequence",
    "tty": "text file",
    "ffmetadata": "FFmpeg metadata file",
    "srt": "SubRip subtitle file",
    "webvtt": "WebVTT subtitle file",
    "ass": "SSA/ASS subtitle file",
}
_NOT_VIDEO_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF8", "GIF image"),
    (b"PK\x03\x04", "ZIP archive"),
    (b"PK\x05\x06", "ZIP archive"),
    (b"%PDF", "PDF document"),
    (b"\x1f\x8b", "gzip archive"),
    (b"Rar!", "RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip archive"),
)
_REFUSED_CONTAINER_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"#EXTM3U", "HLS playlist"),
    (b"ffconcat version", "ffconcat list"),
    (b"YUV4MPEG2", "YUV4MPEG raw video"),
    (b"<?xml", "XML document"),
    (b"<MPD", "DASH manifest"),
)


def validate(
    info: MediaInfo, cfg: TranscoderConfig, *, audio_only_allowed: bool = False
) -> list[str]:
    """Every reason `info` is not an acceptable master; empty when it is.

    `audio_only_allowed`: the asset is a sound asset (e.g. an audio description track), so a file
    without motion video is fine as long as it has audio.
    """
    reasons = _picture_size_reasons(info, cfg)
    videos = info.video_streams
    if not videos:
        if not info.audio_streams:
            reasons.append("no video or audio stream")
        elif not audio_only_allowed:
            reasons.append(
                "no video stream (an audio-only file is accepted only as an audio asset, "
                "e.g. audio description)"
            )
    reasons += _duration_reasons(info, cfg)
    if _is_truncated(info):
        reasons.append("file is truncated: the end of the media data is missing")
    return reasons


def probe_failure_reasons(stderr: str, head: bytes) -> list[str]:
    """Why ffprobe could not open a file, from its messages and the file's first bytes."""
    kind = sniff(head)
    if kind in {name for _, name in _NOT_VIDEO_MAGIC}:
        return [f"not a video file: {kind}"]
    if kind:
        return [f"container not accepted: {kind}"]
    refused = _NOT_ON_WHITELIST.search(stderr)
    if refused:
        demuxer = refused.group(1)
        if demuxer.endswith("_pipe"):  # FFmpeg's single-image demuxers: png_pipe, webp_pipe...
            return [f"not a video file: {demuxer.removesuffix('_pipe').upper()} image"]
        return [f"container not accepted: {DEMUXER_NAMES.get(demuxer, demuxer)}"]
    if "moov atom not found" in stderr:
        return ["file is truncated: the MP4/MOV index (moov) is missing"]
    if "Invalid data found when processing input" in stderr:
        return ["not a recognised audio or video file"]
    detail = _without_url(stderr)
    return [f"file could not be read as media: {detail}" if detail else "file could not be read"]


def sniff(head: bytes) -> str | None:
    """Name a few non-media or refused formats from their first bytes."""
    start = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    for magic, name in (*_NOT_VIDEO_MAGIC, *_REFUSED_CONTAINER_MAGIC):
        if start.startswith(magic):
            return name
    return None


def inspect(
    cfg: TranscoderConfig,
    path: MediaPath,
    *,
    audio_only_allowed: bool = False,
    cancel: CancelCheck | None = None,
) -> MediaInfo:
    """Probe and validate an uploaded master; raise `MediaRejected` with every reason found.

    Machine trouble (`TransientMediaError`, `BinaryNotFound`, `MediaCancelled`) passes through.
    """
    try:
        info = probe(cfg, path, cancel=cancel)
    except MediaTimeout as exc:
        raise MediaRejected([f"probe timed out after {exc.seconds:g} s"]) from exc
    except FFmpegFailed as exc:
        raise MediaRejected(probe_failure_reasons(exc.stderr_tail, _head(path))) from exc
    reasons = validate(info, cfg, audio_only_allowed=audio_only_allowed)
    if reasons:
        raise MediaRejected(reasons)
    return info


def _picture_size_reasons(info: MediaInfo, cfg: TranscoderConfig) -> list[str]:
    limit = f"{cfg.max_width}x{cfg.max_height}"
    invalid = [_INVALID_PICTURE.search(line) for line in info.log]
    claimed = [(int(m.group(1)), int(m.group(2))) for m in invalid if m]
    # A header claiming a size FFmpeg refuses to allocate is reported as 0x0 plus a log line.
    reasons = [
        f"resolution {w}x{h} above limit {limit}"
        if not _size_within(w, h, cfg)
        else f"picture size {w}x{h} is invalid"
        for w, h in dict.fromkeys(claimed)
    ]
    for video in info.video_streams:
        if not _size_within(video.width, video.height, cfg):
            reasons.append(f"resolution {video.width}x{video.height} above limit {limit}")
        elif (video.width <= 0 or video.height <= 0) and not claimed:
            reasons.append("video frame size unknown")
    return reasons


def _size_within(width: int, height: int, cfg: TranscoderConfig) -> bool:
    # Orientation-free: a portrait phone clip is as acceptable as the same clip in landscape.
    long_side, short_side = max(width, height), min(width, height)
    return long_side <= max(cfg.max_width, cfg.max_height) and short_side <= min(
        cfg.max_width, cfg.max_height
    )


def _duration_reasons(info: MediaInfo, cfg: TranscoderConfig) -> list[str]:
    if info.duration is None:
        return ["duration unknown"]
    if info.duration <= 0:
        return ["file has no duration (empty, or a single still image)"]
    if info.duration > cfg.max_duration_s:
        return [f"duration {_clock(info.duration)} above limit {_clock(cfg.max_duration_s)}"]
    return []


def _is_truncated(info: MediaInfo) -> bool:
    """MP4/MOV only: the index states every sample's size, so the bytes it describes (stream bit
    rate x duration) cannot exceed the file. ffprobe opens such a file without complaint."""
    if info.format_name != MOV_FAMILY or not info.size:
        return False
    described = sum(
        s.bit_rate * s.duration / 8
        for s in info.streams
        if s.bit_rate is not None and s.duration is not None
    )
    return described > info.size * TRUNCATION_SLACK


def _clock(seconds: float) -> str:
    return str(datetime.timedelta(seconds=round(seconds)))


def _without_url(stderr: str) -> str:
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    if not lines:
        return ""
    return re.sub(r"^file:.*?: ", "", lines[-1])


def _head(path: MediaPath, size: int = 64) -> bytes:
    # Only reached after `input_url` accepted `path` as a regular file.
    with Path(path).open("rb") as file:
        return file.read(size)
