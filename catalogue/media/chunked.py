"""A long master transcoded as chunk jobs any worker takes, then joined once.

The transcode_asset job of a master longer than `Settings.transcode_chunk_seconds` plans the
chunks (whole segments, so keyframes fall where a single run puts them: `transcoder.chunks`)
and queues one transcode_chunk job per chunk. Each chunk job encodes its picture for every rung
and stores it under `chunks_prefix` (storage: visible to every worker), then counts itself done
with one UPDATE of the run's row; the chunk that brings the count to the total queues the
transcode_join job in the same transaction. The join encodes the sound over the whole length,
joins the pictures by stream copy and publishes and records the set exactly as a single run does.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import replace
from pathlib import Path

from botocore.exceptions import BotoCoreError, ClientError
from sqlalchemy import update
from sqlmodel import Session, col, select

from catalogue.jobs import (
    Handler,
    JobContext,
    JobKind,
    JobResult,
    PermanentJobError,
    TransientJobError,
    enqueue,
)
from catalogue.media.config import ladder, transcoder_config, work_dir
from catalogue.media.subtitles import AfterPublish
from catalogue.media.transcode import attempt_folder, make_and_publish
from catalogue.models.assets import Asset
from catalogue.models.chunks import ChunkedTranscode, TranscodeChunk
from catalogue.models.types import utcnow
from catalogue.storage import ObjectNotFound, Storage
from catalogue.storage.keys import chunks_prefix
from transcoder import pipeline
from transcoder.chunks import Chunk, chunk_dir, encode_chunk, plan_chunks
from transcoder.config import TranscoderConfig
from transcoder.errors import MediaRejected
from transcoder.ladder import RenditionPlan, plan_renditions
from transcoder.probe import probe
from transcoder.profiles import Ladder
from transcoder.run import CancelCheck
from transcoder.validate import rejection

CHUNK = JobKind("transcode_chunk")
JOIN = JobKind("transcode_join")
_CHUNK_TIMEOUT_S = 2 * 3600
_JOIN_TIMEOUT_S = 6 * 3600
_ENCODING = "encoding renditions"  # the single run's progress message: the pages translate it


def chunk_plan(
    cfg: TranscoderConfig, master: Path, steps: Ladder, cancel: CancelCheck | None
) -> tuple[RenditionPlan, float]:
    """The plan every chunk encodes to and the master's length: the plan a chunked
    `pipeline.transcode` makes (H.264 rungs, no packaging, no HDR rungs)."""
    info = probe(cfg, master, cancel=cancel)
    if info.video is None or not info.duration:
        raise MediaRejected([rejection("no_picture_or_duration")])
    tracks = pipeline.audio_tracks(info)
    plan = plan_renditions(pipeline.source_picture(info.video), tracks, steps)
    return replace(plan, hdr_rungs=()), info.duration


def split_long_master(ctx: JobContext[Storage], asset_id: int, master_key: str) -> JobResult:
    """The transcode_asset job's work for a master longer than the chunk length: plan the run
    and queue its chunk jobs, in one transaction. None: transcode in one job."""
    seconds = ctx.settings.transcode_chunk_seconds
    steps = ladder(ctx.settings)
    if seconds is None or steps.per_title:
        return None
    with ctx.session() as session:
        asset = session.get(Asset, asset_id)
        duration = (asset.technical or {}).get("duration") if asset is not None else None
        if not isinstance(duration, int | float) or duration <= seconds:
            return None
        run = session.exec(
            select(ChunkedTranscode).where(ChunkedTranscode.job_id == ctx.job_id)
        ).first()
        if run is not None:  # this job planned it before its worker stopped
            return _planned(run)
    cfg = transcoder_config(ctx.settings, _CHUNK_TIMEOUT_S)
    try:
        with ctx.storage.local_copy(master_key) as master:
            plan, length = chunk_plan(cfg, master, steps, ctx.cancelled)
    except ObjectNotFound:
        return None  # the single run says what is missing
    chunks = plan_chunks(length, plan.frame_rate, plan.segment_seconds, seconds)
    if len(chunks) < 2:
        return None
    with ctx.session() as session:
        run = ChunkedTranscode(
            asset_id=asset_id, job_id=ctx.job_id, chunk_seconds=seconds, chunks=len(chunks)
        )
        session.add(run)
        session.flush()
        assert run.id is not None
        for chunk in chunks:
            session.add(
                TranscodeChunk(
                    run_id=run.id,
                    number=chunk.index,
                    first_segment=chunk.first_segment,
                    start_frame=chunk.start_frame,
                    frames=chunk.frames,
                )
            )
            payload = {"asset_id": asset_id, "run_id": run.id, "chunk": chunk.index}
            key = f"transcode-chunk:{run.id}:{chunk.index}"
            enqueue(session, CHUNK, CHUNK_HANDLER, payload, dedupe_key=key)
        session.commit()
        return _planned(run)


def _planned(run: ChunkedTranscode) -> JobResult:
    return {"asset_id": run.asset_id, "chunked_transcode_id": run.id, "chunks": run.chunks}


def transcode_chunk(ctx: JobContext[Storage]) -> JobResult:
    """Encode one chunk's picture for every rung, store it, and count the chunk done."""
    run_id, number = int(ctx.payload["run_id"]), int(ctx.payload["chunk"])
    with ctx.session() as session:
        found = session.exec(
            select(TranscodeChunk, ChunkedTranscode, Asset)
            .join(ChunkedTranscode, col(ChunkedTranscode.id) == TranscodeChunk.run_id)
            .join(Asset, col(Asset.id) == ChunkedTranscode.asset_id)
            .where(TranscodeChunk.run_id == run_id, TranscodeChunk.number == number)
        ).first()
        if found is None:
            return {"run_id": run_id, "chunk": number, "skipped": "the asset was deleted"}
        row, run, asset = found
        if row.done_at is not None:  # counted by an attempt whose worker stopped right after
            return {"run_id": run_id, "chunk": number, "skipped": "already done"}
        if asset.storage_key is None:
            raise PermanentJobError(f"asset {asset.id} has no master in storage")
        chunk = _chunk(row)
        master_key, asset_id = asset.storage_key, run.asset_id
    root = work_dir(ctx.settings) / "chunks" / f"run-{run_id}-{number:05d}"
    work = attempt_folder(root, ctx.job_id, ctx.attempt)
    cfg = transcoder_config(ctx.settings, _CHUNK_TIMEOUT_S)
    steps = ladder(ctx.settings)
    target = f"{chunks_prefix(asset_id, run_id)}/{number:05d}"
    try:
        with ctx.storage.local_copy(master_key) as master:
            plan, _ = chunk_plan(cfg, master, steps, ctx.cancelled)
            ctx.progress(0.05, _ENCODING)
            encode_chunk(cfg, master, plan, steps, chunk, work, cancel=ctx.cancelled)
        ctx.progress(0.9, _ENCODING)
        ctx.storage.publish(chunk_dir(work, chunk), target, move=True)
    except ObjectNotFound:
        raise PermanentJobError(
            f"the master of asset {asset_id} is missing from storage ({master_key})"
        ) from None
    except (BotoCoreError, ClientError, OSError) as error:
        raise TransientJobError(f"storage failed while encoding chunk {number}: {error}") from error
    finally:
        shutil.rmtree(work, ignore_errors=True)
        with suppress(OSError):  # left in place while another attempt's folder is in it
            root.rmdir()
    with ctx.session() as session:
        join = count_done(session, run_id, number)
        session.commit()
    return {"run_id": run_id, "chunk": number, "join_queued": join}


