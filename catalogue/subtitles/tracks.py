"""Subtitle tracks: create from a file, new revisions (replacement, retiming), the publish gate,
edits and deletion. Each change to what is published queues HLS delivery."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, select

from catalogue.db import unique_or_conflict
from catalogue.delivery import webhooks
from catalogue.errors import Conflict, InvalidInput, NotFound
from catalogue.ingest.filenames import sanitize_filename
from catalogue.media import subtitles as media_subtitles
from catalogue.media.names import display_name
from catalogue.models import SubtitleRevision, SubtitleTrack, Title, User
from catalogue.models.subtitles import (
    RevisionOperation,
    SubtitleKind,
    SubtitleTrackPublic,
    SubtitleTrackUpdate,
    TrackOrigin,
    TrackStatus,
    move_track,
)
from catalogue.models.types import utcnow
from catalogue.settings import Settings
from catalogue.storage import Storage
from catalogue.subtitles import checks, files, keys
from catalogue.subtitles.access import readable
from transcoder.subtitles import SubtitleParseError, Track, read_subtitles, to_webvtt


@dataclass(frozen=True, slots=True)
class Source:
    """A subtitle text to store as a revision: its parsed track and the original bytes."""

    track: Track
    original: bytes
    filename: str
    operation: RevisionOperation
    parameters: dict[str, Any]


def parse_upload(data: bytes, filename: str | None, language: str) -> Source:
    """Read an uploaded file; a file that cannot be read is a 422 naming the line and why."""
    try:
        track = read_subtitles(data, language=language)
    except SubtitleParseError as error:
        where = f"line {error.line}: " if error.line is not None else ""
        raise InvalidInput(
            f"file: cannot read the subtitles: {where}{error.reason}. Accepted: SRT, WebVTT, "
            "ASS/SSA, TTML (any common encoding)"
        ) from None
    if not track.cues:
        raise InvalidInput("file: holds no subtitle cues")
    name = sanitize_filename(filename or "subtitles")
    return Source(track, data, name, RevisionOperation.upload, {"filename": name})


# --- reading ---------------------------------------------------------------------------------


def get_track(session: Session, user: User, title: Title, track_id: int) -> SubtitleTrack:
    track = session.exec(
        select(SubtitleTrack).where(
            SubtitleTrack.id == track_id, SubtitleTrack.title_id == title.id, readable(user)
        )
    ).first()
    if track is None:
        raise NotFound(f"subtitle track {track_id} of title {title.id} not found")
    return track


def list_tracks(session: Session, user: User, title: Title) -> list[SubtitleTrack]:
    rows = list(
        session.exec(
            select(SubtitleTrack)
            .where(SubtitleTrack.title_id == title.id, readable(user))
            .order_by(SubtitleTrack.language, SubtitleTrack.kind, SubtitleTrack.id)  # type: ignore[arg-type]
        ).all()
    )
    if (
        not rows
        and session.exec(select(SubtitleTrack.id).where(SubtitleTrack.title_id == title.id)).first()
        is not None
    ):
        # Tracks exist that the caller may not read: answer as if the list did not exist.
        raise NotFound(f"subtitles of title {title.id} not found")
    return rows


def to_public(track: SubtitleTrack) -> SubtitleTrackPublic:
    data = track.model_dump(exclude={"qc_findings", "qc_video_duration_ms", "qc_checked_at"})
    data["default"] = data.pop("is_default")
    return SubtitleTrackPublic(**data, name=display_name(track), qc=checks.public(track))


def revisions(session: Session, track: SubtitleTrack) -> Sequence[SubtitleRevision]:
    return session.exec(
        select(SubtitleRevision)
        .where(SubtitleRevision.track_id == track.id)
        .order_by(SubtitleRevision.number)  # type: ignore[arg-type]
    ).all()


# --- writing ---------------------------------------------------------------------------------


def create_track(
    session: Session,
    storage: Storage,
    settings: Settings,
    user_id: int | None,
    title: Title,
    language: str,
    kind: SubtitleKind,
    label: str | None,
    source: Source,
    *,
    origin: TrackOrigin = TrackOrigin.upload,
    source_asset_id: int | None = None,
    source_stream_index: int | None = None,
) -> SubtitleTrack:
    assert title.id is not None
    existing = session.exec(
        select(SubtitleTrack).where(
            SubtitleTrack.title_id == title.id,
            SubtitleTrack.language == language,
            SubtitleTrack.kind == kind,
        )
    ).first()
    if existing is not None:
        raise Conflict(
            f"title {title.id} already has a {language} {kind} track ({existing.id}); send a "
            f"replacement to POST /titles/{title.id}/subtitles/{existing.id}/file"
        )
    track = SubtitleTrack(
        title_id=title.id, language=language, kind=kind, label=label, origin=origin,
        source_asset_id=source_asset_id, source_stream_index=source_stream_index, revision=0,
        vtt_key="", original_key="", original_filename=source.filename, source_format="",
        source_encoding="", created_by=user_id,
    )  # fmt: skip
    session.add(track)
    with unique_or_conflict(session, f"title {title.id} already has a {language} {kind} track"):
        session.flush()
    return _store_revision(session, storage, settings, user_id, track, source)


def replace_file(
    session: Session,
    storage: Storage,
    settings: Settings,
    user_id: int | None,
    track: SubtitleTrack,
    source: Source,
) -> SubtitleTrack:
    """A new revision from a new file (or a retimed text); the old revisions stay in storage."""
    return _store_revision(session, storage, settings, user_id, track, source)


def _store_revision(
    session: Session,
    storage: Storage,
    settings: Settings,
    user_id: int | None,
    track: SubtitleTrack,
    source: Source,
) -> SubtitleTrack:
    assert track.id is not None
    duration = checks.video_duration_ms(session, track.title_id)
    findings = checks.check(source.track, settings, duration)
    blocking = [f for f in findings if f["severity"] == "error"]
    if track.status == TrackStatus.published and blocking:
        session.rollback()
        raise Conflict(
            f"track {track.id} is published and the new text has QC errors; fix them, or "
            f"unpublish the track first: {checks.describe(blocking)}"
        )
    number = track.revision + 1
    vtt_key = keys.vtt_key(track.title_id, track.id, number)
    if source.operation in (RevisionOperation.upload, RevisionOperation.embedded):
        original_key = keys.original_key(
            track.title_id, track.id, number, source.track.source_format
        )
    else:
        original_key = track.original_key  # retimed text comes from the same original
    written = []
    try:
        files.put_bytes(storage, settings, vtt_key, to_webvtt(source.track).encode("utf-8"))
        written.append(vtt_key)
        if original_key != track.original_key:
            files.put_bytes(storage, settings, original_key, source.original)
            written.append(original_key)
        track.revision = number
        track.vtt_key, track.original_key = vtt_key, original_key
        if source.operation in (RevisionOperation.upload, RevisionOperation.embedded):
            track.original_filename = source.filename
            track.source_format = source.track.source_format.value
            track.source_encoding = source.track.encoding
        track.cue_count = len(source.track.cues)
        track.end_ms = max((c.end_ms for c in source.track.cues), default=0)
        checks.record(track, findings, duration)
        track.updated_at = utcnow()
        session.add(track)
        session.add(
            SubtitleRevision(
                track_id=track.id, number=number, operation=source.operation,
                parameters=source.parameters, vtt_key=vtt_key, original_key=original_key,
                cue_count=track.cue_count, created_by=user_id,
            )
        )  # fmt: skip
        if track.status == TrackStatus.published:
            media_subtitles.enqueue_for_title(session, track.title_id)
            webhooks.announce_subtitle_ready(session, track)
        session.commit()
    except Exception:
        session.rollback()
        for key in written:
            storage.delete(key)
        raise
    session.refresh(track)
    return track


def rerun_qc(
    session: Session, storage: Storage, settings: Settings, track: SubtitleTrack
) -> SubtitleTrack:
    duration = checks.video_duration_ms(session, track.title_id)
    findings = checks.check(files.load_vtt(storage, track.vtt_key), settings, duration)
    checks.record(track, findings, duration)
    session.add(track)
    session.commit()
    session.refresh(track)
    return track


def change_status(
    session: Session, storage: Storage, settings: Settings, track: SubtitleTrack, to: TrackStatus
) -> SubtitleTrack:
    if to is TrackStatus.published and track.status == TrackStatus.draft:
        # Thresholds or the master may have changed since the last check.
        track = rerun_qc(session, storage, settings, track)
        blocking = checks.blocking(track)
        if blocking:
            raise Conflict(
                f"track {track.id} has {len(blocking)} QC error(s) that block publishing: "
                f"{checks.describe(blocking)}"
            )
    move_track(track, to)
    session.add(track)
    media_subtitles.enqueue_for_title(session, track.title_id)
    if to is TrackStatus.published:
        webhooks.announce_subtitle_ready(session, track)
    session.commit()
    session.refresh(track)
    return track


def update_track(
    session: Session, track: SubtitleTrack, body: SubtitleTrackUpdate
) -> SubtitleTrack:
    changes = body.model_dump(exclude_unset=True)
    if track.status == TrackStatus.published and (
        changes.get("language", track.language) != track.language
        or changes.get("kind", track.kind) != track.kind
    ):
        raise Conflict(
            f"track {track.id} is published; unpublish it before changing its language or kind"
        )
    if "default" in changes:
        if changes["default"] is None:
            raise InvalidInput("default: true or false")
        if changes["default"]:
            for other in session.exec(
                select(SubtitleTrack).where(
                    SubtitleTrack.title_id == track.title_id,
                    SubtitleTrack.id != track.id,
                    SubtitleTrack.is_default == True,  # noqa: E712
                )
            ):
                other.is_default = False
                session.add(other)
        track.is_default = changes.pop("default")
    for field in ("language", "kind", "label"):
        if field in changes:
            if changes[field] is None and field != "label":
                raise InvalidInput(f"{field}: may not be null")
            setattr(track, field, changes[field])
    track.updated_at = utcnow()
    session.add(track)
    if track.status == TrackStatus.published:
        media_subtitles.enqueue_for_title(session, track.title_id)
    duplicate = f"title {track.title_id} already has a {track.language} {track.kind} track"
    with unique_or_conflict(session, duplicate):
        session.commit()
    session.refresh(track)
    return track


def delete_track(session: Session, storage: Storage, track: SubtitleTrack) -> None:
    if track.status == TrackStatus.published:
        raise Conflict(f"track {track.id} is published; unpublish it first (POST .../status)")
    prefix = keys.track_prefix(track.title_id, track.id)  # type: ignore[arg-type]
    session.delete(track)
    session.commit()
    storage.delete_prefix(prefix)
