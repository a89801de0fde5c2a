"""Subtitle tracks of a title: upload, QC, publish, retime, sidecar files, extraction, burn-in."""

from __future__ import annotations

import re
from typing import Any

from fastapi import Request, Response, status

from catalogue.api.responses import errors
from catalogue.auth.guards import AnyUser, Editor
from catalogue.deps import PathId, SessionDep, SettingsDep, StorageDep
from catalogue.errors import InvalidInput
from catalogue.jobs import service as jobs_service
from catalogue.models import SubtitleTrack, Title
from catalogue.models.jobs import JobPublic
from catalogue.models.subtitles import (
    BurnInPublic,
    BurnInRequest,
    ExtractRequest,
    FrameRateName,
    FrameRateRequest,
    RevisionOperation,
    RevisionPublic,
    ShiftRequest,
    SubtitleKind,
    SubtitleTrackPublic,
    SubtitleTrackUpdate,
    TrackStatusChange,
)
from catalogue.rights import access
from catalogue.routing import Router
from catalogue.subtitles import burnin, extraction, files, tracks
from catalogue.subtitles.upload import read_subtitle_form
from catalogue.validation import language_tag
from transcoder.subtitles import (
    FrameRate,
    TimingError,
    convert_frame_rate,
    shift,
    to_srt,
    to_webvtt,
)

router = Router(prefix="/titles", tags=["subtitles"])

TitleId = PathId
TrackId = PathId

_RATES = {
    FrameRateName.film_ntsc: FrameRate.FILM_NTSC,
    FrameRateName.film: FrameRate.FILM,
    FrameRateName.pal: FrameRate.PAL,
    FrameRateName.ntsc: FrameRate.NTSC,
}

_MULTIPART_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {
                            "type": "string",
                            "format": "binary",
                            "description": "SRT, WebVTT, ASS/SSA or TTML, any common encoding",
                        },
                        "language": {
                            "type": "string",
                            "description": "BCP 47, e.g. ru, kk, zh-Hans",
                        },
                        "kind": {"type": "string", "enum": [k.value for k in SubtitleKind]},
                        "label": {"type": "string", "maxLength": 100},
                    },
                }
            }
        },
    }
}


def _title(session: SessionDep, user: Any, title_id: int) -> Title:
    return access.visible_title(session, user, title_id)


def _track(session: SessionDep, user: Any, title_id: int, track_id: int) -> SubtitleTrack:
    return tracks.get_track(session, user, _title(session, user, title_id), track_id)


@router.get(
    "/{title_id}/subtitles", response_model=list[SubtitleTrackPublic], responses=errors(404)
)
def list_subtitles(
    session: SessionDep, user: AnyUser, title_id: TitleId
) -> list[SubtitleTrackPublic]:
    """The title's subtitle tracks with their QC reports (staff; partners: not yet)."""
    return [
        tracks.to_public(t)
        for t in tracks.list_tracks(session, user, _title(session, user, title_id))
    ]


@router.post(
    "/{title_id}/subtitles",
    response_model=SubtitleTrackPublic,
    status_code=status.HTTP_201_CREATED,
    responses=errors(404, 409, 413),
    openapi_extra=_MULTIPART_BODY,
)
async def upload_subtitles(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    storage: StorageDep,
    user: Editor,
    title_id: TitleId,
) -> SubtitleTrackPublic:
    """Attach a subtitle file in one language and kind. It is stored as normalised WebVTT beside
    the original, and checked (QC); the track starts as a draft."""
    title = _title(session, user, title_id)
    form = await read_subtitle_form(request, settings.subtitle_max_bytes)
    language = _language(form.fields.get("language"))
    kind = _kind(form.fields.get("kind", SubtitleKind.subtitles.value))
    label = _label(form.fields.get("label"))
    source = tracks.parse_upload(form.data, form.filename, language)
    track = tracks.create_track(
        session, storage, settings, user.id, title, language, kind, label, source
    )
    return tracks.to_public(track)


# Sidecar routes come before /{track_id} so that "7.vtt" is not read as a track id.
# Before the {track_id} routes: "extract" would match them as a track id (typed later).
@router.post(
    "/{title_id}/subtitles/extract",
    response_model=JobPublic,
    status_code=status.HTTP_202_ACCEPTED,
    responses=errors(404),
)
def extract_embedded(
    session: SessionDep, user: Editor, title_id: TitleId, body: ExtractRequest
) -> JobPublic:
    """Extract the text subtitle streams of a ready master of this title as tracks (a job)."""
    title = _title(session, user, title_id)
    job = extraction.request_extraction(session, title, body.asset_id, user.id)
    return jobs_service.to_public(job)


@router.get(
    "/{title_id}/subtitles/{track_id}.vtt",
    response_class=Response,
    responses={200: {"content": {"text/vtt": {}}}, **errors(404)},
)
def download_vtt(
    session: SessionDep, storage: StorageDep, user: AnyUser, title_id: TitleId, track_id: TrackId
) -> Response:
    """The normalised WebVTT of the track's current revision (sidecar file)."""
    track = _track(session, user, title_id, track_id)
    text = to_webvtt(files.load_vtt(storage, track.vtt_key))
    return _attachment(text, "text/vtt; charset=utf-8", track, "vtt")


