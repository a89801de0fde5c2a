"""The application factory: the API routes, the pages and their static files, the error answers,
and the lifespan (job back-end, upload sweeper). Storage and the ingest service are built here,
once, and reach routes through `catalogue.deps`."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy.engine import Engine
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from catalogue import __version__
from catalogue.api.routes import ROUTERS
from catalogue.db import make_engine
from catalogue.errors import CatalogueError
from catalogue.handlers import HANDLERS
from catalogue.ingest import make_ingest, sweeping_uploads
from catalogue.jobs import Handlers
from catalogue.jobs import backend as job_backend
from catalogue.media.ffmpeg import require_ffmpeg
from catalogue.observability import RequestContext, configure_logging, request_id
from catalogue.settings import Settings, get_settings
from catalogue.storage import make_storage
from catalogue.web import routes as pages
from catalogue.web.headers import SecurityHeaders, media_origins
from catalogue.web.pages import PREFIX, STATIC

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
            async with sweeping_uploads(app.state.engine, app.state.ingest):
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
    app.add_middleware(RequestContext)
    media = media_origins(settings, app.state.storage)
    app.add_middleware(SecurityHeaders, pages_prefix=PREFIX, media=media)
    if settings.trusted_proxies:  # outermost: the others see the forwarded client and scheme
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.trusted_proxies)

    for router in ROUTERS:
        app.include_router(router)
    app.include_router(pages.router)
    app.mount(f"{PREFIX}/static", StaticFiles(directory=STATIC), name="web-static")

    @app.exception_handler(CatalogueError)
    async def _catalogue_error(request: Request, error: CatalogueError) -> JSONResponse:
        return JSONResponse(
            {"detail": error.message}, status_code=error.status_code, headers=error.headers
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, error: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return JSONResponse(
            {"detail": f"internal error; quote request id {request_id.get()} to the operators"},
            status_code=500,
        )

    return app
