"""Puts the pages into the application: their routes and their static files (CSS, JS, vendor)."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from catalogue.web.pages import PREFIX
from catalogue.web.routes import router

STATIC = Path(__file__).resolve().parent / "static"


def install(app: FastAPI) -> None:
    app.include_router(router)
    app.mount(f"{PREFIX}/static", StaticFiles(directory=STATIC), name="web-static")