@router.get(
    "/{title_id}/subtitles/{track_id}.srt",
    response_class=Response,
    responses={200: {"content": {"application/x-subrip": {}}}, **errors(404)},
)
def download_srt(
    session: SessionDep, storage: StorageDep, user: AnyUser, title_id: TitleId, track_id: TrackId
) -> Response:
    """The track's current revision as SubRip, UTF-8 (sidecar file for older players)."""
    track = _track(session, user, title_id, track_id)
    text = to_srt(files.load_vtt(storage, track.vtt_key))
    return _attachment(text, "application/x-subrip; charset=utf-8", track, "srt")


@router.get(
    "/{title_id}/subtitles/{track_id}/original",
    response_class=Response,
    responses={200: {"content": {"application/octet-stream": {}}}, **errors(404)},
)
def download_original(
    session: SessionDep, storage: StorageDep, user: AnyUser, title_id: TitleId, track_id: TrackId
) -> Response:
    """The file as it was uploaded (or extracted), byte for byte."""
    track = _track(session, user, title_id, track_id)
    data = files.get_bytes(storage, track.original_key)
    extension = track.original_key.rsplit(".", 1)[-1]
    return _attachment(data, "application/octet-stream", track, f"original.{extension}")


@router.get(
    "/{title_id}/subtitles/{track_id}", response_model=SubtitleTrackPublic, responses=errors(404)
)
def read_subtitle_track(
    session: SessionDep, user: AnyUser, title_id: TitleId, track_id: TrackId
) -> SubtitleTrackPublic:
    return tracks.to_public(_track(session, user, title_id, track_id))


@router.patch(
    "/{title_id}/subtitles/{track_id}",
    response_model=SubtitleTrackPublic,
    responses=errors(404, 409),
)
def update_subtitle_track(
    session: SessionDep,
    user: Editor,
    title_id: TitleId,
    track_id: TrackId,
    body: SubtitleTrackUpdate,
) -> SubtitleTrackPublic:
    """Change language, kind, label or the DEFAULT flag (one default per title)."""
    track = _track(session, user, title_id, track_id)
    return tracks.to_public(tracks.update_track(session, track, body))


@router.delete(
    "/{title_id}/subtitles/{track_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=errors(404, 409),
)
def delete_subtitle_track(
    session: SessionDep, storage: StorageDep, user: Editor, title_id: TitleId, track_id: TrackId
) -> Response:
    """Delete a draft track with its revisions and files; unpublish a published one first."""
    track = _track(session, user, title_id, track_id)
    tracks.delete_track(session, storage, track)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/{title_id}/subtitles/{track_id}/file",
    response_model=SubtitleTrackPublic,
    responses=errors(404, 409, 413),
    openapi_extra=_MULTIPART_BODY,
)
async def replace_subtitle_file(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    storage: StorageDep,
    user: Editor,
    title_id: TitleId,
    track_id: TrackId,
) -> SubtitleTrackPublic:
    """Replace the track's text with a new file: a new revision (earlier ones are kept). A
    published track stays published only if the new text passes QC; its HLS is redelivered."""
    track = _track(session, user, title_id, track_id)
    form = await read_subtitle_form(request, settings.subtitle_max_bytes)
    source = tracks.parse_upload(form.data, form.filename, track.language)
    return tracks.to_public(tracks.replace_file(session, storage, settings, user.id, track, source))


@router.post(
    "/{title_id}/subtitles/{track_id}/shift",
    response_model=SubtitleTrackPublic,
    responses=errors(404, 409),
)
def shift_subtitles(
    session: SessionDep,
    settings: SettingsDep,
    storage: StorageDep,
    user: Editor,
    title_id: TitleId,
    track_id: TrackId,
    body: ShiftRequest,
) -> SubtitleTrackPublic:
    """Move every cue by `offset_ms` (a new revision). Cues moved before 0 are dropped or cut."""
    track = _track(session, user, title_id, track_id)
    try:
        result = shift(files.load_vtt(storage, track.vtt_key), body.offset_ms)
    except TimingError as error:
        raise InvalidInput(f"offset_ms: {error}") from None
    parameters = {
        "offset_ms": body.offset_ms,
        "dropped_cues": list(result.dropped),
        "clamped_cues": list(result.clamped),
    }
    source = tracks.Source(
        result.track, b"", track.original_filename, RevisionOperation.shift, parameters
    )
    return tracks.to_public(tracks.replace_file(session, storage, settings, user.id, track, source))


