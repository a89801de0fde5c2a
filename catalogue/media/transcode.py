"""The "transcode_asset" job: an asset's master in, its published rendition set and rows out,
then its subtitle groups delivered again (the next media step).

Crash-safe and idempotent: each attempt has its own fresh folder in the asset's workspace, so a
retry starts clean whatever a killed attempt left there (its folder is swept, and even one that
cannot be swept yet, because something still writes into it, is never reused); storage publishes
from there once (local: a move, S3: an upload), the master playlist last, and the rows are
upserted by asset and path, so running the job twice leaves the same rows and the same keys."""

from __future__ import annotations

import dataclasses
import logging
import shutil
import tempfile
from collections.abc import Callable, Sequence
from contextlib import suppress
from pathlib import Path
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError
from sqlmodel import Session, select

from catalogue.jobs import (
    Handler,
    JobContext,
    JobKind,
    JobResult,
    PermanentJobError,
    TransientJobError,
    enqueue,
)
from catalogue.media import subtitles
from catalogue.media.config import ladder, transcoder_config, work_dir
from catalogue.media.subtitles import AfterPublish
from catalogue.models.assets import Asset, AssetState
from catalogue.models.jobs import Job
from catalogue.models.renditions import RenditionFile, RenditionSet
from catalogue.models.types import utcnow
from catalogue.settings import Settings
from catalogue.storage import ObjectNotFound, Storage
from catalogue.storage.keys import renditions_prefix
from transcoder import pipeline
from transcoder.quality import RungQuality

log = logging.getLogger("catalogue.media")

KIND = JobKind("transcode_asset")
# The encode dominates; publishing and recording take the rest.
_ENCODE_SHARE = 0.9


def enqueue_transcode(session: Session, asset_id: int) -> Job:
    """Queue the renditions of a ready asset (once: a queued, running or done job is reused)."""
    return enqueue(
        session, KIND, HANDLER, {"asset_id": asset_id}, dedupe_key=f"transcode:{asset_id}"
    )


def workspace(settings: Settings, asset_id: int) -> Path:
    """The asset's scratch folder: one sub-folder per attempt, gone once an attempt ends."""
    return work_dir(settings) / "transcode" / f"asset-{asset_id}"


def attempt_workspace(settings: Settings, asset_id: int, job_id: int, attempt: int) -> Path:
    """A new empty folder for this attempt, after sweeping what earlier attempts left."""
    return attempt_folder(workspace(settings, asset_id), job_id, attempt)


def attempt_folder(root: Path, job_id: int, attempt: int) -> Path:
    """A new empty folder in ``root`` (one job's scratch space), after sweeping what earlier
    attempts left there.

    Never a folder an earlier attempt used: that attempt's FFmpeg may outlive its worker for a
    moment (or run on, on a host whose lease ran out) and write into it while the sweep runs."""
    _sweep(root)
    root.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f"job-{job_id}-attempt-{attempt}-", dir=root))


def _sweep(root: Path) -> None:
    """Remove what earlier attempts left in ``root``, as far as it can be removed now."""
    if root.is_file() or root.is_symlink():
        root.unlink(missing_ok=True)
    if not root.is_dir():
        return
    for left in root.iterdir():
        if left.is_dir() and not left.is_symlink():
            shutil.rmtree(left, ignore_errors=True)  # the rest goes with the next attempt
        else:
            left.unlink(missing_ok=True)


Split = Callable[[JobContext[Storage], int, str], JobResult]
"""Hands a long master's work to chunk jobs (`media.chunked`): returns the job's result, or
None to transcode in this job."""
MakeLadder = Callable[[Path, Path], pipeline.LadderOutput]
"""(local master, output folder) -> the rendition set made in that folder."""


def transcode_handler(then: Sequence[AfterPublish] = (), split: Split | None = None) -> Handler:
    """The transcode job; ``then`` runs each time the asset's rendition set is recorded."""

    def transcode_asset_job(ctx: JobContext[Storage]) -> JobResult:
        return transcode_asset(ctx, then, split)

    return Handler(transcode_asset_job, timeout_s=6 * 3600, max_attempts=3)


