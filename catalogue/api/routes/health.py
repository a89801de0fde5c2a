"""Liveness, readiness and metrics: public, for load balancers and Prometheus."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import BaseModel
from sqlalchemy import text

from catalogue import migrate

router = APIRouter(tags=["operations"])


class Health(BaseModel):
    status: str


class Readiness(BaseModel):
    status: str
    database: str
    migrations: str


@router.get("/healthz", response_model=Health)
def healthz() -> Health:
    """The process is alive."""
    return Health(status="ok")


@router.get(
    "/readyz",
    response_model=Readiness,
    responses={503: {"model": Readiness, "description": "database unreachable or schema behind"}},
)
def readyz(request: Request) -> Response:
    """The database answers and its schema is at the latest migration."""
    engine = request.app.state.engine
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as error:  # any driver error means "not ready"; the message says which
        body = Readiness(
            status="unavailable",
            database=f"unreachable: {error.__class__.__name__}",
            migrations="unknown",
        )
        return JSONResponse(body.model_dump(), status_code=503)
    current, head = migrate.current_revision(engine), migrate.head_revision()
    if not migrate.is_current(engine):
        body = Readiness(
            status="unavailable",
            database="ok",
            migrations=f"at {current}, head is {head}: run `catalogue db upgrade`",
        )
        return JSONResponse(body.model_dump(), status_code=503)
    return JSONResponse(Readiness(status="ok", database="ok", migrations=str(head)).model_dump())


@router.get("/metrics", response_class=Response, responses={200: {"content": {"text/plain": {}}}})
def metrics() -> Response:
    """Prometheus metrics."""
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
