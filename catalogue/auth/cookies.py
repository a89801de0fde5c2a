"""Signed session cookies for the pages, and the CSRF token that goes with each session.

The cookie holds the user id, a random nonce, an expiry and a fingerprint of the password hash,
signed with HMAC-SHA256 under ``settings.secret_key``: changing a password or disabling the user
ends every session. The same-origin JSON API accepts the cookie too (``guards.current_user``); an
unsafe method must then carry the session's CSRF token in ``X-CSRF-Token`` and a same-origin
``Origin``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass

from fastapi import Request
from sqlmodel import Session

from catalogue.errors import Forbidden
from catalogue.models import User
from catalogue.settings import Settings

COOKIE_NAME = "catalogue_session"
CSRF_HEADER = "X-CSRF-Token"
LIFETIME_S = 12 * 3600
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "[::1]"})


@dataclass(frozen=True)
class WebSession:
    user_id: int
    nonce: str
    expires: int
    password: str


def _key(settings: Settings, purpose: bytes) -> bytes:
    return hmac.new(settings.secret_key.get_secret_value().encode(), purpose, "sha256").digest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _password_fingerprint(user: User) -> str:
    return hashlib.sha256((user.password_hash or "").encode()).hexdigest()[:16]


def issue(settings: Settings, user: User, now: float | None = None) -> str:
    """A fresh cookie value for `user` (a new nonce, hence a new CSRF token)."""
    assert user.id is not None
    body = {
        "u": user.id,
        "n": secrets.token_urlsafe(16),
        "e": int((now or time.time()) + LIFETIME_S),
        "p": _password_fingerprint(user),
    }
    payload = _b64(json.dumps(body, separators=(",", ":")).encode())
    signature = hmac.new(_key(settings, b"session"), payload.encode(), "sha256").digest()
    return f"{payload}.{_b64(signature)}"


def read(settings: Settings, value: str, now: float | None = None) -> WebSession | None:
    """The session in a cookie value, or None when it is forged, malformed or expired."""
    payload, _, signature = value.partition(".")
    expected = hmac.new(_key(settings, b"session"), payload.encode(), "sha256").digest()
    try:
        if not hmac.compare_digest(_unb64(signature), expected):
            return None
        body = json.loads(_unb64(payload))
        found = WebSession(int(body["u"]), str(body["n"]), int(body["e"]), str(body["p"]))
    except (ValueError, KeyError, TypeError):
        return None
    return found if found.expires > (now or time.time()) else None


def csrf_token(settings: Settings, web_session: WebSession) -> str:
    digest = hmac.new(_key(settings, b"csrf"), web_session.nonce.encode(), "sha256").digest()
    return _b64(digest)


def session_user(session: Session, web_session: WebSession) -> User | None:
    user = session.get(User, web_session.user_id)
    if user is None or not user.is_active:
        return None
    if not hmac.compare_digest(_password_fingerprint(user), web_session.password):
        return None
    return user


def from_request(request: Request) -> WebSession | None:
    value = request.cookies.get(COOKIE_NAME)
    return read(request.app.state.settings, value) if value else None


def same_origin(request: Request) -> bool:
    """The request came from a page of this site: Origin (or, failing that, Referer) names it."""
    origin = request.headers.get("origin") or request.headers.get("referer")
    if not origin:
        return False
    host = request.headers.get("host", "")
    scheme = request.url.scheme
    return origin == f"{scheme}://{host}" or origin.startswith(f"{scheme}://{host}/")


def check_unsafe(request: Request, web_session: WebSession, sent_token: str | None) -> None:
    """Refuse a state-changing request that a third-party page could have forged."""
    if request.method in SAFE_METHODS:
        return
    if not same_origin(request):
        raise Forbidden("cross-site request refused: send it from the catalogue's own pages")
    expected = csrf_token(request.app.state.settings, web_session)
    if not sent_token or not hmac.compare_digest(sent_token, expected):
        raise Forbidden(
            f"missing or wrong CSRF token: reload the page (scripts send it as {CSRF_HEADER})"
        )


def api_user(request: Request, session: Session) -> User | None:
    """The signed-in user of a same-origin API call carrying the session cookie, or None."""
    web_session = from_request(request)
    if web_session is None:
        return None
    check_unsafe(request, web_session, request.headers.get(CSRF_HEADER))
    return session_user(session, web_session)


def secure_cookie(request: Request) -> bool:
    """Secure everywhere but plain-HTTP development on this machine."""
    return request.url.scheme == "https" or request.url.hostname not in _LOCAL_HOSTS
