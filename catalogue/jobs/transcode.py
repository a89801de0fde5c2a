"""The "transcode_asset" job: an asset's master in, its published rendition set and rows out.

Crash-safe and idempotent: FFmpeg works in a per-asset workspace that the next attempt wipes
(sweeping a killed attempt's temp files); the transcoder publishes locally by atomic renames,
storage publishes the master playlist last, and the rows are upserted by asset and path, so
running the job twice leaves the same rows and the same keys."""

from __future__ import annotations

import dataclasses
import logging
import shutil
from pathlib import Path
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError
from sqlalchemy import event
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm import UOWTransaction
from sqlmodel import Session, select

from catalogue.jobs import JobContext, PermanentJobError, TransientJobError, enqueue, register
from catalogue.jobs.queue import add_job
from catalogue.jobs.registry import handler_for
from catalogue.models.assets import Asset, AssetState
from catalogue.models.jobs import Job
from catalogue.models.renditions import RenditionFile, RenditionSet
from catalogue.models.types import utcnow
from catalogue.settings import Settings
from catalogue.storage import ObjectNotFound, make_storage
from catalogue.storage.keys import renditions_prefix
from catalogue.subtitles import delivery as subtitle_delivery
from transcoder import pipeline
from transcoder.config import TranscoderConfig
from transcoder.profiles import DEFAULT_LADDER, Ladder, load_ladder

log = logging.getLogger("catalogue.jobs")

JOB_KIND = "transcode_asset"
# The encode dominates; publishing and recording take the rest.
_ENCODE_SHARE = 0.9


def enqueue_transcode(session: Session, asset_id: int) -> Job:
    """Queue the renditions of a ready asset (once: a queued, running or done job is reused)."""
    return enqueue(session, JOB_KIND, {"asset_id": asset_id}, dedupe_key=f"transcode:{asset_id}")


_BECAME_READY = "catalogue.jobs.assets_became_ready"


@event.listens_for(OrmSession, "after_flush")
def _note_ready_assets(session: OrmSession, _flush: UOWTransaction) -> None:
    # Whoever marks an asset ready (the probe job, an import, the demo) queues its renditions
    # in the same transaction, so a ready asset without a transcode job cannot exist.
    for asset in [*session.new, *session.dirty]:
        if (
            isinstance(asset, Asset)
            and asset.state == AssetState.ready
            and sa_inspect(asset).attrs.state.history.added
        ):
            session.info.setdefault(_BECAME_READY, set()).add(asset.id)


@event.listens_for(OrmSession, "after_flush_postexec")
def _queue_ready_assets(session: OrmSession, _flush: UOWTransaction) -> None:
    ready = session.info.pop(_BECAME_READY, set())
    with session.no_autoflush:
        for asset_id in sorted(ready):
            # Added, not flushed (no flushing inside a flush): the commit flushes it.
            add_job(session, JOB_KIND, {"asset_id": asset_id}, dedupe_key=f"transcode:{asset_id}")  # type: ignore[arg-type]


def workspace(settings: Settings, asset_id: int) -> Path:
    return settings.data_dir / "work" / "transcode" / f"asset-{asset_id}"


def ladder(settings: Settings) -> Ladder:
    return load_ladder(settings.transcode_ladder) if settings.transcode_ladder else DEFAULT_LADDER


def transcoder_config(settings: Settings, timeout_s: float) -> TranscoderConfig:
    return TranscoderConfig(
        ffmpeg_path=settings.ffmpeg_path,
        ffprobe_path=settings.ffprobe_path,
        ffmpeg_timeout_s=timeout_s,
        temp_dir=settings.data_dir / "work" / "tmp",
    )


