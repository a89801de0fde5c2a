"""Probing an uploaded master: the "probe_asset" job. FFmpeg runs only through the transcoder's
hardened runner, and only ever on a local file (S3 objects are copied down first)."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from contextlib import AbstractContextManager
from fractions import Fraction
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError
from sqlmodel import Session

from catalogue.errors import CatalogueError
from catalogue.jobs import JobContext, TransientJobError, enqueue, register
from catalogue.models import Asset, AssetState
from catalogue.models.assets import AUDIO_KINDS, move_asset
from catalogue.models.types import utcnow
from catalogue.settings import Settings
from catalogue.storage import Storage, make_storage
from transcoder.config import TranscoderConfig
from transcoder.errors import MediaError, MediaRejected
from transcoder.probe import MediaInfo, VideoStream
from transcoder.run import CancelCheck
from transcoder.validate import inspect

log = logging.getLogger("catalogue.ingest")

SessionFactory = Callable[[], AbstractContextManager[Session]]
JOB_KIND = "probe_asset"


def enqueue_probe(session: Session, asset_id: int) -> None:
    enqueue(session, JOB_KIND, {"asset_id": asset_id}, dedupe_key=f"probe:{asset_id}")


@register(JOB_KIND, timeout_s=300, max_attempts=3)
def probe_asset_job(ctx: JobContext) -> dict[str, Any] | None:
    asset_id = int(ctx.payload["asset_id"])
    state = probe_asset(
        ctx.settings, ctx.session, make_storage(ctx.settings), asset_id, cancel=ctx.cancelled
    )
    return {"asset_id": asset_id, "state": state}


def transcoder_config(settings: Settings) -> TranscoderConfig:
    return TranscoderConfig(
        ffmpeg_path=settings.ffmpeg_path,
        ffprobe_path=settings.ffprobe_path,
        probe_timeout_s=settings.probe_timeout_s,
        temp_dir=settings.upload_root,
    )


def probe_asset(
    settings: Settings,
    sessions: SessionFactory,
    storage: Storage,
    asset_id: int,
    *,
    cancel: CancelCheck | None = None,
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
    return _record(sessions, asset_id, AssetState.ready, technical=technical_metadata(info))


def _record(
    sessions: SessionFactory,
    asset_id: int,
    state: AssetState,
    *,
    reasons: list[str] | None = None,
    technical: dict[str, Any] | None = None,
) -> AssetState | None:
    with sessions() as session:
        asset = session.get(Asset, asset_id)
        if asset is None:  # deleted while probing
            return None
        move_asset(asset, state)
        asset.rejection_reasons = reasons or []
        asset.technical = technical
        if state is not AssetState.uploaded:
            asset.probed_at = utcnow()
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
