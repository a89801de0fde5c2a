"""Probing an uploaded master: the "probe_asset" job, the first media step. FFmpeg runs only
through the transcoder's hardened runner, and only ever on a local file (S3 objects are copied
down first). An accepted master becomes ready and queues its transcode (`mark_ready`)."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from fractions import Fraction
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError
from sqlmodel import Session

from catalogue.errors import CatalogueError
from catalogue.jobs import Handler, JobContext, JobKind, JobResult, TransientJobError, enqueue
from catalogue.media.config import transcoder_config
from catalogue.media.transcode import enqueue_transcode
from catalogue.models import Asset, AssetState
from catalogue.models.assets import AUDIO_KINDS, move_asset
from catalogue.models.types import utcnow
from catalogue.settings import Settings
from catalogue.storage import Storage
from transcoder.errors import MediaError, MediaRejected
from transcoder.probe import MediaInfo, VideoStream
from transcoder.run import CancelCheck
from transcoder.validate import inspect

log = logging.getLogger("catalogue.media")

SessionFactory = Callable[[], AbstractContextManager[Session]]
AfterReady = Callable[[Session, Asset], None]
"""A step that follows acceptance, run in the transaction that makes the asset ready. The
product's (subtitle extraction, which media cannot name) are given by `catalogue.handlers`."""

KIND = JobKind("probe_asset")


def enqueue_probe(session: Session, asset_id: int) -> None:
    enqueue(session, KIND, HANDLER, {"asset_id": asset_id}, dedupe_key=f"probe:{asset_id}")


def mark_ready(session: Session, asset: Asset, *, then: Sequence[AfterReady] = ()) -> None:
    """The one way an asset becomes ready: its transcode (and ``then``) queued in the same
    transaction, so a ready asset without a transcode job cannot exist. The caller commits."""
    move_asset(asset, AssetState.ready)
    session.add(asset)
    session.flush()
    assert asset.id is not None
    enqueue_transcode(session, asset.id)
    for step in then:
        step(session, asset)


def probe_handler(then: Sequence[AfterReady] = ()) -> Handler:
    """The probe job; ``then`` runs when it accepts a master (see `mark_ready`)."""

    def probe_asset_job(ctx: JobContext[Storage]) -> JobResult:
        asset_id = int(ctx.payload["asset_id"])
        state = probe_asset(
            ctx.settings, ctx.session, ctx.storage, asset_id, cancel=ctx.cancelled, then=then
        )
        return {"asset_id": asset_id, "state": state}

    return Handler(probe_asset_job, timeout_s=300, max_attempts=3)


HANDLER = probe_handler()
"""The probe's limits (what enqueue records); the product's table adds its follow-up steps."""


def probe_asset(
    settings: Settings,
    sessions: SessionFactory,
    storage: Storage,
    asset_id: int,
    *,
    cancel: CancelCheck | None = None,
    then: Sequence[AfterReady] = (),
) -> AssetState | None:
    """Probe and validate asset `asset_id`: it ends `ready` with its technical metadata, or
    `rejected` with the reasons in an editor's words. Machine trouble (storage, killed probe)
    puts it back to `uploaded` and raises `TransientJobError` for a retry. None: asset deleted."""
    with sessions() as session:
        asset = session.get(Asset, asset_id)
        if asset is None:
            return None
        if asset.state != AssetState.probing:  # a retried job finds it probing already
            move_asset(asset, AssetState.probing)
            session.add(asset)
            session.commit()
        key, audio_only = asset.storage_key, asset.kind in AUDIO_KINDS
    assert key is not None
    try:
        with storage.local_copy(key) as path:
            info = inspect(
                transcoder_config(settings), path, audio_only_allowed=audio_only, cancel=cancel
            )
    except MediaRejected as rejected:
        return _record(sessions, asset_id, AssetState.rejected, reasons=list(rejected.reasons))
    except (MediaError, CatalogueError, OSError, BotoCoreError, ClientError) as error:
        # Not the file's fault (storage down, probe killed, binary missing): try again later.
        _record(sessions, asset_id, AssetState.uploaded)
        raise TransientJobError(f"probing asset {asset_id} failed: {error}") from error
    technical = technical_metadata(info)
    return _record(sessions, asset_id, AssetState.ready, technical=technical, then=then)


def _record(
    sessions: SessionFactory,
    asset_id: int,
    state: AssetState,
    *,
    reasons: list[str] | None = None,
    technical: dict[str, Any] | None = None,
    then: Sequence[AfterReady] = (),
) -> AssetState | None:
    with sessions() as session:
        asset = session.get(Asset, asset_id)
        if asset is None:  # deleted while probing
            return None
        asset.rejection_reasons = reasons or []
        asset.technical = technical
        if state is not AssetState.uploaded:
            asset.probed_at = utcnow()
        if state is AssetState.ready:
            mark_ready(session, asset, then=then)
        else:
            move_asset(asset, state)
            session.add(asset)
        session.commit()
    log.info("asset %s is %s %s", asset_id, state, "; ".join(reasons or []))
    return state


def technical_metadata(info: MediaInfo) -> dict[str, Any]:
    """The probe result as plain JSON; ratios as "num/den" text, display geometry spelt out."""
    data = _plain(dataclasses.asdict(info))
    data.pop("log", None)
    for stream, raw in zip(data["streams"], info.streams, strict=True):
        if isinstance(raw, VideoStream):
            stream["display_width"], stream["display_height"] = raw.display_size
            stream["interlaced"] = raw.interlaced
    return data


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, Fraction):
        return f"{value.numerator}/{value.denominator}"
    return value
