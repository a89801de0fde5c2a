"""Users and API tokens: shared by the API, the pages and the CLI."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, col, select

from catalogue.auth import sessions
from catalogue.auth.hashing import hash_password, new_token, token_hash, verify_and_update
from catalogue.db import get_or_404, unique_or_conflict
from catalogue.errors import InvalidInput, NotFound
from catalogue.models import ApiToken, Partner, Role, User
from catalogue.models.accounts import (
    SignedOut,
    TokenIssued,
    TokenPublic,
    UserCreate,
    UserUpdate,
    WebSessionPublic,
)
from catalogue.models.types import utcnow


def create_user(session: Session, data: UserCreate) -> User:
    if (data.role == Role.partner) != (data.partner_id is not None):
        raise InvalidInput("partner_id is required for the partner role and only for it")
    if data.partner_id is not None and session.get(Partner, data.partner_id) is None:
        raise InvalidInput(f"partner_id: partner {data.partner_id} does not exist")
    user = User(
        username=data.username,
        full_name=data.full_name,
        role=data.role,
        partner_id=data.partner_id,
        password_hash=hash_password(data.password) if data.password else None,
    )
    session.add(user)
    with unique_or_conflict(session, f"user {data.username!r} already exists"):
        session.commit()
    session.refresh(user)
    return user


def get_user(session: Session, user_id: int) -> User:
    return get_or_404(session, User, user_id, "user")


def list_users(session: Session) -> list[User]:
    return list(session.exec(select(User).order_by(col(User.id))).all())


def update_user(session: Session, user_id: int, data: UserUpdate) -> User:
    """Rename, disable or set a password (none given: password sign-in is off). Disabling the
    user or changing the password ends its page sessions, in the same transaction."""
    user = get_user(session, user_id)
    changes = data.model_dump(exclude_unset=True)
    ends_sessions = "password" in changes or changes.get("is_active") is False
    if "password" in changes:
        password = changes.pop("password")
        user.password_hash = hash_password(password) if password else None
    for key, value in changes.items():
        setattr(user, key, value)
    session.add(user)
    if ends_sessions:
        sessions.revoke_for_user(session, user_id)
    session.commit()
    session.refresh(user)
    return user


def set_locale(session: Session, user: User, locale: str) -> None:
    user.locale = locale
    session.add(user)
    session.commit()


def signed_in(session: Session, username: str, password: str) -> User | None:
    """The active user with this name and password, or None (which of the two was wrong is
    not told, not even by the time taken: an unknown name costs one hash check too). A password
    stored under an older scheme is rehashed to Argon2id here, once it has been verified."""
    found = session.exec(select(User).where(User.username == username)).first()
    matches, rehashed = verify_and_update(password, found.password_hash if found else None)
    if found is None or not found.is_active or not matches:
        return None
    if rehashed is not None:
        found.password_hash = rehashed
        session.add(found)
        session.commit()
        session.refresh(found)
    return found


def find_user(session: Session, username: str) -> User:
    user = session.exec(select(User).where(User.username == username)).first()
    if user is None:
        raise NotFound(f"user {username!r} not found")
    return user


def issue_token(
    session: Session, user: User, name: str, expires_in_days: int | None
) -> TokenIssued:
    secret = new_token()
    token = ApiToken(
        user_id=user.id,  # type: ignore[arg-type]
        name=name,
        token_hash=token_hash(secret),
        prefix=secret[:10],
        expires_at=utcnow() + timedelta(days=expires_in_days) if expires_in_days else None,
    )
    session.add(token)
    session.commit()
    session.refresh(token)
    return TokenIssued(**token.model_dump(), token=secret)


def tokens_of(session: Session, user: User) -> list[TokenPublic]:
    rows = session.exec(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id))  # type: ignore[arg-type]
    return [TokenPublic(**t.model_dump()) for t in rows]


def revoke_token(session: Session, token_id: int, owner: User | None) -> TokenPublic:
    """Revoke a token; with an owner, only that user's tokens are found (others answer 404)."""
    token = session.get(ApiToken, token_id)
    if token is None or (owner is not None and token.user_id != owner.id):
        raise NotFound(f"token {token_id} not found")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        session.add(token)
        sessions.revoke_for_token(session, token_id)  # pages signed in with it end too
        session.commit()
        session.refresh(token)
    return TokenPublic(**token.model_dump())


def sessions_of(session: Session, user_id: int) -> list[WebSessionPublic]:
    """A user's page sessions, newest first, ended ones included (kept 30 days past expiry)."""
    get_user(session, user_id)
    return [WebSessionPublic(**row.model_dump()) for row in sessions.sessions_of(session, user_id)]


def sign_out_everywhere(session: Session, user_id: int) -> SignedOut:
    """End every page session of one user (its API tokens stay valid: revoke those apart)."""
    get_user(session, user_id)
    ended = sessions.revoke_for_user(session, user_id)
    session.commit()
    return SignedOut(user_id=user_id, sessions_ended=ended)
