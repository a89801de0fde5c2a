"""Subtitle tracks of a title (per language and kind), their revision history, burnt-in
renditions, and the audio languages the probed masters carry."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import StringConstraints
from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlmodel import Field, SQLModel

from catalogue.errors import Conflict
from catalogue.models.patch import CLEARS, PatchModel
from catalogue.models.types import UTCDateTime, str_enum, utcnow
from catalogue.validation import Id, LanguageTag


class SubtitleKind(StrEnum):
    subtitles = "subtitles"
    captions = "captions"
    """For the deaf and hard of hearing: speakers, sounds and music described."""
    forced = "forced"
    """Forced narrative: only foreign dialogue, signs and on-screen text."""


class TrackStatus(StrEnum):
    draft = "draft"
    published = "published"


# The only place the workflow is defined. Publishing also needs a QC report without errors.
TRACK_TRANSITIONS: dict[TrackStatus, frozenset[TrackStatus]] = {
    TrackStatus.draft: frozenset({TrackStatus.published}),
    TrackStatus.published: frozenset({TrackStatus.draft}),
}


class TrackOrigin(StrEnum):
    upload = "upload"
    embedded = "embedded"


class RevisionOperation(StrEnum):
    upload = "upload"
    embedded = "embedded"
    shift = "shift"
    frame_rate = "frame_rate"


class SubtitleTrack(SQLModel, table=True):
    """One language and kind of a title; its current text is revision `revision`."""

    __tablename__ = "subtitle_track"
    __table_args__ = (
        UniqueConstraint("title_id", "language", "kind", name="uq_subtitle_track_language_kind"),
    )

    id: int | None = Field(default=None, primary_key=True)
    title_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("title.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    language: str = Field(sa_type=String(35), index=True)
    kind: SubtitleKind = Field(sa_type=str_enum(SubtitleKind, 16))
    label: str | None = Field(default=None, sa_type=String(100))
    status: TrackStatus = Field(
        default=TrackStatus.draft, sa_type=str_enum(TrackStatus, 16), index=True
    )
    is_default: bool = Field(default=False, sa_column=Column(Boolean, nullable=False))
    origin: TrackOrigin = Field(sa_type=str_enum(TrackOrigin, 16))
    source_asset_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("asset.id", ondelete="SET NULL"))
    )
    source_stream_index: int | None = None
    revision: int = 1
    vtt_key: str = Field(sa_type=String(300))
    original_key: str = Field(sa_type=String(300))
    original_filename: str = Field(sa_type=String(255))
    source_format: str = Field(sa_type=String(8))
    source_encoding: str = Field(sa_type=String(32))
    cue_count: int = 0
    end_ms: int = Field(default=0, description="end of the last cue")
    qc_findings: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    qc_video_duration_ms: int | None = None
    qc_checked_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    created_by: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("user.id", ondelete="SET NULL"))
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    published_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


def move_track(track: SubtitleTrack, to: TrackStatus) -> None:
    current = track.status
    if to not in TRACK_TRANSITIONS[current]:
        raise Conflict(f"subtitle track {track.id} is {current}; it cannot become {to}")
    track.status = to
    track.updated_at = utcnow()
    track.published_at = utcnow() if to is TrackStatus.published else None


class SubtitleRevision(SQLModel, table=True):
    """Every text a track has had: retiming makes a new revision, never overwrites one."""

    __tablename__ = "subtitle_revision"
    __table_args__ = (UniqueConstraint("track_id", "number", name="uq_subtitle_revision_number"),)

    id: int | None = Field(default=None, primary_key=True)
    track_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("subtitle_track.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    number: int
    operation: RevisionOperation = Field(sa_type=str_enum(RevisionOperation, 16))
    parameters: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    vtt_key: str = Field(sa_type=String(300))
    original_key: str = Field(sa_type=String(300))
    cue_count: int
    created_by: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("user.id", ondelete="SET NULL"))
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class SubtitleBurnIn(SQLModel, table=True):
    """An MP4 of an asset's delivery rendition with one track revision burnt into the picture."""

    __tablename__ = "subtitle_burnin"
    __table_args__ = (
        UniqueConstraint("track_id", "revision", "asset_id", name="uq_subtitle_burnin"),
    )

    id: int | None = Field(default=None, primary_key=True)
    track_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("subtitle_track.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    revision: int
    asset_id: int = Field(
        sa_column=Column(Integer, ForeignKey("asset.id", ondelete="CASCADE"), nullable=False)
    )
    job_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("job.id", ondelete="SET NULL"))
    )
    key: str = Field(sa_type=String(300))
    size: int = Field(sa_column=Column(BigInteger, nullable=False))
    sha256: str = Field(sa_type=String(64))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class AssetAudioLanguage(SQLModel, table=True):
    """The languages of a probed master's sound tracks (BCP 47), for the title's languages."""

    __tablename__ = "asset_audio_language"

    asset_id: int = Field(
        sa_column=Column(Integer, ForeignKey("asset.id", ondelete="CASCADE"), primary_key=True)
    )
    language: str = Field(sa_column=Column(String(35), primary_key=True, index=True))


