"""Liveness, readiness and metrics: public, for load balancers and Prometheus."""

from __future__ import annotations

from fastapi import Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import BaseModel
from sqlalchemy import text

from catalogue import migrate
from catalogue.media.ffmpeg import FFmpegUnusable, require_ffmpeg
from catalogue.routing import Router

router = Router(tags=["operations"])


class Health(BaseModel):
    status: str


class FFmpegReadiness(BaseModel):
    """The FFmpeg build jobs run: version, licence and key libraries (no path, no configuration
    line: `catalogue config` shows those to operators)."""

    status: str
    version: str | None = None
    licence: str | None = None
    libraries: dict[str, bool] = {}


class Readiness(BaseModel):
    status: str
    database: str
    migrations: str
    ffmpeg: FFmpegReadiness


@router.get("/healthz", response_model=Health)
def healthz() -> Health:
    """The process is alive."""
    return Health(status="ok")


@router.get(
    "/readyz",
    response_model=Readiness,
    responses={
        503: {
            "model": Readiness,
            "description": "database unreachable, schema behind, or no usable FFmpeg",
        }
    },
)
def readyz(request: Request) -> Response:
    """The database answers, its schema is at the latest migration, and a supported FFmpeg is
    installed (asked again when its binary changes, e.g. after `apt-get upgrade`)."""
    ffmpeg = _ffmpeg_readiness(request)
    database, migrations, schema_ok = _database_readiness(request)
    ok = schema_ok and ffmpeg.status == "ok"
    body = Readiness(
        status="ok" if ok else "unavailable",
        database=database,
        migrations=migrations,
        ffmpeg=ffmpeg,
    )
    return JSONResponse(body.model_dump(), status_code=200 if ok else 503)


def _database_readiness(request: Request) -> tuple[str, str, bool]:
    """(database, migrations, ready) as `/readyz` reports them."""
    engine = request.app.state.engine
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as error:  # any driver error means "not ready"; the message says which
        return f"unreachable: {error.__class__.__name__}", "unknown", False
    current, head = migrate.current_revision(engine), migrate.head_revision()
    if not migrate.is_current(engine):
        return "ok", f"at {current}, head is {head}: run `catalogue db upgrade`", False
    return "ok", str(head), True


def _ffmpeg_readiness(request: Request) -> FFmpegReadiness:
    try:
        build = require_ffmpeg(request.app.state.settings)
    except FFmpegUnusable as error:
        return FFmpegReadiness(status=f"unusable: {error.message}")
    return FFmpegReadiness(status="ok", **build.report())


@router.get("/metrics", response_class=Response, responses={200: {"content": {"text/plain": {}}}})
def metrics() -> Response:
    """Prometheus metrics."""
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
