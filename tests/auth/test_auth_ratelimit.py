"""Failed sign-ins are limited per client address and per account: past the limit every attempt
answers 429 with Retry-After, the right credential too, until the window has passed; another
address is not blocked by the first's limit; failures and refusals are in the audit log."""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response
from sqlmodel import Session

from catalogue.accounts import service as accounts
from catalogue.app import create_app
from catalogue.models import Role
from catalogue.models.accounts import UserCreate
from catalogue.settings import Settings

SITE = "https://testserver"
PASSWORD = "correct horse battery"
ATTACKER = ("198.51.100.7", 40000)
ELSEWHERE = ("203.0.113.9", 40000)
REDIS_URL = os.environ.get("CATALOGUE_TEST_REDIS_URL")


def _client(app: FastAPI, address: tuple[str, int]) -> TestClient:
    return TestClient(app, base_url=SITE, raise_server_exceptions=False, client=address)


@pytest.fixture
def attacker(app: FastAPI) -> Iterator[TestClient]:
    with _client(app, ATTACKER) as test_client:
        yield test_client


@pytest.fixture
def elsewhere(app: FastAPI) -> Iterator[TestClient]:
    """Another client address: the admin reading the audit log, or a colleague signing in."""
    with _client(app, ELSEWHERE) as test_client:
        yield test_client


@pytest.fixture
def editor(session: Session) -> str:
    accounts.create_user(
        session, UserCreate(username="editor-pw", role=Role.editor, password=PASSWORD)
    )
    return "editor-pw"


def _password(client: TestClient, username: str, password: str) -> Response:
    return client.post(
        "/web/sign-in",
        data={"username": username, "password": password},
        headers={"Origin": SITE},
        follow_redirects=False,
    )


def _token(client: TestClient, token: str) -> Response:
    return client.post(
        "/web/sign-in", data={"token": token}, headers={"Origin": SITE}, follow_redirects=False
    )


def _wrong_token() -> str:
    return "cat_" + secrets.token_urlsafe(32)


def _secret(headers: dict[str, str]) -> str:
    return headers["Authorization"].removeprefix("Bearer ")


def _limited(response: Response, window_s: int) -> None:
    assert response.status_code == 429, response.text
    retry_after = int(response.headers["Retry-After"])
    assert 1 <= retry_after <= window_s
    unit = "second" if retry_after == 1 else "seconds"  # gettext plural forms
    assert f"try again in {retry_after} {unit}" in response.text


def _audit(client: TestClient, admin: dict[str, str], action: str) -> list[dict[str, object]]:
    response = client.get(f"/audit?action={action}&limit=1000", headers=admin)
    assert response.status_code == 200, response.text
    events: list[dict[str, object]] = response.json()
    return events


def test_wrong_passwords_reach_429_and_the_right_one_is_refused_until_the_window_passes(
    app: FastAPI,
    attacker: TestClient,
    elsewhere: TestClient,
    editor: str,
    actors,  # type: ignore[no-untyped-def]
) -> None:
    settings: Settings = app.state.settings
    allowed = settings.sign_in_failures_per_account
    codes = [_password(attacker, editor, f"guess {n}").status_code for n in range(30)]
    assert codes == [401] * allowed + [429] * (30 - allowed)
    _limited(_password(attacker, editor, f"guess {30}"), settings.sign_in_account_window_s)
    right = _password(attacker, editor, PASSWORD)
    _limited(right, settings.sign_in_account_window_s)
    assert "Too many failed sign-ins" in right.text and "<form" in right.text  # the page
    # The account's limit holds from any address: the guesser may hold many.
    _limited(_password(elsewhere, editor, PASSWORD), settings.sign_in_account_window_s)

    failed = _audit(elsewhere, actors.admin, "sign_in_failed")
    assert len(failed) == allowed
    assert all(e["target"] == "password sign-in from 198.51.100.7 as 'editor-pw'" for e in failed)
    assert len(_audit(elsewhere, actors.admin, "sign_in_limited")) == 30 - allowed + 3


