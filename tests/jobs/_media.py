"""A tiny ladder, a small real clip, and a ready asset stored the way ingest stores masters."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import Session

from catalogue.models import Asset, AssetState, Title
from catalogue.settings import Settings
from catalogue.storage import make_storage
from transcoder.config import TranscoderConfig
from transcoder.run import run_ffmpeg


def make_clip(path: Path, seconds: float = 3.0, size: str = "320x240") -> Path:
    video = f"testsrc2=size={size}:rate=25:duration={seconds}"
    tone = f"sine=frequency=440:sample_rate=48000:duration={seconds}"
    run_ffmpeg(
        TranscoderConfig(),
        ["-v", "error", "-f", "lavfi", "-i", video, "-f", "lavfi", "-i", tone,
         "-c:v", "libx264", "-preset", "ultrafast", "-g", "25", "-pix_fmt", "yuv420p",
         "-c:a", "aac", "-b:a", "96k", "-shortest", "-y", str(path)],
        inputs=[],
        own_inputs=[video, tone],
        timeout=120,
    )  # fmt: skip
    return path


def ready_asset(session: Session, settings: Settings, clip: Path) -> Asset:
    """A probed, accepted master in storage. Committing it queues its transcode."""
    title = Title(kind="drama", original_title="Steppe Wind", original_language="kk")
    session.add(title)
    session.flush()
    asset = Asset(
        title_id=title.id,  # type: ignore[arg-type]
        kind="main",
        state=AssetState.uploaded,
        original_filename="steppe-wind.mp4",
        size=clip.stat().st_size,
    )
    session.add(asset)
    session.flush()
    key = f"assets/{asset.id}/master.mp4"
    make_storage(settings).put_file(clip, key)
    asset.storage_key = key
    asset.state = AssetState.ready
    session.add(asset)
    session.commit()
    session.refresh(asset)
    return asset