@register(JOB_KIND, timeout_s=6 * 3600, max_attempts=3)
def transcode_asset_job(ctx: JobContext) -> dict[str, Any]:
    asset_id = int(ctx.payload["asset_id"])
    with ctx.session() as session:
        asset = session.get(Asset, asset_id)
        if asset is None:
            return {"asset_id": asset_id, "skipped": "the asset was deleted"}
        if asset.state != AssetState.ready or asset.storage_key is None:
            raise PermanentJobError(
                f"asset {asset_id} is {asset.state}; only ready (probed and accepted) assets "
                "are transcoded: wait for its probe, or upload a new master"
            )
        master_key = asset.storage_key
    storage = make_storage(ctx.settings)
    work = workspace(ctx.settings, asset_id)
    shutil.rmtree(work, ignore_errors=True)  # what a killed attempt left behind
    work.mkdir(parents=True)
    cfg = transcoder_config(ctx.settings, handler_for(JOB_KIND).timeout_s)
    prefix = renditions_prefix(asset_id)
    try:
        with storage.local_copy(master_key) as master:
            made = pipeline.transcode(
                cfg,
                master,
                work / "out",
                ladder(ctx.settings),
                on_progress=lambda f: ctx.progress(f * _ENCODE_SHARE, "encoding renditions"),
                cancel=ctx.cancelled,
            )
        ctx.progress(_ENCODE_SHARE, "publishing renditions")
        storage.publish(made.directory, prefix, last=[made.master_playlist])
    except ObjectNotFound:
        raise PermanentJobError(
            f"the master of asset {asset_id} is missing from storage ({master_key}); "
            "upload it again"
        ) from None
    except (BotoCoreError, ClientError, OSError) as error:
        raise TransientJobError(
            f"storage failed while transcoding asset {asset_id}: {error}"
        ) from error
    finally:
        shutil.rmtree(work, ignore_errors=True)
    with ctx.session() as session:
        row = record(session, asset_id, ctx.job_id, prefix, made)
        # The new set replaced the old one with its subtitle groups: deliver them again.
        subtitle_delivery.after_renditions_published(session, ctx.settings, storage, asset_id)
        session.refresh(row)
        summary = {
            "asset_id": asset_id,
            "rendition_set_id": row.id,
            "master_playlist_key": row.master_playlist_key,
            "variants": len(row.variants),
            "files": len(made.files),
            "total_bytes": row.total_bytes,
        }
    return summary


def record(
    session: Session, asset_id: int, job_id: int | None, prefix: str, made: pipeline.RenditionSet
) -> RenditionSet:
    """Upsert the asset's rendition set and its files by path (idempotent)."""
    row = session.exec(select(RenditionSet).where(RenditionSet.asset_id == asset_id)).first()
    if row is None:
        row = RenditionSet(asset_id=asset_id, prefix=prefix, total_bytes=0, duration_s=0.0,
                           master_playlist_key="", delivery_video_key="", poster_key="",
                           storyboard_vtt_key="")  # fmt: skip
    key = f"{prefix}/{{}}".format
    loudness = made.output_loudness
    row.job_id = job_id
    row.prefix = prefix
    row.master_playlist_key = key(made.master_playlist)
    row.delivery_video_key = key(made.delivery_video)
    row.delivery_audio_key = key(made.delivery_audio) if made.delivery_audio else None
    row.poster_key = key(made.poster)
    row.storyboard_vtt_key = key(made.storyboard_vtt)
    row.storyboard_sprite_keys = [key(s) for s in made.storyboard_sprites]
    row.variants = [_variant(v) for v in made.variants]
    row.audio_renditions = [dataclasses.asdict(a) for a in made.audio_renditions]
    row.duration_s = made.duration
    row.loudness_integrated_lufs = _finite(loudness.integrated) if loudness else None
    row.loudness_true_peak_dbtp = _finite(loudness.true_peak) if loudness else None
    row.loudness_range_lu = _finite(loudness.lra) if loudness else None
    row.source_loudness = [
        {k: v for k, v in dataclasses.asdict(s).items() if _finite(v) is not None}
        for s in made.source_loudness
    ]
    row.total_bytes = sum(f.size for f in made.files)
    row.updated_at = utcnow()
    session.add(row)
    session.flush()
    assert row.id is not None
    existing = {
        f.path: f
        for f in session.exec(select(RenditionFile).where(RenditionFile.rendition_set_id == row.id))
    }
    for out in made.files:
        file = existing.pop(out.path, None) or RenditionFile(
            rendition_set_id=row.id, path=out.path, key="", size=0, sha256=""
        )
        file.key, file.size, file.sha256 = key(out.path), out.size, out.sha256
        session.add(file)
    for stale in existing.values():
        session.delete(stale)
    session.commit()
    session.refresh(row)
    return row


def _variant(v: Any) -> dict[str, Any]:
    return {
        "uri": v.uri,
        "width": v.width,
        "height": v.height,
        "bandwidth": v.bandwidth,
        "average_bandwidth": v.average_bandwidth,
        "codecs": ",".join(v.codecs),
        "frame_rate": v.frame_rate,
    }


def _finite(value: float) -> float | None:
    return value if value == value and abs(value) != float("inf") else None
