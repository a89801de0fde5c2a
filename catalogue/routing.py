"""The router every API and page module declares its routes on.

FastAPI asks each included router in turn whether a request's path is one of its routes, and a
router answers by trying every route it holds: with about ninety routes, a delivery segment
(`/d/...`, mounted late) was matched against all the API's routes first, and routing alone was a
fifth of the service's CPU per request (bench/load.py --run cpu, profiled). A `Router` knows the
first path segments its routes can start with and says "no" at once to any other path; a route
whose first segment is a parameter makes it try every path, as before.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette._utils import get_route_path
from starlette.routing import BaseRoute, Match
from starlette.types import Scope

ANY = None  # a route whose first segment is a parameter: any path may be one of its


def first_segment(path: str) -> str:
    """ "titles" of "/titles/3/assets"; "" of "/"."""
    return path.split("/", 2)[1] if path.startswith("/") else ""


def _segment_of(path: str) -> str | None:
    segment = first_segment(path)
    return ANY if "{" in segment else segment


def _segments_of(route: BaseRoute) -> set[str | None]:
    router = getattr(route, "original_router", None)  # an included router
    if router is None:
        path = getattr(route, "path", None)
        return {_segment_of(path)} if isinstance(path, str) else {ANY}
    prefix = getattr(getattr(route, "include_context", None), "prefix", "")
    if prefix:
        return {_segment_of(prefix)}
    return router.first_segments() if isinstance(router, Router) else {ANY}


class Router(APIRouter):
    """An `APIRouter` that refuses at once a path none of its routes can match."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._segments: set[str | None] = set()
        self._segments_for = -1  # the number of routes they were found from

    def first_segments(self) -> set[str | None]:
        # Routes are declared at import time; counting them notices any added later.
        if self._segments_for != len(self.routes):
            self._segments = set().union(*(_segments_of(route) for route in self.routes))
            self._segments_for = len(self.routes)
        return self._segments

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        segments = self.first_segments()
        if ANY not in segments and first_segment(get_route_path(scope)) not in segments:
            return Match.NONE, {}
        return super().matches(scope)
