"""HLS delivery of published tracks (the last media step): WebVTT segments aligned to each
rendition set's video segments, and the master playlist rewritten with a SUBTITLES group.
Queued by the subtitles service when what is published changes, and run again by the transcode. Video is never touched:
segments go to a new folder per track revision, the master playlist is replaced last (one
atomic put), then folders no longer named are removed."""

from __future__ import annotations

import hashlib
import logging
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import m3u8
from botocore.exceptions import BotoCoreError, ClientError
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from catalogue.errors import CatalogueError
from catalogue.jobs import Handler, JobContext, JobKind, JobResult, TransientJobError, enqueue
from catalogue.media.names import display_name
from catalogue.models import Asset, RenditionFile, RenditionSet, SubtitleTrack
from catalogue.models.assets import SUBTITLED_KINDS
from catalogue.models.subtitles import SubtitleKind, TrackStatus
from catalogue.models.types import utcnow
from catalogue.storage import Storage
from transcoder.dash import DashTextTrack, with_text_tracks
from transcoder.hls import AudioRendition, SubtitleRendition, Variant, write_master_playlist
from transcoder.subtitles import SubtitleError, SubtitleFormat, read_subtitles, segment_track

log = logging.getLogger("catalogue.media")

KIND = JobKind("deliver_subtitles")
GROUP_ID = "subs"
SUBS_FOLDER = "subs"
SEGMENT_PREFIX = "seg_"
PLAYLIST = "index.m3u8"
SIDECAR = "track.vtt"
"""The whole track beside its HLS segments: the DASH manifest's subtitle representation."""
# fMP4 segments from our pipeline start their timeline at 0 (no MPEG-TS 1.4 s offset).
FMP4_MPEGTS = 0


AfterPublish = Callable[[Session, int], None]
"""A step run in the transaction that records a changed rendition set (session, asset id): the
product announces it to partners' webhooks (`catalogue.handlers`; media cannot name delivery)."""


@dataclass(frozen=True, slots=True)
class Delivered:
    asset_id: int
    tracks: list[int]
    master_playlist_key: str


def hls_directory(track_id: int, revision: int) -> str:
    """Relative to a rendition set's prefix: a new revision gets a new folder, so the master
    playlist switches from one complete set of segments to another."""
    return f"{SUBS_FOLDER}/{track_id}-r{revision}"


def enqueue_for_title(session: Session, title_id: int) -> None:
    """Queue delivery for every rendition set the title's subtitles belong in."""
    asset_ids = session.exec(
        select(Asset.id)
        .join(RenditionSet, RenditionSet.asset_id == Asset.id)  # type: ignore[arg-type]
        .where(Asset.title_id == title_id, Asset.kind.in_(SUBTITLED_KINDS))  # type: ignore[attr-defined]
    ).all()
    for asset_id in asset_ids:
        # No dedupe key: a job reads the state when it runs, so a second one is only redundant.
        enqueue(session, KIND, HANDLER, {"asset_id": asset_id})


def delivery_handler(then: Sequence[AfterPublish] = ()) -> Handler:
    """The subtitle delivery job; ``then`` runs when it changed the rendition set."""

    def deliver_subtitles_job(ctx: JobContext[Storage]) -> JobResult:
        return deliver_subtitles(ctx, then)

    return Handler(deliver_subtitles_job, timeout_s=900, max_attempts=5)


HANDLER = delivery_handler()
"""The delivery's limits (what enqueue records); the product's table adds its follow-ups."""


def deliver_subtitles(ctx: JobContext[Storage], then: Sequence[AfterPublish] = ()) -> JobResult:
    asset_id = int(ctx.payload["asset_id"])
    try:
        with ctx.session() as session:
            done = deliver(session, ctx.storage, asset_id, then=then)
    except (BotoCoreError, ClientError, OSError) as error:
        raise TransientJobError(
            f"storage failed delivering subtitles of asset {asset_id}: {error}"
        ) from error
    except IntegrityError as error:
        # Another delivery of the same asset recorded the same files first (SQLite cannot lock the
        # row): run again on the state it left, which converges.
        raise TransientJobError(
            f"a concurrent delivery of asset {asset_id}'s subtitles won the race; retrying"
        ) from error
    if done is None:
        return {"asset_id": asset_id, "skipped": "the asset has no rendition set (yet)"}
    return {"asset_id": done.asset_id, "tracks": done.tracks, "master": done.master_playlist_key}


