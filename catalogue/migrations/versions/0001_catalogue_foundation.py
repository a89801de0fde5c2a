"""catalogue foundation

Revision ID: 0001
Revises:
Create Date: 2026-11-26 09:42:37.921562
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "campaign",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=80), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=True),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_campaign_slug"), ["slug"], unique=True)

    op.create_table(
        "partner",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=80), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("countries", sa.JSON(), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("contact_email", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("partner", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_partner_slug"), ["slug"], unique=True)

    op.create_table(
        "title",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("season_number", sa.Integer(), nullable=True),
        sa.Column("episode_number", sa.Integer(), nullable=True),
        sa.Column("promotes_id", sa.Integer(), nullable=True),
        sa.Column("original_title", sa.String(length=500), nullable=False),
        sa.Column("original_language", sa.String(length=35), nullable=False),
        sa.Column("production_year", sa.Integer(), nullable=True),
        sa.Column("runtime_minutes", sa.Integer(), nullable=True),
        sa.Column("genres", sa.JSON(), nullable=False),
        sa.Column("themes", sa.JSON(), nullable=False),
        sa.Column("countries_of_origin", sa.JSON(), nullable=False),
        sa.Column("producer", sa.String(length=200), nullable=True),
        sa.Column("content_rating", sa.String(length=50), nullable=True),
        sa.Column("eidr_title_id", sa.String(length=40), nullable=True),
        sa.Column("eidr_edit_id", sa.String(length=40), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["parent_id"], ["title.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["promotes_id"], ["title.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("eidr_edit_id"),
        sa.UniqueConstraint("eidr_title_id"),
        sa.UniqueConstraint(
            "parent_id", "season_number", "episode_number", name="uq_title_episode"
        ),
    )
    with op.batch_alter_table("title", schema=None) as batch_op:
        batch_op.create_index(
            "ix_title_listing", ["parent_id", "kind", "production_year"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_title_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_title_kind"), ["kind"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_title_original_title"), ["original_title"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_title_parent_id"), ["parent_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_title_production_year"), ["production_year"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_title_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_title_updated_at"), ["updated_at"], unique=False)

    op.create_table(
        "title_campaign",
        sa.Column("title_id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaign.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["title_id"], ["title.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("title_id", "campaign_id"),
    )
    with op.batch_alter_table("title_campaign", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_title_campaign_campaign_id"), ["campaign_id"], unique=False
        )

    op.create_table(
        "title_localization",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=35), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("synopsis", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["title_id"], ["title.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("title_id", "language", name="uq_localization_language"),
    )
    with op.batch_alter_table("title_localization", schema=None) as batch_op:
        batch_op.create_index(
            "ix_localization_language_title", ["language", "title_id"], unique=False
        )

    op.create_table(
        "title_tag",
        sa.Column("title_id", sa.Integer(), nullable=False),
        sa.Column("tag", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["title_id"], ["title.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("title_id", "tag"),
    )
    with op.batch_alter_table("title_tag", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_title_tag_tag"), ["tag"], unique=False)

    op.create_table(
        "user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=80), nullable=False),
        sa.Column("full_name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=True),
        sa.Column("password_hash", sa.String(length=300), nullable=True),
        sa.Column("locale", sa.String(length=35), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["partner_id"], ["partner.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_user_username"), ["username"], unique=True)

    op.create_table(
        "venue",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=80), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("city", sa.String(length=120), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("time_zone", sa.String(length=64), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["partner_id"], ["partner.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("venue", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_venue_country"), ["country"], unique=False)
        batch_op.create_index(batch_op.f("ix_venue_partner_id"), ["partner_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_venue_slug"), ["slug"], unique=True)

    op.create_table(
        "api_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=True),
        sa.Column("last_used_at", sa.DateTime(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_token_token_hash"), ["token_hash"], unique=True)
        batch_op.create_index(batch_op.f("ix_api_token_user_id"), ["user_id"], unique=False)

    _create_search_index()


def _create_search_index() -> None:
    """SQLite: an FTS5 index kept in step by triggers. PostgreSQL: a generated tsvector + GIN."""
    op.create_table(
        "title_search",
        sa.Column("title_id", sa.Integer(), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["title_id"], ["title.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("title_id"),
    )
    if op.get_bind().dialect.name == "sqlite":
        # The document is tokenised by catalogue.search already; unicode61 only splits on spaces.
        # A one-character prefix index answers one-character Chinese queries ("航"*) directly.
        op.execute(
            "CREATE VIRTUAL TABLE title_fts USING fts5(document, content='title_search', "
            "content_rowid='title_id', tokenize='unicode61 remove_diacritics 0', prefix='1')"
        )
        op.execute(
            "CREATE TRIGGER title_fts_insert AFTER INSERT ON title_search BEGIN "
            "INSERT INTO title_fts(rowid, document) VALUES (new.title_id, new.document); END"
        )
        op.execute(
            "CREATE TRIGGER title_fts_delete AFTER DELETE ON title_search BEGIN "
            "INSERT INTO title_fts(title_fts, rowid, document) "
            "VALUES ('delete', old.title_id, old.document); END"
        )
        op.execute(
            "CREATE TRIGGER title_fts_update AFTER UPDATE ON title_search BEGIN "
            "INSERT INTO title_fts(title_fts, rowid, document) "
            "VALUES ('delete', old.title_id, old.document); "
            "INSERT INTO title_fts(rowid, document) VALUES (new.title_id, new.document); END"
        )
    else:
        op.execute(
            "ALTER TABLE title_search ADD COLUMN search_vector tsvector GENERATED ALWAYS AS "
            "(to_tsvector('simple', document)) STORED"
        )
        op.execute("CREATE INDEX ix_title_search_vector ON title_search USING gin (search_vector)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for trigger in ("title_fts_insert", "title_fts_delete", "title_fts_update"):
            op.execute(f"DROP TRIGGER {trigger}")
        op.execute("DROP TABLE title_fts")
    op.drop_table("title_search")
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_token_user_id"))
        batch_op.drop_index(batch_op.f("ix_api_token_token_hash"))

    op.drop_table("api_token")
    with op.batch_alter_table("venue", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_venue_slug"))
        batch_op.drop_index(batch_op.f("ix_venue_partner_id"))
        batch_op.drop_index(batch_op.f("ix_venue_country"))

    op.drop_table("venue")
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_username"))

    op.drop_table("user")
    with op.batch_alter_table("title_tag", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_title_tag_tag"))

    op.drop_table("title_tag")
    with op.batch_alter_table("title_localization", schema=None) as batch_op:
        batch_op.drop_index("ix_localization_language_title")

    op.drop_table("title_localization")
    with op.batch_alter_table("title_campaign", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_title_campaign_campaign_id"))

    op.drop_table("title_campaign")
    with op.batch_alter_table("title", schema=None) as batch_op:
        batch_op.drop_index("ix_title_listing")
        batch_op.drop_index(batch_op.f("ix_title_updated_at"))
        batch_op.drop_index(batch_op.f("ix_title_status"))
        batch_op.drop_index(batch_op.f("ix_title_production_year"))
        batch_op.drop_index(batch_op.f("ix_title_parent_id"))
        batch_op.drop_index(batch_op.f("ix_title_original_title"))
        batch_op.drop_index(batch_op.f("ix_title_kind"))
        batch_op.drop_index(batch_op.f("ix_title_created_at"))

    op.drop_table("title")
    with op.batch_alter_table("partner", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_partner_slug"))

    op.drop_table("partner")
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_campaign_slug"))

    op.drop_table("campaign")
