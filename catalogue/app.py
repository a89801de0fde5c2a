"""The application factory: the API routes, the pages and their static files, the error answers,
and the lifespan (job back-end, upload sweeper). Storage and the ingest service are built here,
once, and reach routes through `catalogue.deps`."""

from __future__ import annotations

import logging
import math
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.encoders import jsonable_encoder
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.staticfiles import StaticFiles
from sqlalchemy.engine import Engine
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match, Route
from starlette.types import Scope
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from catalogue import __version__
from catalogue.api.responses import with_body_errors, with_links
from catalogue.api.routes import ROUTERS
from catalogue.db import make_engine
from catalogue.delivery.audit import flushing_audit, tally_of
from catalogue.errors import CatalogueError
from catalogue.handlers import HANDLERS
from catalogue.ingest import make_ingest, sweeping_uploads
from catalogue.input_guard import RefuseNul
from catalogue.jobs import Handlers
from catalogue.jobs import backend as job_backend
from catalogue.media.ffmpeg import require_ffmpeg
from catalogue.observability import InternalErrors, RequestContext, configure_logging
from catalogue.overload import RETRY_AFTER_S, Overloaded, answer_overloaded
from catalogue.settings import Settings, get_settings
from catalogue.storage import make_storage
from catalogue.web import routes as pages
from catalogue.web.headers import SecurityHeaders, media_origins
from catalogue.web.pages import PREFIX, STATIC, render

log = logging.getLogger("catalogue.api")

DESCRIPTION = """
The catalogue of a broadcaster's dramas, documentaries and promos screened abroad: metadata in
many languages, media assets, renditions and subtitles, rights windows, partners, venues and
screening tours. Authenticate with an API token: `Authorization: Bearer cat_...`
(`catalogue users token USERNAME` prints one).
"""


def create_app(
    settings: Settings | None = None,
    engine: Engine | None = None,
    handlers: Handlers = HANDLERS,
) -> FastAPI:
    settings = settings or get_settings()
    configure_logging(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # FFmpeg parses untrusted uploads: refuse to start on a missing, too old or crippled one.
        build = require_ffmpeg(settings)
        log.info("FFmpeg %s (%s)", build.version, build.path)
        # The embedded worker pool lives and dies with the service (or, scale-out, a task sender).
        jobs_running = job_backend.start(app.state.engine, settings, handlers, app.state.storage)
        try:
            async with (
                sweeping_uploads(app.state.engine, app.state.ingest),
                flushing_audit(tally_of(app, app.state.engine), settings.audit_flush_interval_s),
            ):
                yield
        finally:
            jobs_running.stop()

    app = FastAPI(
        title="Screening catalogue", version=__version__, description=DESCRIPTION, lifespan=lifespan
    )
    app.state.settings = settings
    app.state.engine = engine or make_engine(settings)
    app.state.storage = make_storage(settings)
    app.state.ingest = make_ingest(settings, app.state.storage)
    settings.signing_keys()  # at start: generate the per-install key, or refuse an unsafe one
    app.add_middleware(InternalErrors)  # innermost: a 500 passes through the others like any answer
    app.add_middleware(RefuseNul)
    app.add_middleware(RequestContext)
    media = media_origins(settings, app.state.storage)
    app.add_middleware(SecurityHeaders, pages_prefix=PREFIX, media=media)
    if settings.trusted_proxies:  # outermost: the others see the forwarded client and scheme
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.trusted_proxies)

    for router in ROUTERS:
        app.include_router(router)
    build_document = app.openapi

    def document_with_links() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = with_links(with_body_errors(build_document()))
        return app.openapi_schema

    app.openapi = document_with_links  # type: ignore[method-assign]
    app.include_router(pages.router)
    app.mount(f"{PREFIX}/static", StaticFiles(directory=STATIC), name="web-static")

    # Overload (a full gate, a pool timeout) is a 503 with Retry-After: a page for a browser on
    # the pages, JSON for everyone else.
    async def _overloaded(request: Request, error: Exception) -> Response:
        if not asks_for_a_page(request):
            return await answer_overloaded(request, error)
        # Nobody is looked up (the database is what has no room): the language comes from the
        # visitor's cookie or browser.
        page = render(request, "error.html", None, 503, code=503, message="")
        page.headers["Retry-After"] = str(RETRY_AFTER_S)
        return page

    for overload in (Overloaded, PoolTimeout):
        app.add_exception_handler(overload, _overloaded)

    @app.exception_handler(CatalogueError)
    async def _catalogue_error(request: Request, error: CatalogueError) -> JSONResponse:
        return JSONResponse(
            {"detail": error.message}, status_code=error.status_code, headers=error.headers
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, error: StarletteHTTPException) -> Response:
        if error.status_code != 405:
            return await http_exception_handler(request, error)
        # Starlette answers from the first route matching the path, so a path served by several
        # routes (GET and POST registered apart) would list only one: ask every route instead.
        allowed = allowed_methods(request.app, request.scope)
        return JSONResponse(
            {"detail": f"{request.method} is not allowed here; use {', '.join(allowed)}"},
            status_code=405,
            headers={"Allow": ", ".join(allowed)},
        )

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, error: RequestValidationError) -> JSONResponse:
        # FastAPI's own handler echoes the input as is, and fails on what JSON cannot carry.
        return JSONResponse({"detail": echoable(jsonable_encoder(error.errors()))}, status_code=422)

    return app


def asks_for_a_page(request: Request) -> bool:
    """A browser asking for one of the pages (not a script fetching JSON from under them)."""
    path = request.url.path
    under_pages = path == PREFIX or path.startswith(PREFIX + "/")
    return under_pages and "text/html" in request.headers.get("accept", "")


def allowed_methods(app: FastAPI, scope: Scope) -> list[str]:
    """The methods of the path the router chose for this 405: every route declared with the
    same path as the first one that matched it (as the router does) but not its method."""
    routes = [context.route for context in iter_route_contexts(app.routes)]
    owner = next(
        (
            r
            for r in routes
            if isinstance(r, Route | APIRoute) and r.matches(scope)[0] is Match.PARTIAL
        ),
        None,
    )
    if owner is None:
        return []
    methods: set[str] = set()
    for route in routes:
        if isinstance(route, Route | APIRoute) and route.path_format == owner.path_format:
            methods |= route.methods or set()
    return sorted(methods)


def echoable(value: Any) -> Any:
    """`value` with what a JSON answer cannot carry replaced: a non-finite number by its name
    ("inf", "nan"), a string that is not valid UTF-8 (a lone surrogate) by its escaped form."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, str):
        return value.encode("utf-8", "backslashreplace").decode("utf-8")
    if isinstance(value, dict):
        return {echoable(key): echoable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [echoable(item) for item in value]
    return value
