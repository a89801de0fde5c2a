"""Dependency aliases: a route reads like its contract, e.g. ``def f(session: SessionDep, user: Editor)``."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlmodel import Session, select

from catalogue.errors import Forbidden, NotAuthenticated
from catalogue.models import ApiToken, Role, User
from catalogue.models.types import utcnow
from catalogue.security import token_hash
from catalogue.settings import Settings
from catalogue.web import session as web_session


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_session(request: Request) -> Iterator[Session]:
    with Session(request.app.state.engine) as session:
        yield session


SettingsDep = Annotated[Settings, Depends(get_settings)]
SessionDep = Annotated[Session, Depends(get_session)]

_bearer = HTTPBearer(auto_error=False, description="An API token: `Authorization: Bearer cat_...`")
_TOUCH_EVERY = timedelta(minutes=5)


def current_user(
    request: Request,
    session: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> User:
    if credentials is None:
        # The web pages' scripts call the API with the session cookie (CSRF-checked there).
        user = web_session.api_user(request, session)
        if user is None:
            raise NotAuthenticated("missing bearer token: send 'Authorization: Bearer <token>'")
        return user
    return user_for_token(session, credentials.credentials)


def user_for_token(session: Session, secret: str) -> User:
    token = session.exec(select(ApiToken).where(ApiToken.token_hash == token_hash(secret))).first()
    now = utcnow()
    if (
        token is None
        or token.revoked_at is not None
        or (token.expires_at and token.expires_at <= now)
    ):
        raise NotAuthenticated("token is unknown, revoked or expired")
    user = session.get(User, token.user_id)
    if user is None or not user.is_active:
        raise NotAuthenticated("the token's user is disabled")
    if token.last_used_at is None or now - token.last_used_at > _TOUCH_EVERY:
        # Touch rarely: a write per request would serialise readers on SQLite.
        token.last_used_at = now
        session.add(token)
        session.commit()
        session.refresh(user)
    return user


class Allow:
    """Route guard: the roles that may call a route. Every route declares one (a test checks)."""

    def __init__(self, *roles: Role) -> None:
        self.roles = frozenset(roles)

    def __call__(self, user: Annotated[User, Depends(current_user)]) -> User:
        if user.role not in self.roles:
            allowed = ", ".join(sorted(self.roles))
            raise Forbidden(f"role {user.role} may not do this; allowed: {allowed}")
        return user


ANY_ROLE = (Role.admin, Role.editor, Role.programmer, Role.partner)
STAFF = (Role.admin, Role.editor, Role.programmer)

AnyUser = Annotated[User, Depends(Allow(*ANY_ROLE))]
Staff = Annotated[User, Depends(Allow(*STAFF))]
Editor = Annotated[User, Depends(Allow(Role.admin, Role.editor))]
Programmer = Annotated[User, Depends(Allow(Role.admin, Role.programmer))]
Admin = Annotated[User, Depends(Allow(Role.admin))]
