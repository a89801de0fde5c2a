"""The OpenAPI document is a true contract: property-based fuzzing of every operation (schemathesis)
finds no server error, no response outside its schema, no undocumented status code or content type;
plus one test per contract finding of issue 12."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, Phase, assume, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.core.failures import FailureGroup
from schemathesis.core.result import Err
from schemathesis.generation.case import Case
from schemathesis.schemas import APIOperation
from sqlmodel import Session

from catalogue.models.jobs import Job, JobStatus
from tests.conftest import Actors
from tests.support.server import serving

FUZZ_ROLES = ["admin", "partner"]
EXAMPLES_PER_OPERATION = 15
CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
    content_type_conformance,
]

# Known defects another engineer owns this round: left out of the fuzzing only (each owner has
# a test of their own that failed before their fix). Key: operation label; value: why and who.
EXCLUDED: dict[str, str] = {}


@pytest.fixture
def server(app: FastAPI) -> Iterator[str]:
    """The app under a real uvicorn server, lifespan included (job pool, upload sweeper), stopped
    after the test: schemathesis' own ASGI transport would keep the lifespan for the process."""
    with serving(app) as url:
        yield url


@dataclass
class Caller:
    headers: dict[str, str]
    user_id: int
    token_id: int
    partner_id: int | None


def _caller(server: str, headers: dict[str, str]) -> Caller:
    me = httpx.get(f"{server}/me", headers=headers).json()
    tokens = httpx.get(f"{server}/me/tokens", headers=headers).json()
    return Caller(headers, me["id"], tokens[0]["id"], me.get("partner_id"))


def _signs_the_caller_out(case: Case, caller: Caller) -> bool:
    """The fuzzing's own token, user and partner are off limits: revoking, deactivating or
    suspending them would turn every later case into a 401 and prove nothing."""
    own = {"token_id": caller.token_id, "user_id": caller.user_id, "partner_id": caller.partner_id}
    params = case.path_parameters or {}
    return any(name in params and str(params[name]) == str(value) for name, value in own.items())


def _fuzz_operation(operation: APIOperation, server: str, caller: Caller) -> str | None:
    """Run one operation's generated cases; the first contract failure, or None."""

    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        derandomize=True,  # the same cases on every run: a failure here is reproducible
        database=None,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.explicit, Phase.generate],  # no shrinking: keeps the run bounded
    )
    @given(case=operation.as_strategy())
    def run(case: Case) -> None:
        assume(not _signs_the_caller_out(case, caller))
        case.call_and_validate(base_url=server, headers=caller.headers, checks=CHECKS, timeout=30)

    try:
        run()
    except (Exception, FailureGroup) as error:  # a group of check failures is a BaseException
        return f"{operation.label}: {error}"
    return None


def _listings(server: str, document: dict[str, Any], caller: Caller) -> dict[str, int]:
    """The status of every GET without a required parameter (the listings a client opens first)
    for this caller: 200, or the 403/404/422 its role and the missing filters call for."""
    paths = [
        path
        for path, operations in document["paths"].items()
        if "get" in operations
        and not any(p.get("required") for p in operations["get"].get("parameters", []))
    ]
    return {
        path: httpx.get(f"{server}{path}", headers=caller.headers).status_code for path in paths
    }


@pytest.mark.slow
@pytest.mark.parametrize("role", FUZZ_ROLES)
def test_every_operation_honours_its_contract(role: str, actors: Actors, server: str) -> None:
    caller = _caller(server, dict(getattr(actors, role)))
    document = httpx.get(f"{server}/openapi.json").json()
    schema = schemathesis.openapi.from_dict(document)
    listings_before = _listings(server, document, caller)
    assert list(listings_before.values()).count(200) >= 3, listings_before
    failures = []
    for result in schema.get_all_operations():
        if isinstance(result, Err):  # the document itself does not parse
            failures.append(f"invalid schema: {result.err()}")
            continue
        operation = result.ok()
        if operation.label in EXCLUDED:
            continue
        failure = _fuzz_operation(operation, server, caller)
        if failure:
            failures.append(failure)
    assert failures == [], "\n\n".join(failures)
    # whatever the fuzzing stored, every listing still reads back as it did before
    assert _listings(server, document, caller) == listings_before


def _operation(server: str, label: str) -> APIOperation:
    document = httpx.get(f"{server}/openapi.json").json()
    method, path = label.split(" ", 1)
    return schemathesis.openapi.from_dict(document)[path][method]


def test_a_screenings_local_start_time_matches_its_schema(server: str) -> None:
    document = httpx.get(f"{server}/openapi.json").json()
    schema = document["components"]["schemas"]["ScreeningPublic"]["properties"]["start_time"]
    assert schema.get("format") != "time"  # RFC 3339 full-time needs an offset: "19:00:00Z"
    assert re.fullmatch(schema["pattern"].strip("^$"), "19:00:00")


def test_job_events_answer_what_the_document_says(
    server: str, actors: Actors, session: Session
) -> None:
    job = Job(kind="probe_asset", status=JobStatus.succeeded, progress=100.0)
    session.add(job)
    session.commit()
    operation = _operation(server, "GET /jobs/{job_id}/events")
    case = operation.Case(path_parameters={"job_id": job.id})
    response = case.call_and_validate(
        base_url=server, headers=actors.admin, checks=CHECKS, timeout=30
    )
    assert "event: end" in response.text


@pytest.mark.parametrize("label", ["GET /jobs", "GET /plans"])
def test_page_size_cap_is_in_the_schema(server: str, actors: Actors, label: str) -> None:
    operation = _operation(server, label)
    limit = next(p for p in operation.definition.raw["parameters"] if p["name"] == "limit")
    cap = limit["schema"]["anyOf"][0]["maximum"]
    path = label.split(" ", 1)[1]
    assert httpx.get(f"{server}{path}?limit={cap}", headers=actors.admin).status_code == 200
    too_many = httpx.get(f"{server}{path}?limit={cap + 1}", headers=actors.admin)
    assert too_many.status_code == 422
    assert "limit" in too_many.text


def test_a_405_lists_exactly_the_methods_of_its_path(server: str, actors: Actors) -> None:
    document = httpx.get(f"{server}/openapi.json").json()
    wrong = []
    for path, operations in document["paths"].items():
        methods = {m.upper() for m in operations}
        unsupported = next(m for m in ("PUT", "PATCH", "DELETE", "POST", "GET") if m not in methods)
        url = f"{server}{re.sub(r'{[^}]+}', '1', path)}"
        response = httpx.request(unsupported, url, headers=actors.admin)
        allowed = {m.strip() for m in response.headers.get("allow", "").split(",") if m.strip()}
        if response.status_code != 405 or allowed != methods:
            wrong.append(
                f"{unsupported} {path}: {response.status_code} Allow={sorted(allowed)} want {sorted(methods)}"
            )
    assert wrong == []
