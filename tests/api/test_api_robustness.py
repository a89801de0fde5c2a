"""What a hostile client sends never breaks the service (issue 12): null in a partial update,
ids past 64 bits, bodies the 422 answer cannot echo as they are, and a 500 that names the
request id the log carries."""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.dependencies.utils import get_flat_params
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient

from catalogue.validation import MAX_ID
from tests.conftest import Actors

SITE = "https://testserver"
TITLE = {"kind": "drama", "original_title": "Көшпенділер", "original_language": "kk"}


def _title(client: TestClient, actors: Actors, **fields: Any) -> int:
    response = client.post("/titles", headers=actors.editor, json={**TITLE, **fields})
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def _page_client(app: FastAPI, actors: Actors) -> TestClient:
    """A signed-in page visitor (admin), over HTTPS as the session cookie is Secure."""
    web = TestClient(app, base_url=SITE, raise_server_exceptions=False)
    token = actors.admin["Authorization"].removeprefix("Bearer ")
    signed_in = web.post(
        "/web/sign-in",
        data={"token": token, "next": "/web/"},
        headers={"Origin": SITE},
        follow_redirects=False,
    )
    assert signed_in.status_code == 303, signed_in.text
    return web


# --- null in a partial update -------------------------------------------------------------------


@pytest.mark.parametrize(
    "field", ["genres", "themes", "tags", "original_title", "original_language", "localizations"]
)
def test_null_for_a_title_field_that_cannot_be_null_is_refused_and_listings_still_work(
    app: FastAPI, client: TestClient, actors: Actors, field: str
) -> None:
    title_id = _title(client, actors, genres=["history"])
    response = client.patch(f"/titles/{title_id}", headers=actors.editor, json={field: None})
    assert response.status_code == 422, response.text
    error = response.json()["detail"][0]
    assert error["loc"] == ["body", field]
    assert "cannot be null" in error["msg"] and "leave it out" in error["msg"]
    for role in (actors.admin, actors.editor, actors.programmer):
        assert client.get("/titles", headers=role).status_code == 200
    stored = client.get(f"/titles/{title_id}", headers=actors.editor).json()
    assert stored["genres"] == ["history"] and stored["original_title"] == TITLE["original_title"]
    with _page_client(app, actors) as web:
        assert web.get("/web/").status_code == 200


def test_null_clears_a_title_fact_whose_column_is_nullable(
    client: TestClient, actors: Actors
) -> None:
    title_id = _title(client, actors, producer="Kazakhfilm", production_year=2019)
    response = client.patch(
        f"/titles/{title_id}",
        headers=actors.editor,
        json={"producer": None, "production_year": None},
    )
    assert response.status_code == 200, response.text
    assert response.json()["producer"] is None and response.json()["production_year"] is None


@pytest.mark.parametrize("field", ["full_name", "is_active"])
def test_null_for_a_user_field_that_cannot_be_null_is_refused(
    client: TestClient, actors: Actors, field: str
) -> None:
    user_id = client.get("/me", headers=actors.editor).json()["id"]
    response = client.patch(f"/users/{user_id}", headers=actors.admin, json={field: None})
    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["loc"] == ["body", field]
    assert client.get(f"/users/{user_id}", headers=actors.admin).status_code == 200


def test_null_password_turns_password_sign_in_off(client: TestClient, actors: Actors) -> None:
    user_id = client.get("/me", headers=actors.editor).json()["id"]
    response = client.patch(f"/users/{user_id}", headers=actors.admin, json={"password": None})
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("field", ["name", "description"])
def test_null_for_a_campaign_field_that_cannot_be_null_is_refused(
    client: TestClient, actors: Actors, field: str
) -> None:
    created = client.post(
        "/campaigns", headers=actors.editor, json={"slug": "close-up", "name": "Close-Up"}
    )
    assert created.status_code == 201, created.text
    campaign_id = created.json()["id"]
    response = client.patch(f"/campaigns/{campaign_id}", headers=actors.editor, json={field: None})
    assert response.status_code == 422, response.text
    cleared = client.patch(
        f"/campaigns/{campaign_id}", headers=actors.editor, json={"ends_on": None}
    )
    assert cleared.status_code == 200, cleared.text
    assert client.get("/campaigns", headers=actors.editor).status_code == 200


def test_null_for_a_partner_status_is_refused(client: TestClient, actors: Actors) -> None:
    response = client.patch(
        f"/partners/{actors.partner_id}", headers=actors.admin, json={"status": None}
    )
    assert response.status_code == 422, response.text


def test_the_openapi_document_admits_null_only_where_it_clears(app: FastAPI) -> None:
    schemas = app.openapi()["components"]["schemas"]
    title = schemas["TitleUpdate"]["properties"]
    assert "anyOf" not in title["genres"] and title["genres"]["type"] == "array"
    assert "anyOf" not in title["original_title"]
    assert {"type": "null"} in title["producer"]["anyOf"]
    assert "anyOf" not in schemas["UserUpdate"]["properties"]["is_active"]
    assert "anyOf" not in schemas["CampaignUpdate"]["properties"]["name"]


# --- ids past 64 bits ---------------------------------------------------------------------------

_INT = re.compile(r"\bint\b")
_ID = re.compile(r"(^|_)ids?$|^(venue|partner)$")


