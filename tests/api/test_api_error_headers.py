"""A 500 answer carries the same security headers and request id as every other answer
(Starlette's last-resort handler used to send it from outside the headers middleware)."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

SECURITY_HEADERS = (
    "content-security-policy",
    "x-content-type-options",
    "x-frame-options",
    "referrer-policy",
)


def _explode() -> None:
    raise RuntimeError("boom")


@pytest.mark.parametrize("path", ["/test-only/explode", "/web/test-only/explode"])
def test_a_500_carries_the_security_headers_of_its_path(app: FastAPI, path: str) -> None:
    app.add_api_route(path, _explode)
    with TestClient(app, raise_server_exceptions=False) as client:
        crashed = client.get(path)
        missing = client.get(path.replace("explode", "nothing-here"))  # same kind of path: a 404
    assert crashed.status_code == 500 and missing.status_code == 404
    assert {h: crashed.headers.get(h) for h in SECURITY_HEADERS} == {
        h: missing.headers.get(h) for h in SECURITY_HEADERS
    }
    assert all(crashed.headers.get(h) for h in SECURITY_HEADERS)
    rid = crashed.headers["x-request-id"]
    assert f"quote request id {rid} " in crashed.json()["detail"]


def test_a_500_over_https_carries_hsts(app: FastAPI) -> None:
    app.add_api_route("/test-only/explode", _explode)
    with TestClient(
        app, base_url="https://catalogue.example", raise_server_exceptions=False
    ) as client:
        crashed = client.get("/test-only/explode")
    assert crashed.status_code == 500
    assert crashed.headers["strict-transport-security"].startswith("max-age=")
