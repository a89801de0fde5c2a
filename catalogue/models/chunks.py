"""A long master transcoded as chunk jobs: the run (how many chunks, how many are done) and its
chunks (where each starts, when it was done). The join runs once, when the count reaches the
total: the count is a column incremented by a single UPDATE, so two chunks finishing at the same
moment on two workers are counted one after the other, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Integer, UniqueConstraint
from sqlmodel import Field, SQLModel

from catalogue.models.types import UTCDateTime, utcnow


class ChunkedTranscode(SQLModel, table=True):
    __tablename__ = "chunked_transcode"

    id: int | None = Field(default=None, primary_key=True)
    asset_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("asset.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    # The transcode_asset job that planned the run: its retry finds the run instead of planning
    # another. No foreign key: finished job rows may be purged.
    job_id: int = Field(sa_column=Column(Integer, nullable=False, unique=True))
    chunk_seconds: float
    chunks: int
    chunks_done: int = 0
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    joined_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    """Set in the transaction that records the rendition set: a retried join stops there."""


class TranscodeChunk(SQLModel, table=True):
    __tablename__ = "transcode_chunk"
    __table_args__ = (UniqueConstraint("run_id", "number", name="uq_transcode_chunk"),)

    id: int | None = Field(default=None, primary_key=True)
    run_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("chunked_transcode.id", ondelete="CASCADE"), nullable=False
        )
    )
    number: int
    first_segment: int
    start_frame: int
    frames: int | None = None
    """None for the last chunk (to the end of the master)."""
    done_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
