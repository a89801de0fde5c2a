"""Routers refuse at once a path whose first segment none of their routes has
(`catalogue.routing.Router`): every declared route must still be reached, through the real app."""

from __future__ import annotations

import re

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient
from starlette.routing import Match

from catalogue.routing import Router, first_segment

ROUTER_404 = {"detail": "Not Found"}  # what the router answers when no route matches


def concrete(path: str) -> str:
    """`path` with each parameter filled in: ids 1, other text "x"."""
    return re.sub(r"\{[^}]+\}", lambda m: "x" if ":path" in m.group() else "1", path)


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
def test_every_declared_route_is_reached(app: FastAPI) -> None:
    routes = [
        context.route
        for context in iter_route_contexts(app.routes)
        if isinstance(context.route, APIRoute)
    ]
    assert len(routes) > 50  # the API and the pages
    unreached = []
    with TestClient(app, raise_server_exceptions=False) as client:
        for route in routes:
            method = sorted(route.methods - {"HEAD"} or route.methods)[0]
            answer = client.request(method, concrete(route.path), follow_redirects=False)
            routed = answer.status_code not in (404, 405) or (
                answer.headers.get("content-type", "").startswith("application/json")
                and answer.json() != ROUTER_404
                and answer.status_code != 405
            )
            if not routed:
                unreached.append((method, route.path, answer.status_code))
    assert unreached == []


def test_a_router_refuses_other_first_segments_and_a_parameter_takes_any() -> None:
    titles = Router(prefix="/titles")

    @titles.get("/{title_id}")
    def read(title_id: int) -> int:
        return title_id

    scope = {"type": "http", "method": "GET", "path": "/venues/3", "root_path": ""}
    assert titles.first_segments() == {"titles"}
    assert titles.matches(scope) == (Match.NONE, {})

    anything = Router()

    @anything.get("/{slug}")
    def page(slug: str) -> str:
        return slug

    nested = Router()
    nested.include_router(titles)
    nested.include_router(anything)
    assert nested.first_segments() == {"titles", None}
    assert first_segment("/") == "" and first_segment("/d/token/a.m4s") == "d"
