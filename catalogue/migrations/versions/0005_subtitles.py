"""subtitles: subtitle tracks per title, their revisions, burn-ins, audio languages of masters

Revision ID: 0005
Revises: 0002
Depends on: 0003 (the job a burn-in was made by)
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = "0003"


def upgrade() -> None:
    op.create_table(
        "subtitle_track",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=35), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("label", sa.String(length=100), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("is_default", sa.Boolean(), nullable=False),
        sa.Column("origin", sa.String(length=16), nullable=False),
        sa.Column("source_asset_id", sa.Integer(), nullable=True),
        sa.Column("source_stream_index", sa.Integer(), nullable=True),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("vtt_key", sa.String(length=300), nullable=False),
        sa.Column("original_key", sa.String(length=300), nullable=False),
        sa.Column("original_filename", sa.String(length=255), nullable=False),
        sa.Column("source_format", sa.String(length=8), nullable=False),
        sa.Column("source_encoding", sa.String(length=32), nullable=False),
        sa.Column("cue_count", sa.Integer(), nullable=False),
        sa.Column("end_ms", sa.Integer(), nullable=False),
        sa.Column("qc_findings", sa.JSON(), nullable=False),
        sa.Column("qc_video_duration_ms", sa.Integer(), nullable=True),
        sa.Column("qc_checked_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("published_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["title_id"], ["title.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["source_asset_id"], ["asset.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["created_by"], ["user.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("title_id", "language", "kind", name="uq_subtitle_track_language_kind"),
    )
    op.create_index("ix_subtitle_track_title_id", "subtitle_track", ["title_id"])
    op.create_index("ix_subtitle_track_language", "subtitle_track", ["language"])
    op.create_index("ix_subtitle_track_status", "subtitle_track", ["status"])
    op.create_table(
        "subtitle_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("track_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("operation", sa.String(length=16), nullable=False),
        sa.Column("parameters", sa.JSON(), nullable=False),
        sa.Column("vtt_key", sa.String(length=300), nullable=False),
        sa.Column("original_key", sa.String(length=300), nullable=False),
        sa.Column("cue_count", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["track_id"], ["subtitle_track.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["created_by"], ["user.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("track_id", "number", name="uq_subtitle_revision_number"),
    )
    op.create_index("ix_subtitle_revision_track_id", "subtitle_revision", ["track_id"])
    op.create_table(
        "subtitle_burnin",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("track_id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("asset_id", sa.Integer(), nullable=False),
        sa.Column("job_id", sa.Integer(), nullable=True),
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["track_id"], ["subtitle_track.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["asset_id"], ["asset.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["job_id"], ["job.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("track_id", "revision", "asset_id", name="uq_subtitle_burnin"),
    )
    op.create_index("ix_subtitle_burnin_track_id", "subtitle_burnin", ["track_id"])
    op.create_table(
        "asset_audio_language",
        sa.Column("asset_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=35), nullable=False),
        sa.ForeignKeyConstraint(["asset_id"], ["asset.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("asset_id", "language"),
    )
    op.create_index("ix_asset_audio_language_language", "asset_audio_language", ["language"])


def downgrade() -> None:
    op.drop_table("asset_audio_language")
    op.drop_table("subtitle_burnin")
    op.drop_table("subtitle_revision")
    op.drop_table("subtitle_track")