def test_wrong_sign_in_tokens_reach_429_for_that_address_only(
    app: FastAPI,
    attacker: TestClient,
    elsewhere: TestClient,
    actors,  # type: ignore[no-untyped-def]
) -> None:
    settings: Settings = app.state.settings
    allowed = settings.sign_in_failures_per_address
    codes = [_token(attacker, _wrong_token()).status_code for _ in range(30)]
    assert codes == [401] * allowed + [429] * (30 - allowed)
    right = _token(attacker, _secret(actors.editor))
    _limited(right, settings.sign_in_address_window_s)
    assert _token(elsewhere, _secret(actors.editor)).status_code == 303

    failed = _audit(elsewhere, actors.admin, "sign_in_failed")
    assert [e["target"] for e in failed] == ["token sign-in from 198.51.100.7"] * allowed
    assert all(e["detail"] == "token is unknown, revoked or expired" for e in failed)


def test_wrong_bearer_tokens_reach_429_for_that_address_only(
    app: FastAPI,
    attacker: TestClient,
    elsewhere: TestClient,
    actors,  # type: ignore[no-untyped-def]
) -> None:
    settings: Settings = app.state.settings
    allowed = settings.sign_in_failures_per_address
    wrong = {"Authorization": f"Bearer {_wrong_token()}"}
    codes = [attacker.get("/titles", headers=wrong).status_code for _ in range(30)]
    assert codes == [401] * allowed + [429] * (30 - allowed)
    limited = attacker.get("/titles", headers=actors.editor)  # the right token, too late
    _limited(limited, settings.sign_in_address_window_s)
    assert limited.json()["detail"].startswith("too many failed sign-in attempts")
    assert elsewhere.get("/titles", headers=actors.editor).status_code == 200

    failed = _audit(elsewhere, actors.admin, "sign_in_failed")
    assert [e["target"] for e in failed] == ["bearer token from 198.51.100.7"] * allowed


def test_only_failures_count(
    app: FastAPI,
    attacker: TestClient,
    actors,  # type: ignore[no-untyped-def]
) -> None:
    settings: Settings = app.state.settings
    for _ in range(settings.sign_in_failures_per_address + 5):
        assert attacker.get("/titles", headers=actors.editor).status_code == 200
        assert _token(attacker, _secret(actors.editor)).status_code == 303


@pytest.fixture
def short_window(database) -> FastAPI:  # type: ignore[no-untyped-def]
    settings = database.settings.model_copy(
        update={
            "sign_in_failures_per_account": 3,
            "sign_in_account_window_s": 3,
            "sign_in_address_window_s": 3,
        }
    )
    return create_app(settings, database.engine)


def test_after_the_window_the_right_password_works(short_window: FastAPI, editor: str) -> None:
    with _client(short_window, ATTACKER) as client:
        assert [_password(client, editor, "guess").status_code for _ in range(3)] == [401] * 3
        refused = _password(client, editor, PASSWORD)
        _limited(refused, 3)
        time.sleep(int(refused.headers["Retry-After"]) + 0.2)
        assert _password(client, editor, PASSWORD).status_code == 303


def test_an_ipv6_client_is_counted_by_its_slash_64(app: FastAPI) -> None:
    # One subscriber holds a whole /64: rotating the last bits must not reset the count.
    wrong = {"Authorization": f"Bearer {_wrong_token()}"}
    settings: Settings = app.state.settings
    codes = []
    for n in range(settings.sign_in_failures_per_address + 1):
        with _client(app, (f"2001:db8:1:2::{n + 1:x}", 40000)) as client:
            codes.append(client.get("/titles", headers=wrong).status_code)
    assert codes[-1] == 429 and codes[:-1] == [401] * settings.sign_in_failures_per_address


def test_api_processes_sharing_redis_share_the_counts(database) -> None:  # type: ignore[no-untyped-def]
    """Scale-out: two API processes (two apps here) count failures in the same Redis."""
    if not REDIS_URL:
        pytest.skip("Redis not configured (scripts/test.sh sets CATALOGUE_TEST_REDIS_URL)")
    settings = database.settings.model_copy(update={"rate_limit_storage_url": REDIS_URL})
    first, second = create_app(settings, database.engine), create_app(settings, database.engine)
    # A fresh /64 per run: the Redis keys of earlier runs must not count here.
    address = (f"2001:db8:{secrets.randbelow(0xFFFF):x}:{secrets.randbelow(0xFFFF):x}::1", 1)
    wrong = {"Authorization": f"Bearer {_wrong_token()}"}
    with _client(first, address) as one, _client(second, address) as other:
        codes = [
            (one if n % 2 else other).get("/titles", headers=wrong).status_code
            for n in range(settings.sign_in_failures_per_address + 1)
        ]
        assert codes == [401] * settings.sign_in_failures_per_address + [429]
        _limited(one.get("/titles", headers=wrong), settings.sign_in_address_window_s)