@router.post(
    "/{title_id}/subtitles/{track_id}/frame-rate",
    response_model=SubtitleTrackPublic,
    responses=errors(404, 409),
)
def convert_subtitle_frame_rate(
    session: SessionDep,
    settings: SettingsDep,
    storage: StorageDep,
    user: Editor,
    title_id: TitleId,
    track_id: TrackId,
    body: FrameRateRequest,
) -> SubtitleTrackPublic:
    """Retime subtitles made for a video at `from_rate` to one at `to_rate` (e.g. 24 -> 25 PAL
    speed-up shortens every time by 4 %). A new revision."""
    if body.from_rate == body.to_rate:
        raise InvalidInput("to_rate: equals from_rate; nothing to convert")
    track = _track(session, user, title_id, track_id)
    try:
        converted = convert_frame_rate(
            files.load_vtt(storage, track.vtt_key), _RATES[body.from_rate], _RATES[body.to_rate]
        )
    except TimingError as error:
        raise InvalidInput(f"frame rate: {error}") from None
    parameters = {"from_rate": body.from_rate.value, "to_rate": body.to_rate.value}
    source = tracks.Source(
        converted, b"", track.original_filename, RevisionOperation.frame_rate, parameters
    )
    return tracks.to_public(tracks.replace_file(session, storage, settings, user.id, track, source))


@router.get(
    "/{title_id}/subtitles/{track_id}/revisions",
    response_model=list[RevisionPublic],
    responses=errors(404),
)
def list_revisions(
    session: SessionDep, user: AnyUser, title_id: TitleId, track_id: TrackId
) -> list[RevisionPublic]:
    """Every text the track has had, oldest first; `current` marks the one in use."""
    track = _track(session, user, title_id, track_id)
    return [
        RevisionPublic(**r.model_dump(), current=r.number == track.revision)
        for r in tracks.revisions(session, track)
    ]


@router.post(
    "/{title_id}/subtitles/{track_id}/qc", response_model=SubtitleTrackPublic, responses=errors(404)
)
def rerun_qc(
    session: SessionDep,
    settings: SettingsDep,
    storage: StorageDep,
    user: Editor,
    title_id: TitleId,
    track_id: TrackId,
) -> SubtitleTrackPublic:
    """Check the track again with today's thresholds and the master's duration."""
    track = _track(session, user, title_id, track_id)
    return tracks.to_public(tracks.rerun_qc(session, storage, settings, track))


@router.post(
    "/{title_id}/subtitles/{track_id}/status",
    response_model=SubtitleTrackPublic,
    responses=errors(404, 409),
)
def change_track_status(
    session: SessionDep,
    settings: SettingsDep,
    storage: StorageDep,
    user: Editor,
    title_id: TitleId,
    track_id: TrackId,
    body: TrackStatusChange,
) -> SubtitleTrackPublic:
    """Publish (refused with 409 listing the QC errors that block it) or unpublish. Published
    tracks are delivered in HLS and the master playlists are rewritten."""
    track = _track(session, user, title_id, track_id)
    return tracks.to_public(tracks.change_status(session, storage, settings, track, body.status))


@router.post(
    "/{title_id}/subtitles/{track_id}/burn-in",
    response_model=JobPublic,
    status_code=status.HTTP_202_ACCEPTED,
    responses=errors(404),
)
def burn_in(
    session: SessionDep, user: Editor, title_id: TitleId, track_id: TrackId, body: BurnInRequest
) -> JobPublic:
    """Queue an MP4 with the track's current revision burnt into the picture (open captions)."""
    track = _track(session, user, title_id, track_id)
    return jobs_service.to_public(burnin.request_burn_in(session, track, body.asset_id, user.id))


@router.get(
    "/{title_id}/subtitles/{track_id}/burn-ins",
    response_model=list[BurnInPublic],
    responses=errors(404),
)
def list_burn_ins(
    session: SessionDep, user: AnyUser, title_id: TitleId, track_id: TrackId
) -> list[BurnInPublic]:
    track = _track(session, user, title_id, track_id)
    return [
        BurnInPublic.model_validate(b, from_attributes=True)
        for b in burnin.burn_ins(session, track)
    ]


# --- form fields -----------------------------------------------------------------------------


def _language(value: str | None) -> str:
    if not value:
        raise InvalidInput("language: missing; a BCP 47 tag such as 'ru', 'kk', 'zh-Hans'")
    try:
        return language_tag(value)
    except ValueError as error:
        raise InvalidInput(f"language: {error}") from None


def _kind(value: str) -> SubtitleKind:
    try:
        return SubtitleKind(value)
    except ValueError:
        allowed = ", ".join(k.value for k in SubtitleKind)
        raise InvalidInput(f"kind: {value!r} is not one of {allowed}") from None


def _label(value: str | None) -> str | None:
    label = " ".join((value or "").split())
    if len(label) > 100 or any(c in label for c in '"\r\n'):
        raise InvalidInput("label: at most 100 characters, without double quotes")
    return label or None


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def _attachment(
    content: str | bytes, media_type: str, track: SubtitleTrack, suffix: str
) -> Response:
    stem = _UNSAFE.sub("-", f"title{track.title_id}.{track.language}.{track.kind}").strip("-")
    return Response(
        content,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{stem}.{suffix}"'},
    )
