"""Chunked transcoding: the picture of a long master cut on segment (GOP) boundaries, each chunk
encoded on its own (another worker, another machine), then joined by stream copy into the same
HLS renditions and delivery MP4 a single run makes.

Chunks start on multiples of the segment length; output GOPs are exactly one segment and forced
from each chunk's zero, so every keyframe and segment falls where a single run puts it. Sound is
encoded once over the whole length: AAC cut into chunks would gain a priming gap at every join.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from transcoder.config import TranscoderConfig
from transcoder.errors import FFmpegFailed
from transcoder.ladder import (
    DELIVERY_VIDEO,
    INIT_SEGMENT,
    MEDIA_PLAYLIST,
    SEGMENT_PATTERN,
    LoudnormPass,
    RenditionPlan,
    build_audio_graph,
    build_chunk_graph,
    rung_dir,
)
from transcoder.profiles import Ladder
from transcoder.run import CancelCheck, ProgressCallback, run_ffmpeg

CHUNKS_DIR = ".chunks"


@dataclass(frozen=True)
class Chunk:
    index: int
    first_segment: int
    """Index of the first HLS segment this chunk makes."""
    start_frame: int
    """First output frame: where a single run forces the keyframe of ``first_segment``."""
    frames: int | None
    """Frames to encode; None for the last chunk (to the end of the master)."""

    def start(self, frame_rate: Fraction) -> Fraction:
        return self.start_frame / frame_rate


def plan_chunks(
    duration: float, frame_rate: Fraction, segment_seconds: int, chunk_seconds: float
) -> tuple[Chunk, ...]:
    """Chunks of about ``chunk_seconds``, rounded to whole segments (at least one each).

    A chunk starts on the first frame at or after its first segment's start time, the frame a
    single run makes a keyframe (29.97 fps: segments are 119 or 120 frames, never a fraction).
    """
    if duration <= 0 or chunk_seconds <= 0 or frame_rate <= 0:
        raise ValueError("duration, frame rate and chunk length must be positive")
    per_chunk = max(1, round(chunk_seconds / segment_seconds))
    step = per_chunk * segment_seconds
    # A tail shorter than half a segment (a sound track outlasting the picture by a few
    # milliseconds) stays with the last chunk: a chunk of its own could hold no frame at all.
    count = max(1, math.ceil((Fraction(duration) - Fraction(segment_seconds, 2)) / step))
    starts = [math.ceil(n * step * frame_rate) for n in range(count + 1)]
    return tuple(
        Chunk(
            index=n,
            first_segment=n * per_chunk,
            start_frame=starts[n],
            frames=None if n == count - 1 else starts[n + 1] - starts[n],
        )
        for n in range(count)
    )


FetchChunk = Callable[[Chunk, Path], None]
"""Puts the pictures a chunk's `encode_chunk` made (elsewhere) into the folder given."""


def chunk_dir(work: Path, chunk: Chunk) -> Path:
    return work / CHUNKS_DIR / f"{chunk.index:05d}"


def encode_chunk(
    cfg: TranscoderConfig,
    master: Path,
    plan: RenditionPlan,
    ladder: Ladder,
    chunk: Chunk,
    work: Path,
    *,
    cancel: CancelCheck | None = None,
) -> tuple[str, ...]:
    """Encode one chunk's picture for every rung; independent of every other chunk."""
    graph = build_chunk_graph(
        master,
        plan,
        ladder,
        chunk_dir(work, chunk),
        start=chunk.start(plan.frame_rate),
        first_segment=chunk.first_segment,
        frames=chunk.frames,
    )
    return run_ffmpeg(cfg, graph, inputs=[master], cancel=cancel).argv


def _concat_list(work: Path, chunks: tuple[Chunk, ...], name: str) -> Path:
    listing = work / CHUNKS_DIR / f"{name}.ffconcat"
    lines = ["ffconcat version 1.0"]
    for chunk in chunks:
        part = chunk_dir(work, chunk) / f"{name}.mp4"
        if not part.is_file():
            raise FFmpegFailed(f"chunk {chunk.index} has no {name} picture")
        if "'" in str(part) or "\n" in str(part):
            raise ValueError(f"work path {part} cannot be written into a concat list")
        lines.append(f"file '{part}'")
    listing.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return listing


