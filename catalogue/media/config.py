"""The one place the service's settings become the media library's settings."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from catalogue.settings import Settings
from transcoder.config import TranscoderConfig
from transcoder.profiles import DEFAULT_LADDER, Ladder, load_ladder


def work_dir(settings: Settings) -> Path:
    """Local scratch space of media jobs (on the data disk, beside local storage)."""
    return settings.data_dir / "work"


def transcoder_config(settings: Settings, timeout_s: float | None = None) -> TranscoderConfig:
    """FFmpeg paths and limits; ``timeout_s`` caps one FFmpeg run (a job passes its own)."""
    temp = work_dir(settings) / "tmp"
    temp.mkdir(parents=True, exist_ok=True)
    cfg = TranscoderConfig(
        ffmpeg_path=settings.ffmpeg_path,
        ffprobe_path=settings.ffprobe_path,
        quality_ffmpeg_path=settings.vmaf_ffmpeg_path,
        measure_quality=settings.measure_quality,
        probe_timeout_s=settings.probe_timeout_s,
        niceness=settings.media_niceness,
        temp_dir=temp,
    )
    return cfg if timeout_s is None else replace(cfg, ffmpeg_timeout_s=timeout_s)


def ladder(settings: Settings) -> Ladder:
    return load_ladder(settings.transcode_ladder) if settings.transcode_ladder else DEFAULT_LADDER
