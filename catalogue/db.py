"""Database engine and sessions: SQLite file by default, PostgreSQL for scale-out."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from sqlalchemy import event, make_url
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel, create_engine

from catalogue.errors import Conflict, NotFound, page_message
from catalogue.settings import Settings

Row = TypeVar("Row", bound=SQLModel)
SQLITE_MMAP_BYTES = 256 * 1024 * 1024  # address space per connection, not memory


def make_engine(settings: Settings) -> Engine:
    url = settings.sqlalchemy_url
    if url.startswith("sqlite"):
        settings.ensure_dirs()
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 30},
            **(_pool(settings) if make_url(url).database not in (None, "", ":memory:") else {}),
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, **_pool(settings))


def _pool(settings: Settings) -> dict[str, Any]:
    # Room for every admitted request (`request_concurrency`) plus the sessions a request opens
    # beside its own (audit, sign-in limits), the job pool and the sweeper. A short timeout:
    # a request that cannot get a connection is answered 503 (`overload.py`), never left hanging.
    return {
        "pool_size": settings.db_pool_size,
        "max_overflow": settings.db_pool_size // 2,
        "pool_timeout": settings.db_pool_timeout_s,
    }


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets the API read while the worker pool writes; foreign keys are off by default in SQLite.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    # Pages read through a memory map instead of a read() into each connection's cache: about
    # 10 % less CPU on searches and lists over a million titles (bench/search_bench.py).
    cursor.execute(f"PRAGMA mmap_size={SQLITE_MMAP_BYTES}")
    cursor.close()


def get_or_404(session: Session, model: type[Row], ident: int, what: str) -> Row:
    """The row with primary key `ident`, or NotFound saying "`what` `ident` not found"."""
    row = session.get(model, ident)
    if row is None:
        raise NotFound(page_message("not_found", what=what, ident=ident))
    return row


@contextmanager
def unique_or_conflict(
    session: Session, message: str | Callable[[IntegrityError], str]
) -> Iterator[None]:
    """A write in the block that breaks a unique constraint rolls the session back and becomes
    Conflict(`message`): the database, not a racy check before it, decides what is a duplicate."""
    try:
        yield
    except IntegrityError as error:
        session.rollback()
        raise Conflict(message if isinstance(message, str) else message(error)) from None
