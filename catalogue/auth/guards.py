"""Who may call a route: the current user (bearer token, or the pages' cookie) and the one role
guard. A route reads like its contract, e.g. ``def f(session: SessionDep, user: Editor)``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from catalogue.auth import cookies
from catalogue.auth.ratelimit import Attempt, Door, SignInLimiterDep, client_address
from catalogue.auth.tokens import user_for_token
from catalogue.deps import SessionDep
from catalogue.errors import Forbidden, NotAuthenticated, NotFound
from catalogue.models import Role, User

_bearer = HTTPBearer(auto_error=False, description="An API token: `Authorization: Bearer cat_...`")


def current_user(
    request: Request,
    session: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    limiter: SignInLimiterDep,
) -> User:
    if credentials is None:
        # The pages' scripts call the API with the session cookie (CSRF-checked there).
        user = cookies.api_user(request, session)
        if user is None:
            raise NotAuthenticated("missing bearer token: send 'Authorization: Bearer <token>'")
        return user
    # Counted like a sign-in: an address that keeps sending wrong tokens is guessing them.
    attempt = Attempt(Door.bearer_token, client_address(request))
    limiter.check(attempt)
    try:
        return user_for_token(session, credentials.credentials)
    except NotAuthenticated as refused:
        limiter.failed(attempt, refused.message)
        raise


CurrentUser = Annotated[User, Depends(current_user)]


class Allow:
    """Route guard: the roles that may call a route. Every route declares one (a test checks).

    Another role gets 403, or 404 when its role is in `hide_from`: for those callers the
    objects behind the route do not exist (partners never learn that jobs or plans do)."""

    def __init__(self, *roles: Role, hide_from: Iterable[Role] = ()) -> None:
        self.roles = frozenset(roles)
        self.hide_from = frozenset(hide_from) - self.roles

    def check(self, user: User, not_found: str = "not found") -> User:
        if user.role in self.roles:
            return user
        if user.role in self.hide_from:
            raise NotFound(not_found)
        allowed = ", ".join(sorted(self.roles))
        raise Forbidden(f"role {user.role} may not do this; allowed: {allowed}")

    # async: a pure check, run on the event loop rather than costing a worker-thread hop.
    async def __call__(self, user: CurrentUser) -> User:
        return self.check(user)


ANY_ROLE = (Role.admin, Role.editor, Role.programmer, Role.partner)
STAFF = (Role.admin, Role.editor, Role.programmer)

AnyUser = Annotated[User, Depends(Allow(*ANY_ROLE))]
Staff = Annotated[User, Depends(Allow(*STAFF))]
Editor = Annotated[User, Depends(Allow(Role.admin, Role.editor))]
Programmer = Annotated[User, Depends(Allow(Role.admin, Role.programmer))]
Admin = Annotated[User, Depends(Allow(Role.admin))]
