"""Server-side sessions for the pages: a `WebSession` row per sign-in.

The browser holds a random 256-bit secret (the cookie); the table holds its SHA-256, the user,
the API token used to sign in (if any), an expiry and when it was revoked. A session is good
while its row is unexpired and unrevoked, its user is in good standing and the token that signed
it in is still valid. Revocations run in the caller's transaction: the caller commits.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import ColumnElement, delete, update
from sqlmodel import Session, col, select

from catalogue.auth.standing import user_in_good_standing
from catalogue.models import ApiToken, User, WebSession
from catalogue.models.types import utcnow

LIFETIME = timedelta(hours=12)
_TOUCH_EVERY = timedelta(minutes=5)
_KEEP_ENDED = timedelta(days=30)
SECRET_BYTES = 32


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def start(
    session: Session,
    user: User,
    *,
    api_token_id: int | None,
    client_address: str | None,
    user_agent: str | None,
) -> str:
    """Open a session for `user` and return its secret (the cookie value); commits."""
    assert user.id is not None
    secret = secrets.token_urlsafe(SECRET_BYTES)
    now = utcnow()
    # Rows long past their end are kept a while for the admin list, then dropped here.
    session.exec(  # type: ignore[call-overload]
        delete(WebSession).where(col(WebSession.expires_at) < now - _KEEP_ENDED)
    )
    session.add(
        WebSession(
            secret_hash=_hash(secret),
            user_id=user.id,
            api_token_id=api_token_id,
            created_at=now,
            expires_at=now + LIFETIME,
            last_seen_at=now,
            client_address=(client_address or "")[:64] or None,
            user_agent=(user_agent or "")[:300] or None,
        )
    )
    session.commit()
    return secret


def _token_valid(session: Session, token_id: int | None) -> bool:
    if token_id is None:  # signed in with a password
        return True
    token = session.get(ApiToken, token_id)
    return (
        token is not None
        and token.revoked_at is None
        and (token.expires_at is None or token.expires_at > utcnow())
    )


def user_of(session: Session, secret: str) -> User | None:
    """The user behind a cookie secret, or None when the session is unknown, expired, revoked,
    its token revoked or expired, or its user no longer in good standing."""
    row = session.exec(select(WebSession).where(WebSession.secret_hash == _hash(secret))).first()
    now = utcnow()
    if row is None or row.revoked_at is not None or row.expires_at <= now:
        return None
    if not _token_valid(session, row.api_token_id):
        return None
    user = user_in_good_standing(session, row.user_id)
    if user is not None and now - row.last_seen_at > _TOUCH_EVERY:
        # Touch rarely: a write per page would serialise readers on SQLite.
        row.last_seen_at = now
        session.add(row)
        session.commit()
        session.refresh(user)
    return user


def end(session: Session, secret: str) -> None:
    """Sign-out: revoke the session this secret opens (if any); commits."""
    _revoke(session, col(WebSession.secret_hash) == _hash(secret))
    session.commit()


def _revoke(session: Session, *where: ColumnElement[bool]) -> int:
    result = session.exec(  # type: ignore[call-overload]
        update(WebSession)
        .where(col(WebSession.revoked_at).is_(None), *where)
        .values(revoked_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)


def revoke_for_user(session: Session, user_id: int) -> int:
    """End every open session of one user; the number ended."""
    return _revoke(session, col(WebSession.user_id) == user_id)


def revoke_for_token(session: Session, token_id: int) -> int:
    """End every session that was signed in with this API token."""
    return _revoke(session, col(WebSession.api_token_id) == token_id)


def revoke_for_partner(session: Session, partner_id: int) -> int:
    """End every session of a partner's users (the partner is being suspended)."""
    users = select(User.id).where(User.partner_id == partner_id)
    return _revoke(session, col(WebSession.user_id).in_(users))


def sessions_of(session: Session, user_id: int) -> list[WebSession]:
    return list(
        session.exec(
            select(WebSession)
            .where(WebSession.user_id == user_id)
            .order_by(col(WebSession.id).desc())
        ).all()
    )