def count_done(session: Session, run_id: int, number: int) -> bool:
    """Mark chunk ``number`` done and count it; True when it was the last one, and the join is
    queued (in ``session``'s transaction, committed by the caller).

    The count is one UPDATE of the run's row: PostgreSQL holds that row's lock until commit and
    applies a concurrent UPDATE to the committed count; SQLite lets one writer in at a time. So
    exactly one chunk sees the total, however they interleave; a chunk counted before is not
    counted again."""
    marked = session.execute(
        update(TranscodeChunk)
        .where(
            col(TranscodeChunk.run_id) == run_id,
            col(TranscodeChunk.number) == number,
            col(TranscodeChunk.done_at).is_(None),
        )
        .values(done_at=utcnow())
    )
    if marked.rowcount != 1:  # type: ignore[attr-defined]
        return False
    session.execute(
        update(ChunkedTranscode)
        .where(col(ChunkedTranscode.id) == run_id)
        .values(chunks_done=col(ChunkedTranscode.chunks_done) + 1)
    )
    done, total, asset_id = session.execute(
        select(
            ChunkedTranscode.chunks_done, ChunkedTranscode.chunks, ChunkedTranscode.asset_id
        ).where(ChunkedTranscode.id == run_id)
    ).one()
    if done != total:
        return False
    # The asset's id rides along for the pages, which follow an asset's jobs by it.
    payload = {"asset_id": asset_id, "run_id": run_id}
    enqueue(session, JOIN, JOIN_HANDLER, payload, dedupe_key=f"transcode-join:{run_id}")
    return True


