"""Which request writes an upload: a lease in the upload's row, so that any API node may take any
PATCH and two PATCHes of one upload never interleave.

Claiming is one conditional UPDATE (free, or its lease ran out), which SQLite and PostgreSQL
both apply atomically: of two racing claims exactly one changes the row. The holder renews the
lease while the body streams and gives it back in the transaction that commits the new offset;
that commit only counts if the lease is still its own (a fence against a request that stalled
past its lease while another took over)."""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import or_, update
from sqlalchemy.engine import CursorResult, Engine
from sqlmodel import Session, col

from catalogue.errors import page_message
from catalogue.ingest.tus import UploadLocked
from catalogue.models import Upload
from catalogue.models.types import utcnow


def claim(session: Session, upload_id: str, lease_s: float) -> str:
    """Take the upload for one request; returns the lease token. Commits."""
    token = secrets.token_hex(16)
    now = utcnow()
    claimed = _rows(
        session.execute(
            update(Upload)
            .where(
                col(Upload.id) == upload_id,
                col(Upload.completed_at).is_(None),
                or_(col(Upload.lock_token).is_(None), col(Upload.locked_until) < now),
            )
            .values(lock_token=token, locked_until=now + timedelta(seconds=lease_s))
            .execution_options(synchronize_session=False)
        )
    )
    session.commit()
    if claimed != 1:
        raise UploadLocked(page_message("upload_locked"))
    return token


def renew(engine: Engine, upload_id: str, token: str, lease_s: float) -> bool:
    """Extend the lease; False when it is no longer this request's."""
    with Session(engine) as session:
        renewed = _rows(
            session.execute(
                update(Upload)
                .where(col(Upload.id) == upload_id, col(Upload.lock_token) == token)
                .values(locked_until=utcnow() + timedelta(seconds=lease_s))
                .execution_options(synchronize_session=False)
            )
        )
        session.commit()
    return renewed == 1


def commit_offset(
    session: Session, upload: Upload, token: str, offset: int, expiry: timedelta
) -> None:
    """Record `offset` and give the lease back, in the session's transaction (not committed),
    only if the lease is still `token`'s; raises `UploadLocked` otherwise."""
    moved = _rows(
        session.execute(
            update(Upload)
            .where(col(Upload.id) == upload.id, col(Upload.lock_token) == token)
            .values(offset=offset, expires_at=utcnow() + expiry, lock_token=None, locked_until=None)
            .execution_options(synchronize_session=False)
        )
    )
    if moved != 1:
        session.rollback()
        raise UploadLocked(page_message("lease_lost"))
    session.refresh(upload)


def give_back(engine: Engine, upload_id: str, token: str) -> None:
    """Release the lease without moving the offset (a request that kept no bytes)."""
    with Session(engine) as session:
        session.execute(
            update(Upload)
            .where(col(Upload.id) == upload_id, col(Upload.lock_token) == token)
            .values(lock_token=None, locked_until=None)
            .execution_options(synchronize_session=False)
        )
        session.commit()


def _rows(result: object) -> int:
    assert isinstance(result, CursorResult)
    return int(result.rowcount)
