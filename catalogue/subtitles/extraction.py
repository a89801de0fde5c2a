"""What a ready master brings: the languages of its sound, and its embedded text subtitle
streams (mov_text, SubRip, ASS) extracted as tracks. Queued when an asset becomes ready and
its probe found subtitle streams, or on request."""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path
from typing import Any

import langcodes
from botocore.exceptions import BotoCoreError, ClientError
from sqlalchemy import delete, insert
from sqlmodel import Session, select

from catalogue.errors import CatalogueError, InvalidInput
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
from catalogue.models import Asset, AssetAudioLanguage, AssetState, Job, SubtitleTrack, Title
from catalogue.models.subtitles import RevisionOperation, SubtitleKind, TrackOrigin
from catalogue.storage import Storage
from catalogue.subtitles import tracks
from transcoder.config import TranscoderConfig
from transcoder.errors import MediaError
from transcoder.subtitles import SubtitleError, to_srt
from transcoder.subtitles.embedded import (
    SubtitleStream,
    extract_subtitle_stream,
    list_subtitle_streams,
)

log = logging.getLogger("catalogue.subtitles")

KIND = JobKind("extract_subtitles")


def bcp47(tag: object) -> str | None:
    """A container's language tag ("kaz", "rus", "en-US") in BCP 47, None when unset or bad."""
    if not isinstance(tag, str) or tag in ("", "und"):
        return None
    try:
        standard = langcodes.standardize_tag(tag)
    except (ValueError, LookupError):
        return None
    return standard if langcodes.tag_is_valid(standard) else None


def audio_languages(technical: dict[str, Any] | None) -> list[str]:
    found = {
        bcp47(s.get("language"))
        for s in (technical or {}).get("streams", [])
        if isinstance(s, dict) and s.get("kind") == "audio"
    }
    return sorted(lang for lang in found if lang)


def has_subtitle_streams(technical: dict[str, Any] | None) -> bool:
    return any(
        isinstance(s, dict) and s.get("kind") == "subtitle"
        for s in (technical or {}).get("streams", [])
    )


def on_asset_ready(session: Session, asset: Asset) -> None:
    """What follows a master's acceptance, in the transaction that makes it ready (the probe
    runs it: `catalogue.handlers` gives it to the probe job): its sound's languages indexed,
    never stale, and extraction queued exactly when there is something to extract."""
    assert asset.id is not None
    stale = AssetAudioLanguage.asset_id == asset.id
    session.execute(delete(AssetAudioLanguage).where(stale))  # type: ignore[arg-type]
    languages = audio_languages(asset.technical)
    if languages:
        session.execute(
            insert(AssetAudioLanguage),
            [{"asset_id": asset.id, "language": lang} for lang in languages],
        )
    if has_subtitle_streams(asset.technical):
        enqueue(
            session,
            KIND,
            HANDLER,
            {"asset_id": asset.id},
            dedupe_key=f"extract-subtitles:{asset.id}:{technical_digest(asset.technical)}",
        )


def technical_digest(technical: dict[str, Any] | None) -> str:
    # One extraction per probe result: the same master probed again is not extracted again.
    text = json.dumps(technical, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _kind(stream: SubtitleStream) -> SubtitleKind:
    if stream.forced:
        return SubtitleKind.forced
    if stream.hearing_impaired:
        return SubtitleKind.captions
    return SubtitleKind.subtitles


def extract_subtitles_job(ctx: JobContext[Storage]) -> JobResult:
    asset_id = int(ctx.payload["asset_id"])
    user_id = ctx.payload.get("user_id")
    storage = ctx.storage
    cfg = transcoder_config(ctx.settings, HANDLER.timeout_s)
    with ctx.session() as session:
        asset = session.get(Asset, asset_id)
        if asset is None:
            return {"asset_id": asset_id, "skipped": "the asset was deleted"}
        if asset.state != AssetState.ready or asset.storage_key is None:
            raise PermanentJobError(f"asset {asset_id} is {asset.state}; only ready masters")
        title = session.get(Title, asset.title_id)
        assert title is not None
        created: list[int] = []
        skipped: list[str] = []
        try:
            with storage.local_copy(asset.storage_key) as master:
                for stream in list_subtitle_streams(cfg, master):
                    outcome = _extract_one(
                        ctx, session, storage, cfg, master, asset, title, stream, user_id
                    )
                    (created if isinstance(outcome, int) else skipped).append(outcome)  # type: ignore[arg-type]
        except (BotoCoreError, ClientError, OSError) as error:
            raise TransientJobError(f"storage failed reading asset {asset_id}: {error}") from error
    return {"asset_id": asset_id, "created": created, "skipped": skipped}


HANDLER = Handler(extract_subtitles_job, timeout_s=3600, max_attempts=3)


def request_extraction(session: Session, title: Title, asset_id: int, user_id: int | None) -> Job:
    """Queue the extraction of a ready master's text subtitle streams as tracks of `title`."""
    asset = session.get(Asset, asset_id)
    if asset is None or asset.title_id != title.id:
        raise InvalidInput(f"asset_id: asset {asset_id} is not a master of title {title.id}")
    if asset.state != AssetState.ready:
        raise InvalidInput(f"asset_id: asset {asset.id} is {asset.state}; wait until it is ready")
    job = enqueue(session, KIND, HANDLER, {"asset_id": asset.id, "user_id": user_id})
    session.commit()
    session.refresh(job)
    return job


def _extract_one(
    ctx: JobContext[Storage],
    session: Session,
    storage: Storage,
    cfg: TranscoderConfig,
    master: Path,
    asset: Asset,
    title: Title,
    stream: SubtitleStream,
    user_id: int | None,
) -> int | str:
    """The new track's id, or why the stream was left out."""
    language = bcp47(stream.language) or "und"
    kind = _kind(stream)
    existing = session.exec(
        select(SubtitleTrack).where(
            SubtitleTrack.title_id == title.id,
            SubtitleTrack.language == language,
            SubtitleTrack.kind == kind,
        )
    ).first()
    if existing is not None:
        return f"stream {stream.index}: the title already has a {language} {kind} track ({existing.id})"
    if not stream.is_text:
        return f"stream {stream.index}: {stream.codec} is a bitmap subtitle; it needs OCR"
    try:
        extracted = extract_subtitle_stream(cfg, master, stream)
    except (SubtitleError, MediaError) as error:
        return f"stream {stream.index}: {error}"
    if not extracted.track.cues:
        return f"stream {stream.index}: holds no cues"
    name = f"{asset.original_filename} #{stream.index}.srt"
    source = tracks.Source(
        extracted.track,
        to_srt(extracted.track).encode("utf-8"),
        name,
        RevisionOperation.embedded,
        {"asset_id": asset.id, "stream_index": stream.index, "codec": stream.codec},
    )
    try:
        track = tracks.create_track(
            session, storage, ctx.settings, user_id, title, language, kind, (stream.title or '').strip()[:100] or None, source,
            origin=TrackOrigin.embedded, source_asset_id=asset.id, source_stream_index=stream.index,
        )  # fmt: skip
    except CatalogueError as error:
        return f"stream {stream.index}: {error.message}"
    log.info("asset %s stream %s extracted as subtitle track %s", asset.id, stream.index, track.id)
    assert track.id is not None
    return track.id
