"""What every page shares: who is looking (guards), in which language, and the HTML answer.

Pages are not API routes: a visitor who is not signed in is sent to the sign-in page, a page or
object the visitor may not see is an HTML 404 (partners never learn that staff pages exist), and
a named catalogue error becomes an HTML page with its message.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import APIRoute
from fastapi.templating import Jinja2Templates
from sqlmodel import Session

from catalogue.auth import cookies
from catalogue.auth.guards import ANY_ROLE, STAFF, Allow
from catalogue.deps import SessionDep
from catalogue.errors import CatalogueError, page_message
from catalogue.models import Role, User
from catalogue.web import explain, i18n

PREFIX = "/web"
SIGN_IN = f"{PREFIX}/sign-in"
HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"  # CSS, JS, vendor: mounted at f"{PREFIX}/static" by the app factory
templates = Jinja2Templates(directory=HERE / "templates")


class SignInRequired(Exception):
    """The page needs a signed-in visitor; `target` is where to come back to."""

    def __init__(self, target: str) -> None:
        super().__init__(target)
        self.target = target


def viewer(request: Request, session: Session) -> User | None:
    found = cookies.from_request(request)
    return cookies.session_user(session, found) if found else None


class PageGuard:
    """The roles that may see a page: the visitor comes from the cookie only, and is sent to
    sign in when there is none. Other signed-in visitors get 404, as for hidden titles."""

    def __init__(self, *roles: Role) -> None:
        self.allow = Allow(*roles, hide_from=ANY_ROLE)

    def __call__(self, request: Request, session: SessionDep) -> User:
        user = viewer(request, session)
        if user is None:
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            raise SignInRequired(target)
        return self.allow.check(user, not_found=page_message("page_not_found"))


AnyPage = Annotated[User, Depends(PageGuard(*ANY_ROLE))]
StaffPage = Annotated[User, Depends(PageGuard(*STAFF))]
EditorPage = Annotated[User, Depends(PageGuard(Role.admin, Role.editor))]
PartnerPage = Annotated[User, Depends(PageGuard(Role.partner))]


def language_of(request: Request, user: User | None) -> str:
    return i18n.choose(
        user.locale if user else None,
        request.cookies.get(i18n.LANGUAGE_COOKIE),
        request.headers.get("accept-language"),
    )


def render(
    request: Request,
    template: str,
    user: User | None,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    language = language_of(request, user)
    translations = i18n.translations(language)
    fmt = i18n.Formatter(language)
    found = cookies.from_request(request)
    csrf = cookies.csrf_token(found) if found and user else ""
    return templates.TemplateResponse(
        request,
        template,
        {
            "user": user,
            "lang": language,
            "fmt": fmt,
            "_": translations.gettext,
            "ngettext": translations.ngettext,
            **explain.explainers(translations, fmt),
            "script_problems": explain.script_problems(translations) if user else {},
            "languages": [(code, i18n.own_name(code)) for code in i18n.LANGUAGES],
            "csrf_token": csrf,
            "prefix": PREFIX,
            "is_staff": user is not None and user.role in STAFF,
            "is_editor": user is not None and user.role in (Role.admin, Role.editor),
            **context,
        },
        status_code=status_code,
        headers={"Cache-Control": "no-store"},
    )


class PageRoute(APIRoute):
    """Answers errors on pages as pages: sign-in redirect, or an HTML page with the message."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def page_handler(request: Request) -> Response:
            try:
                return await handler(request)
            except SignInRequired as needed:
                return RedirectResponse(f"{SIGN_IN}?next={quote(needed.target)}", status_code=303)
            except CatalogueError as error:
                return error_page(request, error.status_code, error.message)

        return page_handler


def error_page(request: Request, status_code: int, message: str) -> HTMLResponse:
    with Session(request.app.state.engine) as session:
        user = viewer(request, session)
    return render(request, "error.html", user, status_code, message=message, code=status_code)
