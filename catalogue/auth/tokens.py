"""Bearer tokens: the user behind an `Authorization: Bearer cat_...` header."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import bindparam
from sqlmodel import Session, select

from catalogue.auth.hashing import token_hash
from catalogue.auth.standing import stands
from catalogue.errors import NotAuthenticated
from catalogue.models import ApiToken, Partner, User
from catalogue.models.types import utcnow

_TOUCH_EVERY = timedelta(minutes=5)
# One query for the token, its user and the user's partner, built once: it runs on every API
# request, and building it cost about as much as running it.
_TOKEN_USER_PARTNER = (
    select(ApiToken, User, Partner)
    .outerjoin(User, User.id == ApiToken.user_id)  # type: ignore[arg-type]
    .outerjoin(Partner, Partner.id == User.partner_id)  # type: ignore[arg-type]
    .where(ApiToken.token_hash == bindparam("hash"))
)


def user_for_token(session: Session, secret: str) -> User:
    return token_and_user(session, secret)[1]


def token_and_user(session: Session, secret: str) -> tuple[ApiToken, User]:
    """The valid token with this secret and its user in good standing (NotAuthenticated
    otherwise): the pages' sign-in keeps the token's id to end its sessions with it."""
    found = session.execute(_TOKEN_USER_PARTNER, {"hash": token_hash(secret)}).first()
    token, user, partner = found or (None, None, None)
    now = utcnow()
    if (
        token is None
        or token.revoked_at is not None
        or (token.expires_at and token.expires_at <= now)
    ):
        raise NotAuthenticated("token is unknown, revoked or expired")
    if user is None or not stands(user, partner):
        raise NotAuthenticated("the token's user is disabled or its partner suspended")
    if token.last_used_at is None or now - token.last_used_at > _TOUCH_EVERY:
        # Touch rarely: a write per request would serialise readers on SQLite.
        token.last_used_at = now
        session.add(token)
        session.commit()
        session.refresh(user)
    return token, user
