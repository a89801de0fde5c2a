"""Media assets (masters as uploaded, and what probing found) and the resumable uploads feeding them."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, ForeignKey, Integer, String
from sqlmodel import Field, SQLModel

from catalogue.errors import Conflict
from catalogue.models.types import UTCDateTime, str_enum, utcnow


class AssetKind(StrEnum):
    main = "main"
    trailer = "trailer"
    teaser = "teaser"
    promo_cut = "promo_cut"
    textless = "textless"
    audio_description = "audio_description"


# Kinds that are sound only: a file without motion video is acceptable for these.
AUDIO_KINDS = frozenset({AssetKind.audio_description})
# Masters that subtitles are timed to: the programme, with or without burnt-in text.
SUBTITLED_KINDS = (AssetKind.main, AssetKind.textless)


class AssetState(StrEnum):
    uploading = "uploading"
    uploaded = "uploaded"
    probing = "probing"
    ready = "ready"
    rejected = "rejected"


# The only place the life cycle is defined: from-state -> states it may move to. A probe that
# fails for the machine's sake (not the file's) goes back to `uploaded` to be tried again.
ASSET_TRANSITIONS: dict[AssetState, frozenset[AssetState]] = {
    AssetState.uploading: frozenset({AssetState.uploaded}),
    AssetState.uploaded: frozenset({AssetState.probing}),
    AssetState.probing: frozenset({AssetState.ready, AssetState.rejected, AssetState.uploaded}),
    AssetState.ready: frozenset({AssetState.probing}),
    AssetState.rejected: frozenset({AssetState.probing}),
}


class Asset(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    title_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("title.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    kind: AssetKind = Field(sa_type=str_enum(AssetKind, 32))
    state: AssetState = Field(
        default=AssetState.uploading, sa_type=str_enum(AssetState, 16), index=True
    )
    original_filename: str = Field(sa_type=String(255))
    # Server-made; None until the upload completes.
    storage_key: str | None = Field(default=None, sa_type=String(300))
    size: int = Field(sa_column=Column(BigInteger, nullable=False))
    sha256: str | None = Field(default=None, sa_type=String(64))
    rejection_reasons: list[str] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    technical: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    created_by: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("user.id", ondelete="SET NULL"))
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    probed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


def move_asset(asset: Asset, to: AssetState) -> None:
    """Change `asset.state`, refusing moves the life cycle does not allow."""
    current = asset.state
    if to not in ASSET_TRANSITIONS[current]:
        raise Conflict(f"asset {asset.id} is {current}; it cannot become {to}")
    asset.state = to
    asset.updated_at = utcnow()


class Upload(SQLModel, table=True):
    """A tus upload session. Its id is a random token: it is the upload URL's only secret part."""

    id: str = Field(sa_column=Column(String(32), primary_key=True))
    asset_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("asset.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    created_by: int = Field(
        sa_column=Column(
            Integer, ForeignKey("user.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    length: int = Field(sa_column=Column(BigInteger, nullable=False))
    offset: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    # The client's Upload-Metadata, decoded (echoed back on HEAD as tus asks).
    client_metadata: dict[str, str] = Field(
        default_factory=dict, sa_column=Column(JSON, nullable=False)
    )
    expires_at: datetime = Field(sa_type=UTCDateTime, index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    completed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Which request is writing the upload (any API node may take any PATCH): a lease, renewed
    # while the body streams; a node that dies mid-PATCH loses it when `locked_until` passes.
    lock_token: str | None = Field(default=None, sa_type=String(32))
    locked_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Set with the final offset, before the staged file moves into storage: a node dying between
    # the move and the completion leaves a row that says where the master went and what it hashes
    # to, and the next request finishes the completion instead of losing the upload.
    master_key: str | None = Field(default=None, sa_type=String(400))
    sha256: str | None = Field(default=None, sa_type=String(64))


# --- API models -------------------------------------------------------------------------------


class AssetPublic(SQLModel):
    id: int
    title_id: int
    kind: AssetKind
    state: AssetState
    original_filename: str
    size: int = Field(description="bytes (declared length while uploading)")
    uploaded_bytes: int = Field(description="bytes received so far")
    sha256: str | None = Field(description="SHA-256 of the whole file, hex; set once uploaded")
    rejection_reasons: list[str]
    technical: dict[str, Any] | None = Field(
        description="what probing found: container, duration, streams (codecs, sizes, rates, "
        "languages, ...)"
    )
    created_by: int | None
    created_at: datetime
    updated_at: datetime
    probed_at: datetime | None
