"""search: stemmed documents with titles and synopses apart (ranked), every title reindexed

Revision ID: 0009
Revises: 0008
"""

from collections import defaultdict
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from catalogue import search

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TRIGGERS = ("title_fts_insert", "title_fts_delete", "title_fts_update")
_BATCH = 2000


def upgrade() -> None:
    _drop_index()
    op.create_table(
        "title_search",
        sa.Column("title_id", sa.Integer(), nullable=False),
        sa.Column("titles", sa.Text(), nullable=False),
        sa.Column("synopses", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["title_id"], ["title.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("title_id"),
    )
    if _sqlite():
        # The documents are tokenised by catalogue.search already; unicode61 only splits on
        # spaces. A one-character prefix index answers one-character Chinese queries ("航"*).
        op.execute(
            "CREATE VIRTUAL TABLE title_fts USING fts5(titles, synopses, content='title_search', "
            "content_rowid='title_id', tokenize='unicode61 remove_diacritics 0', prefix='1')"
        )
        _create_triggers("titles, synopses", "new.titles, new.synopses", "old.titles, old.synopses")
    else:
        op.execute(
            "ALTER TABLE title_search ADD COLUMN search_vector tsvector GENERATED ALWAYS AS "
            "(setweight(to_tsvector('simple', titles), 'A') || "
            "setweight(to_tsvector('simple', synopses), 'B')) STORED"
        )
        op.execute("CREATE INDEX ix_title_search_vector ON title_search USING gin (search_vector)")
    _reindex()
    if _sqlite():
        op.execute("INSERT INTO title_fts(title_fts) VALUES ('optimize')")


def downgrade() -> None:
    """Back to one document column (stemmed tokens stay: the old queries still find them)."""
    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT title_id, titles, synopses FROM title_search")).all()
    _drop_index()
    op.create_table(
        "title_search",
        sa.Column("title_id", sa.Integer(), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["title_id"], ["title.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("title_id"),
    )
    if _sqlite():
        op.execute(
            "CREATE VIRTUAL TABLE title_fts USING fts5(document, content='title_search', "
            "content_rowid='title_id', tokenize='unicode61 remove_diacritics 0', prefix='1')"
        )
        _create_triggers("document", "new.document", "old.document")
    else:
        op.execute(
            "ALTER TABLE title_search ADD COLUMN search_vector tsvector GENERATED ALWAYS AS "
            "(to_tsvector('simple', document)) STORED"
        )
        op.execute("CREATE INDEX ix_title_search_vector ON title_search USING gin (search_vector)")
    if rows:
        bind.execute(
            sa.text("INSERT INTO title_search (title_id, document) VALUES (:title_id, :document)"),
            [{"title_id": r[0], "document": f"{r[1]} {r[2]}".strip()} for r in rows],
        )


def _sqlite() -> bool:
    return bool(op.get_bind().dialect.name == "sqlite")


def _drop_index() -> None:
    if _sqlite():
        for trigger in _TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS title_fts")
    op.drop_table("title_search")  # on PostgreSQL its GIN index goes with it


def _create_triggers(columns: str, new: str, old: str) -> None:
    op.execute(
        "CREATE TRIGGER title_fts_insert AFTER INSERT ON title_search BEGIN "
        f"INSERT INTO title_fts(rowid, {columns}) VALUES (new.title_id, {new}); END"
    )
    op.execute(
        "CREATE TRIGGER title_fts_delete AFTER DELETE ON title_search BEGIN "
        f"INSERT INTO title_fts(title_fts, rowid, {columns}) "
        f"VALUES ('delete', old.title_id, {old}); END"
    )
    op.execute(
        "CREATE TRIGGER title_fts_update AFTER UPDATE ON title_search BEGIN "
        f"INSERT INTO title_fts(title_fts, rowid, {columns}) "
        f"VALUES ('delete', old.title_id, {old}); "
        f"INSERT INTO title_fts(rowid, {columns}) VALUES (new.title_id, {new}); END"
    )


def _reindex() -> None:
    """Every title through the normaliser as it is now, a batch of titles at a time."""
    bind = op.get_bind()
    last_id = 0
    while True:
        titles = bind.execute(
            sa.text(
                "SELECT id, original_title, original_language FROM title "
                "WHERE id > :last ORDER BY id LIMIT :batch"
            ),
            {"last": last_id, "batch": _BATCH},
        ).all()
        if not titles:
            return
        last_id = titles[-1][0]
        localizations: dict[int, list[tuple[str, str, str]]] = defaultdict(list)
        for title_id, language, title, synopsis in bind.execute(
            sa.text(
                "SELECT title_id, language, title, synopsis FROM title_localization "
                "WHERE title_id BETWEEN :first AND :last ORDER BY title_id, language"
            ),
            {"first": titles[0][0], "last": last_id},
        ):
            localizations[title_id].append((language, title, synopsis))
        documents = []
        for title_id, original_title, original_language in titles:
            document = search.title_document(
                original_title, original_language, localizations[title_id]
            )
            documents.append(
                {"title_id": title_id, "titles": document.titles, "synopses": document.synopses}
            )
        bind.execute(
            sa.text(
                "INSERT INTO title_search (title_id, titles, synopses) "
                "VALUES (:title_id, :titles, :synopses)"
            ),
            documents,
        )