def _concat_input(listing: Path) -> list[str]:
    # Our own list of our own files: the concat demuxer is never given user media.
    return ["-f", "concat", "-safe", "0", "-i", str(listing)]


def join_rung(
    cfg: TranscoderConfig,
    plan: RenditionPlan,
    name: str,
    chunks: tuple[Chunk, ...],
    work: Path,
    *,
    cancel: CancelCheck | None = None,
) -> tuple[str, ...]:
    """Join one rung's chunks by stream copy and cut it into the HLS segments."""
    listing = _concat_list(work, chunks, name)
    directory = work / name
    directory.mkdir(parents=True, exist_ok=True)
    args = [
        *_concat_input(listing), "-map", "0:v:0", "-c", "copy",
        "-f", "hls", "-hls_time", str(plan.segment_seconds), "-hls_playlist_type", "vod",
        "-hls_segment_type", "fmp4", "-hls_fmp4_init_filename", INIT_SEGMENT,
        "-hls_segment_filename", str(directory / SEGMENT_PATTERN),
        "-hls_flags", "independent_segments", "-y", str(directory / MEDIA_PLAYLIST),
    ]  # fmt: skip
    return run_ffmpeg(cfg, args, inputs=[], own_inputs=[str(listing)], cancel=cancel).argv


def join_delivery(
    cfg: TranscoderConfig,
    chunks: tuple[Chunk, ...],
    work: Path,
    sound: Path | None,
    *,
    cancel: CancelCheck | None = None,
) -> tuple[str, ...]:
    """The delivery MP4: joined picture plus the whole-length sound, faststart."""
    listing = _concat_list(work, chunks, "delivery")
    target = work / DELIVERY_VIDEO
    target.parent.mkdir(parents=True, exist_ok=True)
    args = [*_concat_input(listing)]
    own = [str(listing)]
    maps = ["-map", "0:v:0"]
    if sound is not None:
        args += ["-i", str(sound)]
        own.append(str(sound))
        maps += ["-map", "1:a"]
    args += [*maps, "-c", "copy", "-movflags", "+faststart", "-y", str(target)]
    return run_ffmpeg(cfg, args, inputs=[], own_inputs=own, cancel=cancel).argv


def transcode_chunked(
    cfg: TranscoderConfig,
    master: Path,
    plan: RenditionPlan,
    ladder: Ladder,
    work: Path,
    chunk_seconds: float,
    *,
    duration: float,
    loudnorm: Mapping[int, LoudnormPass] | None = None,
    on_progress: ProgressCallback | None = None,
    cancel: CancelCheck | None = None,
    fetch: FetchChunk | None = None,
) -> tuple[tuple[str, ...], ...]:
    """Everything the one-process graph makes, made chunk by chunk, in the same layout.

    Chunks run one after another here, unless ``fetch`` brings each chunk's pictures, encoded
    by other workers with `encode_chunk`; sound, joins and delivery are made here either way.
    Returns every FFmpeg command run.
    """
    chunks = plan_chunks(duration, plan.frame_rate, plan.segment_seconds, chunk_seconds)
    commands: list[tuple[str, ...]] = []
    steps = len(chunks) + 2
    for done, chunk in enumerate(chunks):
        if fetch is None:
            commands.append(encode_chunk(cfg, master, plan, ladder, chunk, work, cancel=cancel))
        else:
            fetch(chunk, chunk_dir(work, chunk))
        if on_progress is not None:
            on_progress((done + 1) / steps)
    sound: Path | None = None
    if plan.audio:
        sound = work / CHUNKS_DIR / "sound.mp4"
        graph = build_audio_graph(master, plan, ladder, work, sound, loudnorm=loudnorm)
        commands.append(run_ffmpeg(cfg, graph, inputs=[master], cancel=cancel).argv)
    for planned in plan.rungs:
        commands.append(join_rung(cfg, plan, rung_dir(planned), chunks, work, cancel=cancel))
    commands.append(join_delivery(cfg, chunks, work, sound, cancel=cancel))
    if on_progress is not None:
        on_progress(1.0)
    return tuple(commands)
