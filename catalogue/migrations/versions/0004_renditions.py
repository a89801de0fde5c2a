"""renditions: an asset's published rendition set and its files

Revision ID: 0004
Revises: 0002
Depends on: 0003 (the job a set was made by)
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = "0003"


def upgrade() -> None:
    op.create_table(
        "rendition_set",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("asset_id", sa.Integer(), nullable=False),
        sa.Column("job_id", sa.Integer(), nullable=True),
        sa.Column("prefix", sa.String(length=300), nullable=False),
        sa.Column("master_playlist_key", sa.String(length=300), nullable=False),
        sa.Column("delivery_video_key", sa.String(length=300), nullable=False),
        sa.Column("delivery_audio_key", sa.String(length=300), nullable=True),
        sa.Column("poster_key", sa.String(length=300), nullable=False),
        sa.Column("storyboard_vtt_key", sa.String(length=300), nullable=False),
        sa.Column("storyboard_sprite_keys", sa.JSON(), nullable=False),
        sa.Column("variants", sa.JSON(), nullable=False),
        sa.Column("audio_renditions", sa.JSON(), nullable=False),
        sa.Column("duration_s", sa.Float(), nullable=False),
        sa.Column("loudness_integrated_lufs", sa.Float(), nullable=True),
        sa.Column("loudness_true_peak_dbtp", sa.Float(), nullable=True),
        sa.Column("loudness_range_lu", sa.Float(), nullable=True),
        sa.Column("source_loudness", sa.JSON(), nullable=False),
        sa.Column("total_bytes", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["asset_id"], ["asset.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["job_id"], ["job.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("asset_id"),
    )
    op.create_table(
        "rendition_file",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rendition_set_id", sa.Integer(), nullable=False),
        sa.Column("path", sa.String(length=300), nullable=False),
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["rendition_set_id"], ["rendition_set.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("rendition_set_id", "path", name="uq_rendition_file_path"),
    )
    op.create_index("ix_rendition_file_rendition_set_id", "rendition_file", ["rendition_set_id"])


def downgrade() -> None:
    op.drop_table("rendition_file")
    op.drop_table("rendition_set")
