"""Schema migrations (Alembic) run from code: the schema is created by migrations, never create_all."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


# "heads": features developed side by side add migrations on parallel branches; all of them apply.
def upgrade(engine: Engine, revision: str = "heads") -> None:
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def downgrade(engine: Engine, revision: str) -> None:
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def _script() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config("sqlite://"))


def head_revision() -> str:
    return ",".join(sorted(_script().get_heads()))


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        heads = MigrationContext.configure(connection).get_current_heads()
    return ",".join(sorted(heads)) or None


def _applied(script: ScriptDirectory, current: list[str]) -> set[str]:
    """Every revision the database has, following parents and `depends_on` links: a revision that
    another one depends on is not written in alembic_version once the dependent is applied."""
    seen: set[str] = set()
    stack = list(current)
    while stack:
        revision = script.get_revision(stack.pop())
        if revision is None or revision.revision in seen:
            continue
        seen.add(revision.revision)
        for link in (revision.down_revision, revision.dependencies):
            if isinstance(link, str):
                stack.append(link)
            elif link:
                stack.extend(link)
    return seen


def is_current(engine: Engine) -> bool:
    script = _script()
    current = (current_revision(engine) or "").split(",")
    return set(script.get_heads()) <= _applied(script, [c for c in current if c])