def _chunk(row: TranscodeChunk) -> Chunk:
    return Chunk(row.number, row.first_segment, row.start_frame, row.frames)


def join_handler(then: Sequence[AfterPublish] = ()) -> Handler:
    """The join job; ``then`` runs each time the asset's rendition set is recorded."""

    def transcode_join_job(ctx: JobContext[Storage]) -> JobResult:
        return transcode_join(ctx, then)

    return Handler(transcode_join_job, timeout_s=_JOIN_TIMEOUT_S, max_attempts=3)


def transcode_join(ctx: JobContext[Storage], then: Sequence[AfterPublish] = ()) -> JobResult:
    """Sound, joins, pictures and checks over the stored chunks; published and recorded once."""
    run_id = int(ctx.payload["run_id"])
    with ctx.session() as session:
        found = session.exec(
            select(ChunkedTranscode, Asset)
            .join(Asset, col(Asset.id) == ChunkedTranscode.asset_id)
            .where(ChunkedTranscode.id == run_id)
        ).first()
        if found is None:
            return {"run_id": run_id, "skipped": "the asset was deleted"}
        run, asset = found
        if run.joined_at is not None:  # recorded by an attempt whose worker stopped right after
            return {"run_id": run_id, "skipped": "already joined"}
        if asset.storage_key is None:
            raise PermanentJobError(f"asset {asset.id} has no master in storage")
        rows = session.exec(select(TranscodeChunk).where(TranscodeChunk.run_id == run_id)).all()
        stored = {row.number: _chunk(row) for row in rows}
        asset_id, master_key, seconds = run.asset_id, asset.storage_key, run.chunk_seconds
    prefix = chunks_prefix(asset_id, run_id)
    cfg = transcoder_config(ctx.settings, _JOIN_TIMEOUT_S)

    def fetch(chunk: Chunk, folder: Path) -> None:
        if stored.get(chunk.index) != chunk:
            raise PermanentJobError(f"chunk {chunk.index} is not the one its job encoded")
        fetch_chunk(ctx.storage, f"{prefix}/{chunk.index:05d}", folder)

    def make(master: Path, out: Path) -> pipeline.LadderOutput:
        return pipeline.transcode(
            cfg, master, out, ladder(ctx.settings), chunk_seconds=seconds, fetch_chunk=fetch,
            on_progress=lambda f: ctx.progress(f * 0.9, _ENCODING), cancel=ctx.cancelled,
        )  # fmt: skip

    def joined(session: Session, _asset_id: int) -> None:
        session.execute(
            update(ChunkedTranscode)
            .where(col(ChunkedTranscode.id) == run_id)
            .values(joined_at=utcnow())
        )

    summary = make_and_publish(ctx, asset_id, master_key, make, then, recorded=[joined])
    with suppress(BotoCoreError, ClientError, OSError):  # a leftover is harmless
        ctx.storage.delete_prefix(prefix)
    return {**(summary or {}), "chunked_transcode_id": run_id, "chunks": len(stored)}


def fetch_chunk(storage: Storage, prefix: str, folder: Path) -> None:
    """Copy every file a chunk job stored under ``prefix`` into ``folder``."""
    found = storage.list(prefix)
    if not found:
        raise PermanentJobError(f"the chunk stored under {prefix} is missing")
    folder.mkdir(parents=True, exist_ok=True)
    for info in found:
        with storage.local_copy(info.key) as part:
            shutil.copyfile(part, folder / info.key.rsplit("/", 1)[-1])


CHUNK_HANDLER = Handler(transcode_chunk, timeout_s=_CHUNK_TIMEOUT_S, max_attempts=3)
JOIN_HANDLER = join_handler()
"""The join's limits (what enqueue records); the product's table adds its follow-ups."""
