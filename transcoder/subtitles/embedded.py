"""Subtitle streams inside media files: list them with ffprobe, extract them as text.

Both go through `transcoder.run`, the one module that starts FFmpeg with hardened inputs and
timeouts. FFmpeg's own failures come out as `transcoder.errors.MediaError` (its transient and
permanent kinds matter to the job layer); what is ours to refuse is `EmbeddedSubtitleError`.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from transcoder.config import TranscoderConfig
from transcoder.run import run_ffmpeg, run_ffprobe
from transcoder.subtitles.errors import EmbeddedSubtitleError
from transcoder.subtitles.model import Track
from transcoder.subtitles.reader import read_subtitle_file
from transcoder.subtitles.timing import shift

# Text codecs FFmpeg converts to SRT; ASS keeps its own format so styling reaches pysubs2.
_TEXT_CODECS = frozenset({"subrip", "srt", "mov_text", "webvtt", "text", "ass", "ssa"})
_SSA_CODECS = frozenset({"ass", "ssa"})


@dataclass(frozen=True, slots=True)
class SubtitleStream:
    index: int
    codec: str
    language: str | None
    title: str | None
    default: bool
    forced: bool
    hearing_impaired: bool

    @property
    def is_text(self) -> bool:
        """False for bitmap subtitles (PGS, DVD, DVB), which need OCR we do not do."""
        return self.codec in _TEXT_CODECS


def _mapping(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def subtitle_streams_from_probe(probe: Mapping[str, Any]) -> list[SubtitleStream]:
    """The subtitle streams in ffprobe's `-show_streams` JSON."""
    streams = []
    for stream in probe.get("streams") or []:
        if not isinstance(stream, dict) or stream.get("codec_type") != "subtitle":
            continue
        tags = _mapping(stream.get("tags"))
        disposition = _mapping(stream.get("disposition"))
        language = tags.get("language")
        streams.append(
            SubtitleStream(
                index=int(stream.get("index", -1)),
                codec=str(stream.get("codec_name", "unknown")),
                # "und" is how containers say the language was never set.
                language=language if language and language != "und" else None,
                title=tags.get("title"),
                default=bool(disposition.get("default")),
                forced=bool(disposition.get("forced")),
                hearing_impaired=bool(disposition.get("hearing_impaired")),
            )
        )
    return streams


def list_subtitle_streams(cfg: TranscoderConfig, media: Path) -> list[SubtitleStream]:
    return subtitle_streams_from_probe(run_ffprobe(cfg, media, args=("-show_streams",)))


@dataclass(frozen=True, slots=True)
class ExtractedTrack:
    """`dropped`: indices of cues that ended before the first video frame."""

    track: Track
    dropped: tuple[int, ...]


def extraction_args(media: Path, stream: SubtitleStream, output: Path) -> list[str]:
    """FFmpeg arguments that write one subtitle stream to `output` as SRT (or ASS for ASS)."""
    if not stream.is_text:
        raise EmbeddedSubtitleError(
            f"stream {stream.index} is {stream.codec}, a bitmap subtitle; it needs OCR"
        )
    if stream.codec in _SSA_CODECS:
        codec_args = ["-c:s", "copy", "-f", "ass"]
    else:
        codec_args = ["-c:s", "srt", "-f", "srt"]
    # -copyts keeps the container's times; without it FFmpeg moves the earliest timestamp of
    # the file (often audio priming, before the first frame) to 0 and every cue moves with it.
    return [
        "-copyts", "-i", str(media), "-map", f"0:{stream.index}", *codec_args, "-y", str(output)
    ]  # fmt: skip


def video_start_ms(probe: Mapping[str, Any]) -> int:
    """Start of the first video stream: what a player shows as time 0, and cues are timed to."""
    for stream in probe.get("streams") or []:
        if isinstance(stream, dict) and stream.get("codec_type") == "video":
            try:
                return round(float(stream.get("start_time", 0)) * 1000)
            except (TypeError, ValueError):
                return 0
    return 0


def extract_subtitle_stream(
    cfg: TranscoderConfig, media: Path, stream: SubtitleStream
) -> ExtractedTrack:
    """Read one embedded text subtitle stream into a `Track` timed from the first video frame."""
    start_ms = video_start_ms(run_ffprobe(cfg, media, args=("-show_streams",)))
    with tempfile.TemporaryDirectory(dir=cfg.temp_dir, prefix="subs-") as work:
        output = Path(work) / ("stream.ass" if stream.codec in _SSA_CODECS else "stream.srt")
        run_ffmpeg(cfg, extraction_args(media, stream, output), inputs=[media])
        if not output.exists() or output.stat().st_size == 0:
            # FFmpeg writes nothing for a stream without a single cue.
            raise EmbeddedSubtitleError(f"stream {stream.index} holds no subtitles")
        track = read_subtitle_file(output, language=stream.language)
    shifted = shift(track, -start_ms)
    return ExtractedTrack(shifted.track, shifted.dropped)
