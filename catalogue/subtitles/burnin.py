"""Open captions: an MP4 of an asset's delivery rendition with one track revision burnt into
the picture, for venues whose equipment cannot show sidecar subtitles. The sound is copied."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from botocore.exceptions import BotoCoreError, ClientError
from sqlmodel import Session, select

from catalogue.errors import InvalidInput, NotFound
from catalogue.jobs import (
    Handler,
    JobContext,
    JobKind,
    JobResult,
    PermanentJobError,
    TransientJobError,
    enqueue,
)
from catalogue.media.config import transcoder_config
from catalogue.models import Asset, Job, RenditionSet, SubtitleBurnIn, SubtitleTrack
from catalogue.models.assets import SUBTITLED_KINDS
from catalogue.settings import Settings
from catalogue.storage import ObjectNotFound, Storage
from catalogue.subtitles import files, keys
from transcoder.run import run_ffmpeg
from transcoder.subtitles import to_srt
from transcoder.subtitles.burnin import burn_in_filter

KIND = JobKind("burn_in_subtitles")
MP4_FORMATS = ("mov,mp4,m4a,3gp,3g2,mj2",)
# Large enough to read at the back of a hall, outlined so it stays legible on bright frames.
STYLE = "Fontsize=22,Outline=2,Shadow=0,MarginV=24"


def request_burn_in(
    session: Session, track: SubtitleTrack, asset_id: int | None, user_id: int | None
) -> Job:
    """Queue a burn-in of the track's current revision into an asset of its title."""
    query = (
        select(Asset)
        .join(RenditionSet, RenditionSet.asset_id == Asset.id)  # type: ignore[arg-type]
        .where(Asset.title_id == track.title_id, Asset.kind.in_(SUBTITLED_KINDS))  # type: ignore[attr-defined]
    )
    if asset_id is not None:
        query = query.where(Asset.id == asset_id)
    asset = session.exec(query.order_by(Asset.id.desc())).first()  # type: ignore[union-attr]
    if asset is None:
        which = f"asset {asset_id}" if asset_id is not None else "no main or textless master"
        raise InvalidInput(
            f"asset_id: {which} of title {track.title_id} has renditions to burn into; "
            "wait for its transcode to finish"
        )
    payload = {"track_id": track.id, "revision": track.revision, "asset_id": asset.id}
    job = enqueue(
        session,
        KIND,
        HANDLER,
        payload,
        dedupe_key=f"burnin:{track.id}:{track.revision}:{asset.id}",
    )
    session.commit()
    session.refresh(job)
    return job


def burn_in_args(source: Path, subtitles: Path, output: Path) -> list[str]:
    return [
        "-i", str(source), "-map", "0:v:0", "-map", "0:a?",
        "-vf", burn_in_filter(subtitles, STYLE),
        "-c:v", "libx264", "-preset", "veryfast", "-crf", "20", "-pix_fmt", "yuv420p",
        "-c:a", "copy", "-movflags", "+faststart", "-y", str(output),
    ]  # fmt: skip


def burn_in_job(ctx: JobContext[Storage]) -> JobResult:
    track_id, asset_id = int(ctx.payload["track_id"]), int(ctx.payload["asset_id"])
    revision = int(ctx.payload["revision"])
    with ctx.session() as session:
        track = session.get(SubtitleTrack, track_id)
        rendition = session.exec(
            select(RenditionSet).where(RenditionSet.asset_id == asset_id)
        ).first()
        if track is None or rendition is None:
            raise PermanentJobError(
                f"track {track_id} or the renditions of asset {asset_id} are gone"
            )
        vtt_key = keys.vtt_key(track.title_id, track_id, revision)
        out_key = keys.burnin_key(track.title_id, track_id, revision, asset_id)
        video_key, duration = rendition.delivery_video_key, rendition.duration_s
    storage = ctx.storage
    work = _workspace(ctx.settings, ctx.job_id)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    try:
        srt = work / "subtitles.srt"
        srt.write_text(to_srt(files.load_vtt(storage, vtt_key)), encoding="utf-8")
        output = work / "burnt.mp4"
        cfg = transcoder_config(ctx.settings, HANDLER.timeout_s)
        with storage.local_copy(video_key) as source:
            run_ffmpeg(
                cfg,
                burn_in_args(source, srt, output),
                inputs=[source],
                formats=MP4_FORMATS,
                duration=duration,
                on_progress=lambda f: ctx.progress(f * 0.95, "burning in subtitles"),
                cancel=ctx.cancelled,
            )
        size, digest = output.stat().st_size, _sha256(output)
        storage.put_file(output, out_key, move=True)
    except ObjectNotFound as missing:
        raise PermanentJobError(f"{missing.message}; transcode the asset again") from None
    except (BotoCoreError, ClientError, OSError) as error:
        raise TransientJobError(f"storage failed during burn-in: {error}") from error
    finally:
        shutil.rmtree(work, ignore_errors=True)
    with ctx.session() as session:
        row = _record(session, track_id, revision, asset_id, ctx.job_id, out_key, size, digest)
        return {"burnin_id": row.id, "key": out_key, "size": size}


def _record(
    session: Session,
    track_id: int,
    revision: int,
    asset_id: int,
    job_id: int,
    key: str,
    size: int,
    digest: str,
) -> SubtitleBurnIn:
    row = session.exec(
        select(SubtitleBurnIn).where(
            SubtitleBurnIn.track_id == track_id,
            SubtitleBurnIn.revision == revision,
            SubtitleBurnIn.asset_id == asset_id,
        )
    ).first() or SubtitleBurnIn(
        track_id=track_id, revision=revision, asset_id=asset_id, key=key, size=0, sha256=""
    )
    row.job_id, row.key, row.size, row.sha256 = job_id, key, size, digest
    session.add(row)
    session.commit()
    session.refresh(row)
    return row


HANDLER = Handler(burn_in_job, timeout_s=6 * 3600, max_attempts=3)


def burn_ins(session: Session, track: SubtitleTrack) -> list[SubtitleBurnIn]:
    return list(
        session.exec(
            select(SubtitleBurnIn)
            .where(SubtitleBurnIn.track_id == track.id)
            .order_by(SubtitleBurnIn.id)  # type: ignore[arg-type]
        ).all()
    )


def get_burn_in(session: Session, track: SubtitleTrack, burnin_id: int) -> SubtitleBurnIn:
    row = session.get(SubtitleBurnIn, burnin_id)
    if row is None or row.track_id != track.id:
        raise NotFound(f"burn-in {burnin_id} of track {track.id} not found")
    return row


def _workspace(settings: Settings, job_id: int) -> Path:
    return settings.data_dir / "work" / "burnin" / f"job-{job_id}"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()
