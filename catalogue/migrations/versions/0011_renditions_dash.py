"""renditions: the MPEG-DASH manifest beside the HLS master playlist

Revision ID: 0011
Revises: 0008
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
# The rendition_set table comes from 0004.
depends_on: str | Sequence[str] | None = ("0004",)


def upgrade() -> None:
    with op.batch_alter_table("rendition_set", schema=None) as batch_op:
        # Null for sets made before DASH: their next transcode writes one.
        batch_op.add_column(sa.Column("dash_manifest_key", sa.String(length=300), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("rendition_set", schema=None) as batch_op:
        batch_op.drop_column("dash_manifest_key")
