"""The application factory: assembles settings, database, routes and error answers."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy.engine import Engine

from catalogue import __version__, ingest
from catalogue.api.routes import (
    assets,
    campaigns,
    delivery,
    health,
    jobs,
    partners,
    renditions,
    rights,
    subtitles,
    titles,
    tours,
    uploads,
    users,
)
from catalogue.db import make_engine
from catalogue.errors import CatalogueError, NotAuthenticated
from catalogue.jobs import backend as job_backend
from catalogue.observability import RequestContext, configure_logging, request_id
from catalogue.settings import Settings, get_settings
from catalogue.web import app as web

log = logging.getLogger("catalogue.api")

DESCRIPTION = """
The catalogue of a broadcaster's dramas, documentaries and promos screened abroad: metadata in
many languages, media assets, renditions and subtitles, rights windows, partners, venues and
screening tours. Authenticate with an API token: `Authorization: Bearer cat_...`
(`catalogue users token USERNAME` prints one).
"""


def create_app(settings: Settings | None = None, engine: Engine | None = None) -> FastAPI:
    settings = settings or get_settings()
    configure_logging(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # The embedded worker pool lives and dies with the service (or, scale-out, a task sender).
        jobs_running = job_backend.start(app.state.engine, settings)
        try:
            async with ingest.lifespan(app):
                yield
        finally:
            jobs_running.stop()

    app = FastAPI(
        title="Screening catalogue", version=__version__, description=DESCRIPTION, lifespan=lifespan
    )
    app.state.settings = settings
    app.state.engine = engine or make_engine(settings)
    app.add_middleware(RequestContext)

    for module in (health, titles, campaigns, partners, users, jobs, uploads, assets, renditions):
        app.include_router(module.router)
    app.include_router(subtitles.router)
    app.include_router(rights.router)
    app.include_router(delivery.router)
    app.include_router(tours.router)
    web.install(app)  # the pages and their static files

    @app.exception_handler(CatalogueError)
    async def _catalogue_error(request: Request, error: CatalogueError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if isinstance(error, NotAuthenticated) else None
        return JSONResponse(
            {"detail": error.message}, status_code=error.status_code, headers=headers
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, error: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return JSONResponse(
            {"detail": f"internal error; quote request id {request_id.get()} to the operators"},
            status_code=500,
        )

    return app
