"""Application-wide rules: every route declares who may call it, and the OpenAPI document is complete."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient

from catalogue.auth.guards import Allow

PUBLIC = {"/healthz", "/readyz", "/metrics"}


def _guards(dependant: Dependant) -> list[Allow]:
    found = [d.call for d in dependant.dependencies if isinstance(d.call, Allow)]
    for sub in dependant.dependencies:
        found.extend(_guards(sub))
    return found


def api_routes(app: FastAPI) -> list[Any]:
    """Every API route with its full path. FastAPI wraps included routers, so `app.routes` alone
    holds no APIRoute: walk the route contexts instead."""
    routes = [
        context
        for context in iter_route_contexts(app.routes)
        if isinstance(context.original_route, APIRoute) and context.include_in_schema
    ]
    assert len(routes) > 30, "the route walk found too few routes to prove anything"
    return routes


def test_every_route_declares_its_roles(app: FastAPI) -> None:
    unguarded = [
        f"{sorted(r.methods)} {r.path}"
        for r in api_routes(app)
        if r.path not in PUBLIC and not _guards(r.dependant)
    ]
    assert unguarded == []


def test_every_guard_lets_someone_in(app: FastAPI) -> None:
    empty = [
        f"{sorted(r.methods)} {r.path}"
        for r in api_routes(app)
        if any(not g.roles for g in _guards(r.dependant))
    ]
    assert empty == []


def test_every_guarded_route_refuses_anonymous_callers(app: FastAPI, client: TestClient) -> None:
    for route in api_routes(app):
        if route.path in PUBLIC:
            continue
        path = route.path.replace("{", "").replace("}", "")  # ids become words: never reached
        for method in route.methods:
            response = client.request(method, path.replace("_id", "1"))
            assert response.status_code == 401, (method, route.path, response.status_code)


def test_openapi_documents_responses_and_errors(app: FastAPI) -> None:
    document = app.openapi()
    problems = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            success = [code for code in responses if code.startswith("2")]
            if not success:
                problems.append(f"{method} {path}: no success response")
            for code in success:
                documented = responses[code].get("content") or responses[code].get("headers")
                if code != "204" and not documented:
                    # a body-less answer (tus HEAD, 201 Created) must document its headers instead
                    problems.append(
                        f"{method} {path}: {code} has no schema (nor documented headers)"
                    )
            if path not in PUBLIC:
                for code in ("401", "403", "422"):
                    if code not in responses:
                        problems.append(f"{method} {path}: {code} undocumented")
                if "{" in path and "404" not in responses:
                    problems.append(f"{method} {path}: 404 undocumented")
    assert problems == []


def test_openapi_is_served(client: TestClient) -> None:
    response = client.get("/openapi.json")
    assert response.status_code == 200
    assert response.json()["components"]["securitySchemes"]["HTTPBearer"]["type"] == "http"
