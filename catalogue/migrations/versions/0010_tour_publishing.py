"""tour publishing: screenings carry an iCalendar sequence and when partners were first shown
them; a screening is published exactly while its plan is; venues have a kind of their own;
plans have titles with limited copies and must-screen requests

Revision ID: 0010
Revises: 0008
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = "0007"  # tour_screening, venue


def upgrade() -> None:
    # Empty: the venue takes its partner's kind, as every venue did before.
    with op.batch_alter_table("venue", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kind", sa.String(length=32), nullable=True))
    with op.batch_alter_table("tour_screening", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sequence", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("announced_at", sa.DateTime(), nullable=True))
    # Screenings partners were shown keep being kept on re-plan; those left "published" in a
    # plan that is no longer published (the old back-to-draft) are hidden from partners again.
    op.execute(
        "UPDATE tour_screening SET announced_at = updated_at, sequence = 1 "
        "WHERE state = 'published'"
    )
    op.execute(
        "UPDATE tour_screening SET state = 'planned', sequence = sequence + 1 "
        "WHERE state = 'published' AND plan_id IN "
        "(SELECT id FROM tour_plan WHERE state <> 'published')"
    )

    op.create_table(
        "tour_copies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("title_id", sa.Integer(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["plan_id"], ["tour_plan.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["title_id"], ["title.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("plan_id", "title_id", name="uq_tour_copies_title"),
    )
    op.create_index("ix_tour_copies_plan_id", "tour_copies", ["plan_id"])
    op.create_table(
        "tour_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("title_id", sa.Integer(), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column("venue_id", sa.Integer(), nullable=True),
        sa.Column("earliest", sa.Date(), nullable=True),
        sa.Column("latest", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["plan_id"], ["tour_plan.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["title_id"], ["title.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["venue_id"], ["venue.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_tour_request_plan_id", "tour_request", ["plan_id"])


def downgrade() -> None:
    op.drop_table("tour_request")
    op.drop_table("tour_copies")
    with op.batch_alter_table("tour_screening", schema=None) as batch_op:
        batch_op.drop_column("announced_at")
        batch_op.drop_column("sequence")
    with op.batch_alter_table("venue", schema=None) as batch_op:
        batch_op.drop_column("kind")