HANDLER = transcode_handler()
"""The transcode's limits (what enqueue records); the product's table adds its follow-ups."""


def transcode_asset(
    ctx: JobContext[Storage], then: Sequence[AfterPublish] = (), split: Split | None = None
) -> JobResult:
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
    if split is not None and (handed_on := split(ctx, asset_id, master_key)) is not None:
        return handed_on
    cfg = transcoder_config(ctx.settings, HANDLER.timeout_s)

    def make(master: Path, out: Path) -> pipeline.LadderOutput:
        return pipeline.transcode(
            cfg,
            master,
            out,
            ladder(ctx.settings),
            on_progress=lambda f: ctx.progress(f * _ENCODE_SHARE, "encoding renditions"),
            cancel=ctx.cancelled,
        )

    return make_and_publish(ctx, asset_id, master_key, make, then)


def make_and_publish(
    ctx: JobContext[Storage],
    asset_id: int,
    master_key: str,
    make: MakeLadder,
    then: Sequence[AfterPublish] = (),
    recorded: Sequence[AfterPublish] = (),
) -> JobResult:
    """Make the ladder in a fresh attempt folder, publish it once and record it; ``recorded``
    steps join the transaction that records the set (``then`` also runs after subtitles)."""
    storage = ctx.storage
    work = attempt_workspace(ctx.settings, asset_id, ctx.job_id, ctx.attempt)
    prefix = renditions_prefix(asset_id)
    try:
        with storage.local_copy(master_key) as master:
            made = make(master, work / "out")
        if made.quality_error:
            log.warning("asset %s published unscored: %s", asset_id, made.quality_error)
        ctx.progress(_ENCODE_SHARE, "publishing renditions")
        last = [made.dash_manifest, made.master_playlist]  # the manifests after their segments
        storage.publish(made.directory, prefix, last=last, move=True)
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
        with suppress(OSError):  # left in place while another attempt's folder is in it
            work.parent.rmdir()
    with ctx.session() as session:
        row = record(session, asset_id, ctx.job_id, prefix, made, then=[*recorded, *then])
        # The new set replaced the old one with its subtitle groups: deliver them again.
        subtitles.after_renditions_published(session, storage, asset_id, then=then)
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
    session: Session,
    asset_id: int,
    job_id: int | None,
    prefix: str,
    made: pipeline.LadderOutput,
    *,
    then: Sequence[AfterPublish] = (),
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
    row.dash_manifest_key = key(made.dash_manifest)
    row.delivery_video_key = key(made.delivery_video)
    row.delivery_audio_key = key(made.delivery_audio) if made.delivery_audio else None
    row.poster_key = key(made.poster)
    row.storyboard_vtt_key = key(made.storyboard_vtt)
    row.storyboard_sprite_keys = [key(s) for s in made.storyboard_sprites]
    scores = {q.folder: q for q in made.quality}
    row.variants = [_variant(v, scores.get(v.uri.split("/")[0])) for v in made.variants]
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
    for step in then:
        step(session, asset_id)
    session.commit()
    session.refresh(row)
    return row


def _variant(v: Any, quality: RungQuality | None) -> dict[str, Any]:
    return {
        "uri": v.uri,
        "width": v.width,
        "height": v.height,
        "bandwidth": v.bandwidth,
        "average_bandwidth": v.average_bandwidth,
        "codecs": ",".join(v.codecs),
        "frame_rate": v.frame_rate,
        "video_range": v.video_range,
        # VMAF on sampled windows (null: not measured, or an HDR rung)
        "vmaf_mean": quality.vmaf_mean if quality else None,
        "vmaf_p5": quality.vmaf_p5 if quality else None,
    }


def _finite(value: float) -> float | None:
    return value if value == value and abs(value) != float("inf") else None
