"""uploads any API node can take (a lease per upload); HLS segment fetches audited per hour

Revision ID: 0012
Revises: 0008
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
# The upload table comes from 0002 and the delivery tables from 0006: both run first.
depends_on: str | Sequence[str] | None = ("0002", "0006")


def upgrade() -> None:
    with op.batch_alter_table("upload", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lock_token", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("locked_until", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("master_key", sa.String(length=400), nullable=True))
        batch_op.add_column(sa.Column("sha256", sa.String(length=64), nullable=True))

    op.create_table(
        "audit_fetch_hour",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hour", sa.DateTime(), nullable=False),
        sa.Column("link", sa.String(length=32), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=True),
        sa.Column("target", sa.String(length=400), nullable=False),
        sa.Column("requests", sa.Integer(), nullable=False),
        sa.Column("bytes", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("hour", "link", "target", name="uq_audit_fetch_hour"),
    )
    op.create_index("ix_audit_fetch_hour_hour", "audit_fetch_hour", ["hour"])
    op.create_index("ix_audit_fetch_hour_partner_id", "audit_fetch_hour", ["partner_id"])


def downgrade() -> None:
    op.drop_table("audit_fetch_hour")
    with op.batch_alter_table("upload", schema=None) as batch_op:
        batch_op.drop_column("sha256")
        batch_op.drop_column("master_key")
        batch_op.drop_column("locked_until")
        batch_op.drop_column("lock_token")
