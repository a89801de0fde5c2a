"""Is a probed file acceptable as a master? Reasons in words an editor understands.

`validate` judges a `MediaInfo`; `probe_failure_reasons` explains why ffprobe could not open a
file; `inspect` does both for a path and raises `MediaRejected`. The format whitelist in
`transcoder.run` is what protects; the magic-byte sniffing here only names what a refused file is.
"""

from __future__ import annotations

import codecs
import datetime
import re
from pathlib import Path

from transcoder.config import TranscoderConfig
from transcoder.errors import FFmpegFailed, MediaRejected, MediaTimeout
from transcoder.probe import MediaInfo, probe
from transcoder.run import INPUT_REJECTIONS, CancelCheck, MediaPath

MOV_FAMILY = "mov,mp4,m4a,3gp,3g2,mj2"
# The media data the index (moov) describes may exceed the file by muxing overhead only.
TRUNCATION_SLACK = 1.05

# Every reason a master is refused, by code: the English text stored with the asset is the
# template filled in, so a reader (the pages) can take any stored reason back to its code and
# parameters and say it in another language.
REJECTIONS: dict[str, str] = {
    "no_streams": "no video or audio stream",
    "audio_only": "no video stream (an audio-only file is accepted only as an audio asset, "
    "e.g. audio description)",
    "truncated": "file is truncated: the end of the media data is missing",
    "no_index": "file is truncated: the MP4/MOV index (moov) is missing",
    "container_refused": "container not accepted: {kind}",
    "not_video": "not a video file: {kind}",
    "not_media": "not a recognised audio or video file",
    "unreadable_detail": "file could not be read as media: {detail}",
    "unreadable": "file could not be read",
    "probe_timeout": "probe timed out after {seconds} s",
    "resolution_above_limit": "resolution {size} above limit {limit}",
    "picture_size_invalid": "picture size {size} is invalid",
    "frame_size_unknown": "video frame size unknown",
    "duration_unknown": "duration unknown",
    "no_duration": "file has no duration (empty, or a single still image)",
    "duration_above_limit": "duration {duration} above limit {limit}",
    # The transcode's own checks of the source (pipeline, chunked runs).
    "no_frame_rate": "the picture has no frame rate",
    "no_picture": "the file has no picture",
    "size_out_of_range": "picture size {size} is out of range",
    "duration_missing": "the file has no duration",
    "longer_than": "longer than {seconds} s",
    "no_picture_or_duration": "the file has no picture or no duration",
    **INPUT_REJECTIONS,
}


def rejection(code: str, **params: object) -> str:
    return REJECTIONS[code].format(**params)


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
    (b"II*\x00", "TIFF image"),
    (b"MM\x00*", "TIFF image"),
    (b"8BPS", "Photoshop image"),
    (b"PK\x03\x04", "ZIP archive"),
    (b"PK\x05\x06", "ZIP archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "Microsoft Office document (legacy .doc/.xls/.ppt)"),
    (b"%PDF", "PDF document"),
    (b"%!PS", "PostScript document"),
    (b"{\\rtf", "RTF document"),
    (b"\x1f\x8b", "gzip archive"),
    (b"BZh", "bzip2 archive"),
    (b"\xfd7zXZ\x00", "xz archive"),
    (b"\x28\xb5\x2f\xfd", "zstd archive"),
    (b"Rar!", "RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip archive"),
    (b"SQLite format 3\x00", "SQLite database"),
    (b"\x7fELF", "program (ELF executable)"),
    (b"MZ\x90\x00", "program (Windows executable)"),
)
# Structured text, told apart by the markup near its start (lower-cased); the first match wins.
_MARKUP: tuple[tuple[bytes, str], ...] = (
    (b"<!doctype html", "HTML document"),
    (b"<html", "HTML document"),
    (b"<head", "HTML document"),
    (b"<body", "HTML document"),
    (b"<mpd", "DASH manifest"),
    (b"<svg", "SVG image"),
)
_REFUSED_CONTAINER_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"#EXTM3U", "HLS playlist"),
    (b"ffconcat version", "ffconcat list"),
    (b"YUV4MPEG2", "YUV4MPEG raw video"),
    (b"<MPD", "DASH manifest"),
)
_REFUSED_CONTAINERS = frozenset({name for _, name in _REFUSED_CONTAINER_MAGIC})
_OFFICE, _OPEN_DOCUMENT = "Office document (.docx/.xlsx/.pptx)", "OpenDocument or EPUB document"
_TEXT, _XML, _JSON, _WEBP, _BMP = (
    "text file",
    "XML document",
    "JSON document",
    "WebP image",
    "BMP image",
)
# Every kind of file a reason can name (`{kind}`), so that a reader can say each in its language;
# besides these, FFmpeg's single-image demuxers give "<FORMAT> image" and an unknown refused
# demuxer its own name.
KINDS = frozenset(
    {
        *DEMUXER_NAMES.values(),
        *(name for _, name in (*_NOT_VIDEO_MAGIC, *_MARKUP, *_REFUSED_CONTAINER_MAGIC)),
        *(_OFFICE, _OPEN_DOCUMENT, _TEXT, _XML, _JSON, _WEBP, _BMP),
    }
)
_JSON_START = re.compile(rb'^(\{\s*("|\})|\[\s*("|\{|\[|-?\d|\]|true|false|null))')
# Bytes of text: printable characters and the usual whitespace, nothing else.
_TEXT_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
HEAD_BYTES = 1024


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
            reasons.append(rejection("no_streams"))
        elif not audio_only_allowed:
            reasons.append(rejection("audio_only"))
    reasons += _duration_reasons(info, cfg)
    if _is_truncated(info):
        reasons.append(rejection("truncated"))
    return reasons