def after_renditions_published(
    session: Session, storage: Storage, asset_id: int, *, then: Sequence[AfterPublish] = ()
) -> None:
    """The transcode job's hook: a new rendition set replaced the old one and its subtitles, so
    put them back now. A failure here is retried as its own job, not as a new transcode."""
    try:
        deliver(session, storage, asset_id, then=then)
    except (CatalogueError, SubtitleError, BotoCoreError, ClientError, OSError) as error:
        session.rollback()
        log.warning("subtitles of asset %s not delivered yet (%s); queued a retry", asset_id, error)
        enqueue(session, KIND, HANDLER, {"asset_id": asset_id})
        session.commit()


def published_tracks(session: Session, title_id: int) -> list[SubtitleTrack]:
    return list(
        session.exec(
            select(SubtitleTrack)
            .where(
                SubtitleTrack.title_id == title_id, SubtitleTrack.status == TrackStatus.published
            )
            .order_by(SubtitleTrack.language, SubtitleTrack.kind, SubtitleTrack.id)  # type: ignore[arg-type]
        ).all()
    )


def deliver(
    session: Session, storage: Storage, asset_id: int, *, then: Sequence[AfterPublish] = ()
) -> Delivered | None:
    """Make the rendition set of `asset_id` carry exactly the title's published tracks."""
    # FOR UPDATE: deliveries of one asset take turns on PostgreSQL (SQLite ignores it; see the job).
    row = session.exec(
        select(RenditionSet).where(RenditionSet.asset_id == asset_id).with_for_update()
    ).first()
    asset = session.get(Asset, asset_id)
    if row is None or asset is None or asset.kind not in SUBTITLED_KINDS:
        return None
    tracks = published_tracks(session, asset.title_id)
    if not tracks and not storage.list(f"{row.prefix}/{SUBS_FOLDER}/"):
        return Delivered(asset_id, [], row.master_playlist_key)  # as the transcode wrote it
    durations = video_segment_durations(storage, row)
    written: dict[str, bytes] = {}
    entries: list[SubtitleRendition] = []
    sidecars: list[DashTextTrack] = []
    names: set[str] = set()
    for track in tracks:
        assert track.id is not None
        folder = hls_directory(track.id, track.revision)
        # A stored normalised track (the subtitles service wrote it: UTF-8 WebVTT).
        vtt = storage.read_bytes(track.vtt_key)
        parsed = read_subtitles(vtt, expected_format=SubtitleFormat.WEBVTT)
        segmented = segment_track(parsed, durations, FMP4_MPEGTS, SEGMENT_PREFIX)
        for name, text in segmented.segments:
            written[f"{folder}/{name}"] = text.encode("utf-8")
        written[f"{folder}/{SIDECAR}"] = vtt
        written[f"{folder}/{PLAYLIST}"] = segmented.playlist.encode("utf-8")  # after its segments
        name = display_name(track)
        if name in names:
            name = f"{name} ({track.id})"
        names.add(name)
        entries.append(
            SubtitleRendition(
                group_id=GROUP_ID,
                name=name,
                language=track.language,
                uri=f"{folder}/{PLAYLIST}",
                default=track.is_default,
                forced=track.kind == SubtitleKind.forced,
            )
        )
        sidecars.append(
            DashTextTrack(
                id=f"subs-{track.id}",
                url=f"{folder}/{SIDECAR}",
                language=track.language,
                bandwidth=math.ceil(len(vtt) * 8 / max(row.duration_s, 1.0)),
                label=name,
                forced=track.kind == SubtitleKind.forced,
            )
        )
    if row.dash_manifest_key:  # sets made before DASH have none
        mpd = storage.read_bytes(row.dash_manifest_key).decode("utf-8")
        written[_relative(row, row.dash_manifest_key)] = with_text_tracks(mpd, sidecars).encode()
    master = master_playlist(row, entries).encode("utf-8")
    for path, data in written.items():
        storage.put_bytes(data, f"{row.prefix}/{path}")
    storage.put_bytes(master, row.master_playlist_key)  # last
    folders = {hls_directory(t.id, t.revision) for t in tracks}  # type: ignore[arg-type]
    _remove_stale_folders(storage, row.prefix, folders)
    current = {**written, _relative(row, row.master_playlist_key): master}
    _record_files(session, row, current, then)
    return Delivered(asset_id, [t.id for t in tracks], row.master_playlist_key)  # type: ignore[misc]