# --- API models -------------------------------------------------------------------------------

# Shown in players and written into playlists: no double quotes or line breaks.
Label = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=100, pattern=r'^[^"\r\n]*$'),
]


class FindingPublic(SQLModel):
    code: str
    severity: str = Field(description="error (blocks publishing) or warning")
    cue: int = Field(
        description="0-based position of the cue in the track; for a block dropped on reading, "
        "the position where it stood"
    )
    start_ms: int | None
    line: int | None = Field(
        default=None, description="line in the uploaded file, for findings made while reading it"
    )
    message: str


class QCPublic(SQLModel):
    checked_at: datetime
    video_duration_ms: int | None = Field(description="the master's duration QC checked against")
    publishable: bool
    errors: int
    warnings: int
    findings: list[FindingPublic]


class SubtitleTrackPublic(SQLModel):
    id: int
    title_id: int
    language: str
    kind: SubtitleKind
    label: str | None
    name: str = Field(description="what players show: the label, else the language's own name")
    status: TrackStatus
    default: bool
    origin: TrackOrigin
    source_asset_id: int | None
    source_stream_index: int | None
    revision: int
    original_filename: str
    source_format: str
    source_encoding: str
    cue_count: int
    end_ms: int
    qc: QCPublic
    created_by: int | None
    created_at: datetime
    updated_at: datetime
    published_at: datetime | None


class SubtitleTrackUpdate(PatchModel):
    """Partial update; a published track's language or kind cannot change (unpublish first)."""

    language: LanguageTag | None = None
    kind: SubtitleKind | None = None
    label: Annotated[Label | None, CLEARS] = Field(
        default=None, description="null: players show the language's own name"
    )
    default: bool | None = Field(
        default=None, description="the title's DEFAULT subtitle in HLS (at most one)"
    )


class TrackStatusChange(SQLModel):
    model_config = {"extra": "forbid"}

    status: TrackStatus


class ShiftRequest(SQLModel):
    model_config = {"extra": "forbid"}

    offset_ms: int = Field(
        ge=-86_400_000, le=86_400_000, description="milliseconds; negative moves cues earlier"
    )


class FrameRateName(StrEnum):
    film_ntsc = "23.976"
    film = "24"
    pal = "25"
    ntsc = "29.97"


class FrameRateRequest(SQLModel):
    model_config = {"extra": "forbid"}

    from_rate: FrameRateName = Field(description="the rate the subtitles were timed to")
    to_rate: FrameRateName = Field(description="the rate of the video they must follow")


class RevisionPublic(SQLModel):
    number: int
    operation: RevisionOperation
    parameters: dict[str, Any]
    cue_count: int
    created_by: int | None
    created_at: datetime
    current: bool


class ExtractRequest(SQLModel):
    model_config = {"extra": "forbid"}

    asset_id: Id = Field(description="a ready master of this title")


class BurnInRequest(SQLModel):
    model_config = {"extra": "forbid"}

    asset_id: Id | None = Field(
        default=None, description="the asset whose delivery MP4 to use; default: the main master"
    )


class BurnInPublic(SQLModel):
    id: int
    track_id: int
    revision: int
    asset_id: int
    job_id: int | None
    key: str
    size: int
    sha256: str
    created_at: datetime
