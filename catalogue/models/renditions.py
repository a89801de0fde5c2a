"""An asset's renditions: the published HLS ladder, delivery MP4/M4A, poster, storyboard, the
loudness figures, and every output file with its size and SHA-256."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, ForeignKey, Integer, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from catalogue.models.types import UTCDateTime, utcnow


class RenditionSet(SQLModel, table=True):
    """One per asset; a new transcode replaces it (same rows, same keys)."""

    __tablename__ = "rendition_set"

    id: int | None = Field(default=None, primary_key=True)
    asset_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("asset.id", ondelete="CASCADE"), nullable=False, unique=True
        )
    )
    job_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("job.id", ondelete="SET NULL"))
    )
    prefix: str = Field(sa_type=String(300), description="storage prefix of every output")
    master_playlist_key: str = Field(sa_type=String(300))
    dash_manifest_key: str | None = Field(
        default=None, sa_type=String(300), description="MPEG-DASH manifest over the same segments"
    )
    delivery_video_key: str = Field(sa_type=String(300))
    delivery_audio_key: str | None = Field(default=None, sa_type=String(300))
    poster_key: str = Field(sa_type=String(300))
    storyboard_vtt_key: str = Field(sa_type=String(300))
    storyboard_sprite_keys: list[str] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    variants: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    audio_renditions: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    duration_s: float
    # EBU R128 of the delivered sound, and of each source track before normalisation.
    loudness_integrated_lufs: float | None = None
    loudness_true_peak_dbtp: float | None = None
    loudness_range_lu: float | None = None
    source_loudness: list[dict[str, float]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    total_bytes: int = Field(sa_column=Column(BigInteger, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class RenditionFile(SQLModel, table=True):
    __tablename__ = "rendition_file"
    __table_args__ = (UniqueConstraint("rendition_set_id", "path", name="uq_rendition_file_path"),)

    id: int | None = Field(default=None, primary_key=True)
    rendition_set_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("rendition_set.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    path: str = Field(sa_type=String(300), description="relative to the set's prefix")
    key: str = Field(sa_type=String(300))
    size: int = Field(sa_column=Column(BigInteger, nullable=False))
    sha256: str = Field(sa_type=String(64))


# --- API models -------------------------------------------------------------------------------


class VariantPublic(SQLModel):
    uri: str
    width: int | None
    height: int | None
    bandwidth: int
    average_bandwidth: int | None
    codecs: str
    frame_rate: float | None
    vmaf_mean: float | None = Field(
        default=None, description="VMAF (0-100) against the master, mean over sampled frames"
    )
    vmaf_p5: float | None = Field(
        default=None, description="VMAF 5th percentile over the same frames: the worst moments"
    )
    video_range: str | None = Field(
        default=None, description='"SDR", "PQ" or "HLG" in an HDR master\'s set; null otherwise'
    )


class RenditionFilePublic(SQLModel):
    path: str
    key: str
    size: int
    sha256: str


class LoudnessPublic(SQLModel):
    integrated_lufs: float | None
    true_peak_dbtp: float | None
    range_lu: float | None


class RenditionsPublic(SQLModel):
    asset_id: int
    job_id: int | None
    master_playlist_key: str
    dash_manifest_key: str | None = Field(
        description="the MPEG-DASH manifest over the HLS ladder's segments (null: made before DASH)"
    )
    variants: list[VariantPublic]
    audio_renditions: list[dict[str, Any]]
    delivery_video_key: str
    delivery_audio_key: str | None
    poster_key: str
    storyboard_vtt_key: str
    storyboard_sprite_keys: list[str]
    duration_s: float
    loudness: LoudnessPublic = Field(description="EBU R128 of the delivered sound")
    source_loudness: list[dict[str, float]]
    total_bytes: int
    files: list[RenditionFilePublic]
    updated_at: datetime