def video_segment_durations(storage: Storage, row: RenditionSet) -> list[int]:
    """Segment durations (ms) of the set's first video variant; every variant shares them."""
    if not row.variants:
        raise CatalogueError(f"rendition set of asset {row.asset_id} lists no variants")
    key = f"{row.prefix}/{row.variants[0]['uri']}"
    playlist = m3u8.loads(storage.read_bytes(key).decode("utf-8"))
    durations = [round(segment.duration * 1000) for segment in playlist.segments]
    if not durations or min(durations) <= 0:
        raise CatalogueError(f"video playlist {key} lists no segments")
    return durations


def master_playlist(row: RenditionSet, subtitles: list[SubtitleRendition]) -> str:
    """The set's master playlist from its recorded variants and audio, plus `subtitles`."""
    audio = [AudioRendition(**a) for a in row.audio_renditions]
    audio_group = audio[0].group_id if audio else None
    variants = [
        Variant(
            uri=v["uri"],
            bandwidth=v["bandwidth"],
            average_bandwidth=v["average_bandwidth"] or v["bandwidth"],
            codecs=tuple(v["codecs"].split(",")),
            width=v["width"],
            height=v["height"],
            frame_rate=v["frame_rate"],
            video_range=v.get("video_range"),  # absent from sets made before HDR ladders
            audio_group=audio_group,
            subtitle_group=GROUP_ID if subtitles else None,
        )
        for v in row.variants
    ]
    return write_master_playlist(variants, audio, subtitles)


def _relative(row: RenditionSet, key: str) -> str:
    return key.removeprefix(f"{row.prefix}/")


def _remove_stale_folders(storage: Storage, prefix: str, keep: set[str]) -> None:
    for info in storage.list(f"{prefix}/{SUBS_FOLDER}/"):
        folder = "/".join(info.key.removeprefix(f"{prefix}/").split("/")[:2])
        if folder not in keep:
            storage.delete(info.key)


def _record_files(
    session: Session, row: RenditionSet, current: dict[str, bytes], then: Sequence[AfterPublish]
) -> None:
    """Keep the set's file rows true: the master's new size and hash, subtitle files added and
    removed (video rows untouched)."""
    existing = {
        f.path: f
        for f in session.exec(select(RenditionFile).where(RenditionFile.rendition_set_id == row.id))
    }
    for path, data in current.items():
        file = existing.get(path) or RenditionFile(
            rendition_set_id=row.id,  # type: ignore[arg-type]
            path=path,
            key="",
            size=0,
            sha256="",  # type: ignore[arg-type]
        )
        file.key = f"{row.prefix}/{path}"
        file.size, file.sha256 = len(data), hashlib.sha256(data).hexdigest()
        session.add(file)
    for path, file in existing.items():
        if path.startswith(f"{SUBS_FOLDER}/") and path not in current:
            session.delete(file)
    session.flush()
    row.total_bytes = sum(
        f.size
        for f in session.exec(select(RenditionFile).where(RenditionFile.rendition_set_id == row.id))
    )
    row.updated_at = utcnow()
    session.add(row)
    for step in then:
        step(session, row.asset_id)
    session.commit()
