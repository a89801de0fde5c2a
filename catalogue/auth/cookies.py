"""The pages' session cookie, and the CSRF token that goes with each session.

The cookie carries only a random secret naming a server-side session (`auth.sessions`): nothing
in it is trusted, so there is no key to forge it with, and a session ends for good when its row
is revoked (sign-out, the token it signed in with revoked, the user disabled, an admin's "sign out
everywhere"). The same-origin JSON API accepts the cookie too (``guards.current_user``); an
unsafe method must then carry the session's CSRF token in ``X-CSRF-Token`` and a same-origin
``Origin``.
"""

from __future__ import annotations

import base64
import hmac
from dataclasses import dataclass

from fastapi import Request
from sqlmodel import Session

from catalogue.auth import sessions
from catalogue.errors import Forbidden, page_message
from catalogue.models import User

COOKIE_NAME = "catalogue_session"
CSRF_HEADER = "X-CSRF-Token"
LIFETIME_S = int(sessions.LIFETIME.total_seconds())
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "[::1]"})
_CSRF_CONTEXT = b"catalogue-csrf-v2"


@dataclass(frozen=True)
class CookieSession:
    """What the browser sent: a session secret, not yet checked against the table."""

    secret: str


def start(request: Request, session: Session, user: User, api_token_id: int | None) -> str:
    """Open a server-side session for `user`; the cookie value to set."""
    return sessions.start(
        session,
        user,
        api_token_id=api_token_id,
        client_address=request.client.host if request.client else None,
        user_agent=request.headers.get("user-agent"),
    )


def end(request: Request, session: Session) -> None:
    """Sign-out: the session behind the request's cookie is revoked, not just forgotten."""
    found = from_request(request)
    if found is not None:
        sessions.end(session, found.secret)


def csrf_token(web_session: CookieSession) -> str:
    # Keyed by the session's own secret: bound to this session, unguessable without the cookie,
    # and it reveals nothing of the secret.
    digest = hmac.new(web_session.secret.encode(), _CSRF_CONTEXT, "sha256").digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def session_user(session: Session, web_session: CookieSession) -> User | None:
    return sessions.user_of(session, web_session.secret)


def from_request(request: Request) -> CookieSession | None:
    value = request.cookies.get(COOKIE_NAME)
    # A secret is 43 URL-safe characters; anything far off is not worth a database look-up.
    return CookieSession(value) if value and 20 <= len(value) <= 100 else None


def same_origin(request: Request) -> bool:
    """The request came from a page of this site: Origin (or, failing that, Referer) names it."""
    origin = request.headers.get("origin") or request.headers.get("referer")
    if not origin:
        return False
    host = request.headers.get("host", "")
    scheme = request.url.scheme
    return origin == f"{scheme}://{host}" or origin.startswith(f"{scheme}://{host}/")


def check_unsafe(request: Request, web_session: CookieSession, sent_token: str | None) -> None:
    """Refuse a state-changing request that a third-party page could have forged."""
    if request.method in SAFE_METHODS:
        return
    if not same_origin(request):
        raise Forbidden(page_message("cross_site"))
    expected = csrf_token(web_session)
    if not sent_token or not hmac.compare_digest(sent_token, expected):
        raise Forbidden(page_message("csrf", header=CSRF_HEADER))


def check_script_call(request: Request) -> None:
    """A page's script calling a page route with the session cookie: the CSRF token is in its
    header (a form sends it as a field instead)."""
    web_session = from_request(request)
    if web_session is not None:
        check_unsafe(request, web_session, request.headers.get(CSRF_HEADER))


def api_user(request: Request, session: Session) -> User | None:
    """The signed-in user of a same-origin API call carrying the session cookie, or None."""
    web_session = from_request(request)
    if web_session is None:
        return None
    user = session_user(session, web_session)
    if user is None:  # ended or unknown: as if there were no cookie (401, not a CSRF 403)
        return None
    check_unsafe(request, web_session, request.headers.get(CSRF_HEADER))
    return user


def secure_cookie(request: Request) -> bool:
    """Secure everywhere but plain-HTTP development on this machine."""
    return request.url.scheme == "https" or request.url.hostname not in _LOCAL_HOSTS