def probe_failure_reasons(stderr: str, head: bytes) -> list[str]:
    """Why ffprobe could not open a file, from its messages and the file's first bytes."""
    kind = sniff(head)
    if kind in _REFUSED_CONTAINERS:
        return [rejection("container_refused", kind=kind)]
    if kind:
        return [rejection("not_video", kind=kind)]
    refused = _NOT_ON_WHITELIST.search(stderr)
    if refused:
        demuxer = refused.group(1)
        if demuxer.endswith("_pipe"):  # FFmpeg's single-image demuxers: png_pipe, webp_pipe...
            return [rejection("not_video", kind=f"{demuxer.removesuffix('_pipe').upper()} image")]
        return [rejection("container_refused", kind=DEMUXER_NAMES.get(demuxer, demuxer))]
    # Text named .mp4 reaches the MP4 demuxer, which only says that the index is missing.
    if _is_text(head):
        return [rejection("not_video", kind=_TEXT)]
    if "moov atom not found" in stderr:
        return [rejection("no_index")]
    if "Invalid data found when processing input" in stderr:
        return [rejection("not_media")]
    detail = _without_url(stderr)
    return [rejection("unreadable_detail", detail=detail) if detail else rejection("unreadable")]


def sniff(head: bytes) -> str | None:
    """Name common non-media or refused formats from their first bytes (None: none of them)."""
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return _WEBP
    if head.startswith(b"BM") and head[6:10] == b"\x00\x00\x00\x00":
        return _BMP
    if head.startswith(b"PK\x03\x04") and (office := _office_zip(head)):
        return office
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _utf16_kind(head)
    start = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    for magic, name in (*_NOT_VIDEO_MAGIC, *_REFUSED_CONTAINER_MAGIC):
        if start.startswith(magic):
            return name
    if start.startswith(b"<"):
        lowered = start.lower()
        found = [(lowered.find(tag), name) for tag, name in _MARKUP if tag in lowered]
        if found:
            return min(found)[1]
        if start.startswith(b"<?xml") or start[1:2].isalpha():
            return _XML
    if _JSON_START.match(start):
        return _JSON
    return None


def _office_zip(head: bytes) -> str | None:
    """OOXML (docx, xlsx, pptx) and OpenDocument files are ZIP archives whose first member names
    what they are; a plain ZIP archive answers None."""
    name_length = int.from_bytes(head[26:28], "little")
    first = head[30 : 30 + name_length]
    if first in (b"[Content_Types].xml", b"_rels/.rels", b"docProps/app.xml"):
        return _OFFICE
    if first == b"mimetype":
        return _OPEN_DOCUMENT
    return None


def _utf16_kind(head: bytes) -> str | None:
    encoding = "utf-16-le" if head.startswith(b"\xff\xfe") else "utf-16-be"
    text = head[2 : len(head) & ~1].decode(encoding, errors="replace")
    return _TEXT if not _TEXT_CONTROL.search(text) else None


def _is_text(head: bytes) -> bool:
    """UTF-8 (or ASCII) text without control characters, ignoring a character cut at the end."""
    if not head.strip():
        return False
    try:
        text = codecs.getincrementaldecoder("utf-8-sig")().decode(head, final=False)
    except UnicodeDecodeError:
        return False
    return not _TEXT_CONTROL.search(text)


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
        raise MediaRejected([rejection("probe_timeout", seconds=f"{exc.seconds:g}")]) from exc
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
        rejection("resolution_above_limit", size=f"{w}x{h}", limit=limit)
        if not _size_within(w, h, cfg)
        else rejection("picture_size_invalid", size=f"{w}x{h}")
        for w, h in dict.fromkeys(claimed)
    ]
    for video in info.video_streams:
        size = f"{video.width}x{video.height}"
        if not _size_within(video.width, video.height, cfg):
            reasons.append(rejection("resolution_above_limit", size=size, limit=limit))
        elif (video.width <= 0 or video.height <= 0) and not claimed:
            reasons.append(rejection("frame_size_unknown"))
    return reasons


def _size_within(width: int, height: int, cfg: TranscoderConfig) -> bool:
    # Orientation-free: a portrait phone clip is as acceptable as the same clip in landscape.
    long_side, short_side = max(width, height), min(width, height)
    return long_side <= max(cfg.max_width, cfg.max_height) and short_side <= min(
        cfg.max_width, cfg.max_height
    )


def _duration_reasons(info: MediaInfo, cfg: TranscoderConfig) -> list[str]:
    if info.duration is None:
        return [rejection("duration_unknown")]
    if info.duration <= 0:
        return [rejection("no_duration")]
    if info.duration > cfg.max_duration_s:
        duration, limit = _clock(info.duration), _clock(cfg.max_duration_s)
        return [rejection("duration_above_limit", duration=duration, limit=limit)]
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


def _head(path: MediaPath, size: int = HEAD_BYTES) -> bytes:
    # Only reached after `input_url` accepted `path` as a regular file.
    with Path(path).open("rb") as file:
        return file.read(size)
