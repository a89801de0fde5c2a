"""rights: rights windows and their countries, venue equipment and calendars, partner contacts,
webhooks and their deliveries, the delivery audit log

Revision ID: 0006
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_EMPTY = sa.text("'[]'")


def upgrade() -> None:
    op.create_table(
        "rights_window",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title_id", sa.Integer(), nullable=False),
        sa.Column("media_right", sa.String(length=32), nullable=False),
        sa.Column("territories", sa.JSON(), nullable=False),
        sa.Column("excluded_territories", sa.JSON(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("subtitle_languages", sa.JSON(), nullable=False),
        sa.Column("audio_languages", sa.JSON(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=True),
        sa.Column("exclusive", sa.Boolean(), nullable=False),
        sa.Column("holdbacks", sa.JSON(), nullable=False),
        sa.Column("contract_ref", sa.String(length=100), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["title_id"], ["title.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["partner_id"], ["partner.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    for column in ("title_id", "media_right", "starts_on", "ends_on", "partner_id", "status"):
        op.create_index(f"ix_rights_window_{column}", "rights_window", [column])
    op.create_index("ix_rights_window_contract_ref", "rights_window", ["contract_ref"])

    op.create_table(
        "rights_window_country",
        sa.Column("window_id", sa.Integer(), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.ForeignKeyConstraint(["window_id"], ["rights_window.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("window_id", "country"),
    )
    op.create_index("ix_rights_window_country_country", "rights_window_country", ["country"])

    with op.batch_alter_table("venue") as venue:
        venue.add_column(
            sa.Column(
                "equipment", sa.JSON(), nullable=False, server_default=sa.text('\'["hls", "mp4"]\'')
            )
        )
        venue.add_column(
            sa.Column(
                "open_weekdays",
                sa.JSON(),
                nullable=False,
                server_default=sa.text("'[0, 1, 2, 3, 4, 5, 6]'"),
            )
        )
        venue.add_column(
            sa.Column("blackout_dates", sa.JSON(), nullable=False, server_default=_EMPTY)
        )
        venue.add_column(sa.Column("languages", sa.JSON(), nullable=False, server_default=_EMPTY))
        venue.add_column(
            sa.Column("tier", sa.Integer(), nullable=False, server_default=sa.text("1"))
        )
    with op.batch_alter_table("partner") as partner:
        partner.add_column(sa.Column("contacts", sa.JSON(), nullable=False, server_default=_EMPTY))

    op.create_table(
        "webhook",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("secret", sa.String(length=100), nullable=False),
        sa.Column("events", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["partner_id"], ["partner.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_webhook_partner_id", "webhook", ["partner_id"])
    op.create_table(
        "webhook_delivery",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("webhook_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.String(length=40), nullable=False),
        sa.Column("event", sa.String(length=40), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("duration_ms", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["webhook_id"], ["webhook.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_webhook_delivery_webhook_id", "webhook_delivery", ["webhook_id"])
    op.create_index("ix_webhook_delivery_event_id", "webhook_delivery", ["event_id"])

    op.create_table(
        "audit_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("partner_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("target", sa.String(length=400), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=False),
        sa.Column("bytes", sa.BigInteger(), nullable=True),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["partner_id"], ["partner.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_audit_event_at", "audit_event", ["at"])
    op.create_index("ix_audit_event_partner_id", "audit_event", ["partner_id"])
    op.create_index("ix_audit_event_action", "audit_event", ["action"])


def downgrade() -> None:
    op.drop_table("audit_event")
    op.drop_table("webhook_delivery")
    op.drop_table("webhook")
    with op.batch_alter_table("partner") as partner:
        partner.drop_column("contacts")
    with op.batch_alter_table("venue") as venue:
        for column in ("tier", "languages", "blackout_dates", "open_weekdays", "equipment"):
            venue.drop_column(column)
    op.drop_table("rights_window_country")
    op.drop_table("rights_window")
