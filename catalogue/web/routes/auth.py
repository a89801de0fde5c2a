"""Signing in (API token or user name and password), signing out, and choosing the language."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from catalogue.accounts import service as accounts
from catalogue.auth import cookies
from catalogue.auth.ratelimit import (
    Attempt,
    Door,
    RateLimited,
    SignInLimiter,
    SignInLimiterDep,
    client_address,
)
from catalogue.auth.tokens import token_and_user
from catalogue.deps import SessionDep
from catalogue.errors import CatalogueError, Forbidden, page_message
from catalogue.models import User
from catalogue.routing import Router
from catalogue.web import i18n
from catalogue.web.pages import (
    PREFIX,
    SIGN_IN,
    AnyPage,
    PageRoute,
    language_of,
    render,
    viewer,
)

router = Router(prefix=PREFIX, route_class=PageRoute, include_in_schema=False)

# Pages anyone may open; every other page declares a PageGuard (a test enumerates them).
PUBLIC = frozenset({"/", "/favicon.ico", SIGN_IN, f"{PREFIX}/language"})


def _safe_next(target: str | None) -> str:
    # Only back into the pages: never an open redirect to another site ('//evil', 'https:...').
    if target and target.startswith(f"{PREFIX}/") and not target.startswith("//"):
        return target
    return f"{PREFIX}/"


def _sign_in_page(
    request: Request, error: str | None, next_: str, status_code: int
) -> HTMLResponse:
    return render(request, "sign_in.html", None, status_code, error=error, next=next_)


def _refused_for_now(
    request: Request, limiter: SignInLimiter, attempt: Attempt, next_: str
) -> Response | None:
    """The sign-in page with a 429 when the attempt's address or account is over its limit."""
    try:
        limiter.check(attempt)
    except RateLimited as limited:
        ngettext = i18n.translations(language_of(request, None)).ngettext
        message = ngettext(
            "Too many failed sign-ins: try again in %(num)s second.",
            "Too many failed sign-ins: try again in %(num)s seconds.",
            limited.retry_after_s,
        )
        response = _sign_in_page(request, message % {"num": limited.retry_after_s}, next_, 429)
        response.headers["Retry-After"] = str(limited.retry_after_s)
        return response
    return None


@router.get("/sign-in", response_class=HTMLResponse)
def sign_in_form(request: Request, session: SessionDep, next: str | None = None) -> Response:
    if viewer(request, session) is not None:
        return RedirectResponse(_safe_next(next), status_code=303)
    return _sign_in_page(request, None, _safe_next(next), 200)


@router.post("/sign-in", response_class=HTMLResponse)
def sign_in(
    request: Request,
    session: SessionDep,
    limiter: SignInLimiterDep,
    token: Annotated[str, Form(max_length=200)] = "",
    username: Annotated[str, Form(max_length=80)] = "",
    password: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """A login form posted from another site is refused (login CSRF)."""
    if not cookies.same_origin(request):
        raise Forbidden(page_message("cross_site_sign_in"))
    gettext = i18n.translations(language_of(request, None)).gettext
    user: User | None = None
    token_id: int | None = None  # the session ends when this token is revoked
    if token.strip():
        attempt = Attempt(Door.sign_in_token, client_address(request))
        if (refused := _refused_for_now(request, limiter, attempt, next)) is not None:
            return refused
        try:
            used, user = token_and_user(session, token.strip())
            token_id = used.id
        except CatalogueError as error:
            limiter.failed(attempt, error.message)
            return _sign_in_page(
                request, gettext("This token is unknown, revoked or expired."), next, 401
            )
    elif username.strip() and password:
        attempt = Attempt(Door.password, client_address(request), username.strip())
        if (refused := _refused_for_now(request, limiter, attempt, next)) is not None:
            return refused
        user = accounts.signed_in(session, username.strip(), password)
        if user is None:
            limiter.failed(attempt, "wrong user name or password")
            return _sign_in_page(request, gettext("Wrong user name or password."), next, 401)
    else:
        return _sign_in_page(
            request, gettext("Enter an API token, or a user name and a password."), next, 422
        )
    cookies.end(request, session)  # a session this browser held before is replaced, not kept
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(
        cookies.COOKIE_NAME,
        cookies.start(request, session, user, token_id),
        max_age=cookies.LIFETIME_S,
        path="/",
        httponly=True,
        secure=cookies.secure_cookie(request),
        samesite="lax",
    )
    return response


@router.post("/sign-out", response_class=HTMLResponse)
def sign_out(
    request: Request,
    session: SessionDep,
    user: AnyPage,
    csrf_token: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Revokes the session's row: a copy of the cookie kept elsewhere opens nothing either."""
    found = cookies.from_request(request)
    assert found is not None  # the guard found the session
    cookies.check_unsafe(request, found, csrf_token)
    cookies.end(request, session)
    response = RedirectResponse(SIGN_IN, status_code=303)
    response.delete_cookie(cookies.COOKIE_NAME, path="/")
    return response


@router.post("/language", response_class=HTMLResponse)
def choose_language(
    request: Request,
    session: SessionDep,
    language: Annotated[str, Form(max_length=35)],
    next: Annotated[str, Form(max_length=2000)] = "",
    csrf_token: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Remembered in a cookie, and as the user's own setting when signed in."""
    if not cookies.same_origin(request):
        raise Forbidden(page_message("cross_site"))
    chosen = i18n.supported(language) or i18n.DEFAULT
    user = viewer(request, session)
    if user is not None:
        found = cookies.from_request(request)
        assert found is not None
        cookies.check_unsafe(request, found, csrf_token)
        accounts.set_locale(session, user, chosen)
    target = next if next == SIGN_IN or next.startswith(f"{SIGN_IN}?") else _safe_next(next)
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        i18n.LANGUAGE_COOKIE,
        chosen,
        max_age=365 * 86400,
        path="/",
        samesite="lax",
        secure=cookies.secure_cookie(request),
    )
    return response
