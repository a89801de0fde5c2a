"""What the seeded, every-role and stateful fuzzing found (test_api_contract_fuzz.py): one
focused test per finding, each an answer checked against the OpenAPI document."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import httpx
import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.schemas import APIOperation
from sqlmodel import Session

from catalogue.models import TourPlan
from tests.conftest import Actors
from tests.support.server import serving

CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
    content_type_conformance,
]


@pytest.fixture
def server(app: FastAPI) -> Iterator[str]:
    with serving(app, lifespan="off") as url:
        yield url


def _operation(app: FastAPI, label: str) -> APIOperation:
    method, path = label.split(" ", 1)
    return schemathesis.openapi.from_dict(app.openapi())[path][method]


def _call(
    app: FastAPI,
    server: str,
    label: str,
    headers: dict[str, str],
    *,
    path: dict[str, object] | None = None,
    body: Any = None,
) -> httpx.Response:
    """One call of the operation `label`, validated against the document (raises on a
    contract failure)."""
    case = _operation(app, label).Case(path_parameters=path or {}, body=body)
    response = case.call_and_validate(base_url=server, headers=headers, checks=CHECKS, timeout=30)
    return httpx.Response(response.status_code, content=response.content)


def test_a_plan_status_change_refused_by_its_state_matches_the_document(
    app: FastAPI, server: str, actors: Actors, session: Session
) -> None:
    plan = TourPlan(name="Steppe 2027", starts_on=date(2027, 1, 1), ends_on=date(2027, 12, 31))
    session.add(plan)
    session.commit()
    answer = _call(
        app,
        server,
        "POST /plans/{plan_id}/status",
        actors.programmer,
        path={"plan_id": plan.id},
        body={"state": "draft"},
    )
    assert answer.status_code == 409
    assert "draft" in answer.json()["detail"]


def test_a_body_that_is_not_utf8_is_a_documented_400(
    app: FastAPI, server: str, actors: Actors
) -> None:
    operation = _operation(app, "POST /titles")
    response = httpx.post(
        f"{server}/titles",
        content=b'{"original_title": "\xff\xfe"}',
        headers={**actors.editor, "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    operation.Case(body={}).validate_response(response, checks=CHECKS)  # documented, as sent


@pytest.mark.parametrize(
    ("method", "path", "kwargs"),
    [
        ("POST", "/campaigns", {"json": {"slug": "steppe", "name": "Steppe\u0000Days"}}),
        ("GET", "/titles", {"params": {"q": "wind\u0000"}}),
        ("GET", "/titles/abc%00", {}),
        ("POST", "/web/sign-in", {"data": {"username": "admin\u0000", "password": "x" * 12}}),
    ],
)
def test_a_nul_character_is_a_422_on_every_database(
    client: TestClient, actors: Actors, method: str, path: str, kwargs: dict[str, Any]
) -> None:
    """PostgreSQL text cannot hold U+0000: it was a 500 there (found by fuzzing POST /campaigns)."""
    answer = client.request(method, path, headers=actors.editor, **kwargs)
    assert answer.status_code == 422, answer.text
    assert "NUL" in answer.json()["detail"]
    assert answer.headers["x-request-id"] and answer.headers["x-content-type-options"]


def test_an_escaped_backslash_before_u0000_is_not_a_nul(client: TestClient, actors: Actors) -> None:
    body = b'{"slug": "steppe", "name": "C:\\\\u0000 folder"}'  # the text C:\u0000 folder
    answer = client.post(
        "/campaigns", content=body, headers={**actors.editor, "Content-Type": "application/json"}
    )
    assert answer.status_code == 201, answer.text
    assert answer.json()["name"] == "C:\\u0000 folder"
