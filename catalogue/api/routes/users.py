"""Users and API tokens. Admins manage everyone; every user manages their own tokens."""

from __future__ import annotations

from fastapi import status

from catalogue.accounts import service as accounts
from catalogue.api.responses import errors
from catalogue.auth.guards import Admin, AnyUser
from catalogue.deps import PathId, SessionDep
from catalogue.models.accounts import (
    SignedOut,
    TokenCreate,
    TokenIssued,
    TokenPublic,
    UserCreate,
    UserPublic,
    UserUpdate,
    WebSessionPublic,
)
from catalogue.routing import Router

router = Router(tags=["users"])


@router.get("/me", response_model=UserPublic, responses=errors())
def read_me(user: AnyUser) -> UserPublic:
    return UserPublic(**user.model_dump())


@router.get("/me/tokens", response_model=list[TokenPublic], responses=errors())
def list_my_tokens(session: SessionDep, user: AnyUser) -> list[TokenPublic]:
    return accounts.tokens_of(session, user)


@router.post(
    "/me/tokens",
    response_model=TokenIssued,
    status_code=status.HTTP_201_CREATED,
    responses=errors(),
)
def create_my_token(session: SessionDep, user: AnyUser, body: TokenCreate) -> TokenIssued:
    """Issue a token for yourself. The secret is in this answer only."""
    return accounts.issue_token(session, user, body.name, body.expires_in_days)


@router.delete("/me/tokens/{token_id}", response_model=TokenPublic, responses=errors(404))
def revoke_my_token(session: SessionDep, user: AnyUser, token_id: PathId) -> TokenPublic:
    """Revoke one of your tokens; page sessions signed in with it end too."""
    return accounts.revoke_token(session, token_id, owner=user)


@router.get("/users", response_model=list[UserPublic], responses=errors())
def list_users(session: SessionDep, user: Admin) -> list[UserPublic]:
    return [UserPublic(**u.model_dump()) for u in accounts.list_users(session)]


@router.post(
    "/users", response_model=UserPublic, status_code=status.HTTP_201_CREATED, responses=errors(409)
)
def create_user(session: SessionDep, user: Admin, body: UserCreate) -> UserPublic:
    return UserPublic(**accounts.create_user(session, body).model_dump())


@router.get("/users/{user_id}", response_model=UserPublic, responses=errors(404))
def read_user(session: SessionDep, user: Admin, user_id: PathId) -> UserPublic:
    return UserPublic(**accounts.get_user(session, user_id).model_dump())


@router.patch("/users/{user_id}", response_model=UserPublic, responses=errors(404))
def update_user(session: SessionDep, user: Admin, user_id: PathId, body: UserUpdate) -> UserPublic:
    """Rename, disable (is_active=false refuses all its tokens and ends its page sessions) or set
    a password (which ends its page sessions)."""
    return UserPublic(**accounts.update_user(session, user_id, body).model_dump())


@router.get(
    "/users/{user_id}/sessions", response_model=list[WebSessionPublic], responses=errors(404)
)
def list_user_sessions(session: SessionDep, user: Admin, user_id: PathId) -> list[WebSessionPublic]:
    """A user's sign-ins to the pages, newest first, with where they came from; ended ones
    show `revoked_at` or a past `expires_at`."""
    return accounts.sessions_of(session, user_id)


@router.post(
    "/users/{user_id}/sign-out",
    response_model=SignedOut,
    responses=errors(404),
    summary="Sign a user out everywhere",
)
def sign_out_everywhere(session: SessionDep, user: Admin, user_id: PathId) -> SignedOut:
    """End every page session of the user at once: each of its cookies, wherever it is kept,
    is refused from now on (pages send it to sign in, the API answers 401). Its API tokens are
    not touched: revoke them with `DELETE /tokens/{token_id}`, or disable the user."""
    return accounts.sign_out_everywhere(session, user_id)


@router.get("/users/{user_id}/tokens", response_model=list[TokenPublic], responses=errors(404))
def list_user_tokens(session: SessionDep, user: Admin, user_id: PathId) -> list[TokenPublic]:
    return accounts.tokens_of(session, accounts.get_user(session, user_id))


@router.post(
    "/users/{user_id}/tokens",
    response_model=TokenIssued,
    status_code=status.HTTP_201_CREATED,
    responses=errors(404),
)
def create_user_token(
    session: SessionDep, user: Admin, user_id: PathId, body: TokenCreate
) -> TokenIssued:
    """Issue a token for another user (e.g. a partner's first token)."""
    target = accounts.get_user(session, user_id)
    return accounts.issue_token(session, target, body.name, body.expires_in_days)


@router.delete("/tokens/{token_id}", response_model=TokenPublic, responses=errors(404))
def revoke_token(session: SessionDep, user: Admin, token_id: PathId) -> TokenPublic:
    """Revoke any token; page sessions signed in with it end too."""
    return accounts.revoke_token(session, token_id, owner=None)