def _integer_parameters(app: FastAPI) -> Iterator[tuple[str, str, str, bool]]:
    """(method, path template, parameter, in the path) for every integer path or query parameter
    of every route, API and pages alike."""
    for context in iter_route_contexts(app.routes):
        if not isinstance(context.original_route, APIRoute) or not context.path:
            continue
        path_names = set(re.findall(r"{(\w+)", context.path))
        for field in get_flat_params(context.dependant):
            if _INT.search(str(field.field_info.annotation)):
                for method in sorted(context.methods or ()):
                    yield method, context.path, field.alias, field.alias in path_names


def _fill(template: str) -> str:
    """Every other path parameter gets a harmless value."""
    return re.sub(r"{(\w+)(:path)?}", lambda m: "x.m3u8" if m.group(2) else "1", template)


def test_every_id_parameter_is_bounded_in_the_schema(app: FastAPI) -> None:
    unbounded = []
    for context in iter_route_contexts(app.routes):
        if not isinstance(context.original_route, APIRoute):
            continue
        for field in get_flat_params(context.dependant):
            if _ID.search(field.alias) and _INT.search(str(field.field_info.annotation)):
                text = str(field.field_info.annotation) + str(field.field_info.metadata)
                if f"le={MAX_ID}" not in text:
                    unbounded.append(f"{context.path} {field.alias}")
    assert unbounded == []


@pytest.mark.parametrize("number", [2**31, 2**63, 2**64])
def test_ids_past_64_bits_answer_4xx_on_every_route(
    app: FastAPI, client: TestClient, actors: Actors, number: int
) -> None:
    parameters = list(_integer_parameters(app))
    assert len(parameters) > 80, "the route walk found too few parameters to prove anything"
    crashed = []
    with _page_client(app, actors) as web:
        for method, template, name, in_path in parameters:
            if in_path:
                url = _fill(template.replace(f"{{{name}}}", str(number)))
                params = {}
            else:
                url, params = _fill(template), {name: str(number)}
            caller = web if template.startswith("/web") else client
            headers = {} if caller is web else actors.admin
            response = caller.request(method, url, params=params, headers=headers)
            if response.status_code >= 500:
                crashed.append(f"{method} {template} {name}: {response.status_code}")
    assert crashed == []


def test_a_partner_asking_for_a_title_past_64_bits_gets_422(
    client: TestClient, actors: Actors
) -> None:
    response = client.get(f"/titles/{2**63}", headers=actors.partner)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["path", "title_id"]


# --- bodies the 422 answer cannot echo as they are ----------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        '"production_year": 1e400',
        '"production_year": -1e400',
        '"production_year": NaN',
        '"original_language": "\\ud800"',
        '"genres": ["\\udfff", 1e400]',
    ],
)
def test_a_body_json_cannot_echo_gets_a_json_422(
    client: TestClient, actors: Actors, raw: str
) -> None:
    body = '{"kind": "drama", "original_title": "T", "original_language": "en", ' + raw + "}"
    if raw.startswith('"original_language"'):
        body = '{"kind": "drama", "original_title": "T", ' + raw + "}"
    response = client.post(
        "/titles",
        headers={**actors.editor, "Content-Type": "application/json"},
        content=body.encode(),
    )
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/json"
    assert response.json()["detail"]


# --- a 500 names the request id of its log line -------------------------------------------------


def test_a_500_answer_quotes_the_request_id_of_its_log_line(app: FastAPI) -> None:
    def explode() -> None:
        raise RuntimeError("boom")

    app.add_api_route("/test-only/explode", explode)
    handler = logging.getLogger("catalogue").handlers[0]
    assert isinstance(handler, logging.StreamHandler)
    captured = io.StringIO()
    previous = handler.setStream(captured)
    try:
        with TestClient(app, raise_server_exceptions=False) as client:
            response = client.get("/test-only/explode")
    finally:
        handler.setStream(previous)
    assert response.status_code == 500
    rid = response.headers["X-Request-ID"]
    assert rid and rid != "-"
    assert f"quote request id {rid} " in response.json()["detail"]
    error_lines = [line for line in captured.getvalue().splitlines() if "unhandled error" in line]
    assert error_lines and all(rid in line for line in error_lines)


def test_a_500_keeps_the_request_id_the_client_sent(app: FastAPI) -> None:
    def explode() -> None:
        raise RuntimeError("boom")

    app.add_api_route("/test-only/explode", explode)
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/test-only/explode", headers={"X-Request-ID": "req-77"})
    assert response.headers["X-Request-ID"] == "req-77"
    assert "quote request id req-77 " in response.json()["detail"]


WINDOW = {"media_right": "svod", "territories": ["FR"], "starts_on": "2025-01-01"}
VENUE = {"slug": "v", "name": "V", "city": "Paris", "country": "FR", "time_zone": "Europe/Paris"}


@pytest.mark.parametrize(
    ("url", "body"),
    [
        ("/rights/windows", {**WINDOW, "title_id": 2**31}),
        ("/users", {"username": "somebody", "role": "partner", "partner_id": 2**63}),
        ("/venues", {**VENUE, "partner_id": 2**64}),
    ],
)
def test_ids_past_64_bits_in_a_body_answer_422(
    client: TestClient, actors: Actors, url: str, body: dict[str, Any]
) -> None:
    response = client.post(url, headers=actors.admin, json=body)
    assert response.status_code == 422, response.text
    assert f"less than or equal to {MAX_ID}" in response.text
