"""Passwords are stored as Argon2id with their parameters in the hash; old scrypt hashes verify
once and are rehashed at that sign-in; an unknown user name costs the same hash check as a real
one, so the answer's timing does not tell which names exist."""

from __future__ import annotations

import hashlib
import os
import statistics
import time
from collections.abc import Callable, Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from catalogue.accounts import service as accounts
from catalogue.app import create_app
from catalogue.auth import hashing
from catalogue.models import Role, User
from catalogue.models.accounts import UserCreate

SITE = "https://testserver"
PASSWORD = "correct horse battery"


@pytest.fixture
def app(database) -> FastAPI:  # type: ignore[no-untyped-def]
    # Limits out of the way: these tests sign in wrongly many times on purpose.
    settings = database.settings.model_copy(
        update={"sign_in_failures_per_address": 10_000, "sign_in_failures_per_account": 10_000}
    )
    return create_app(settings, database.engine)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, base_url=SITE, raise_server_exceptions=False) as test_client:
        yield test_client


def _user(session: Session, name: str, password: str | None = PASSWORD) -> User:
    return accounts.create_user(
        session, UserCreate(username=name, role=Role.editor, password=password)
    )


def _sign_in(client: TestClient, username: str, password: str) -> int:
    response = client.post(
        "/web/sign-in",
        data={"username": username, "password": password},
        headers={"Origin": SITE},
        follow_redirects=False,
    )
    return response.status_code


def _stored_hash(session: Session, name: str) -> str | None:
    session.expire_all()
    return session.exec(select(User).where(User.username == name)).one().password_hash


def _legacy_scrypt(password: str) -> str:
    """A hash as the service wrote them before Argon2id (parameters not in the string)."""
    salt = os.urandom(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=2**14, r=8, p=1, dklen=32)
    return f"scrypt${salt.hex()}${digest.hex()}"


def test_new_passwords_are_argon2id_with_their_parameters_in_the_hash(
    client: TestClient,
    session: Session,
    actors,  # type: ignore[no-untyped-def]
) -> None:
    created = client.post(
        "/users",
        json={"username": "ainur", "role": "editor", "password": PASSWORD},
        headers=actors.admin,
    )
    assert created.status_code == 201, created.text
    stored = _stored_hash(session, "ainur")
    assert stored is not None and stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert hashing.hash_password(PASSWORD) != hashing.hash_password(PASSWORD)  # salted
    assert _sign_in(client, "ainur", PASSWORD) == 303


def test_an_old_scrypt_hash_verifies_once_and_is_rehashed_to_argon2id(
    client: TestClient, session: Session
) -> None:
    user = _user(session, "bolat")
    user.password_hash = old = _legacy_scrypt(PASSWORD)
    session.add(user)
    session.commit()

    assert _sign_in(client, "bolat", "not the password") == 401
    assert _stored_hash(session, "bolat") == old  # a wrong password changes nothing

    assert _sign_in(client, "bolat", PASSWORD) == 303
    rehashed = _stored_hash(session, "bolat")
    assert rehashed is not None and rehashed.startswith("$argon2id$")
    assert _sign_in(client, "bolat", PASSWORD) == 303  # and the new hash verifies
    assert _sign_in(client, "bolat", "not the password") == 401


@pytest.fixture
def verifications(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every Argon2id verification the service runs, by the hash it was checked against."""
    seen: list[str] = []
    real: Callable[[str | bytes, str | bytes], bool] = hashing._ARGON2.verify

    def counting(password: str | bytes, hash: str | bytes) -> bool:
        seen.append(str(hash))
        return real(password, hash)

    monkeypatch.setattr(hashing._ARGON2, "verify", counting)
    return seen


def test_every_failed_sign_in_costs_exactly_one_hash_check(
    client: TestClient, session: Session, verifications: list[str]
) -> None:
    _user(session, "real")
    _user(session, "no-password", password=None)
    disabled = _user(session, "disabled")
    disabled.is_active = False
    session.add(disabled)
    session.commit()
    for name in ["nobody-by-this-name", "real", "no-password", "disabled"]:
        verifications.clear()
        assert _sign_in(client, name, "a wrong password") == 401
        assert len(verifications) == 1, name


def _median_seconds(client: TestClient, username: str, attempts: int = 15) -> float:
    timings = []
    for _ in range(attempts):
        started = time.perf_counter()
        assert _sign_in(client, username, "a wrong password") == 401
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def test_an_unknown_user_name_answers_as_slowly_as_a_real_one(
    client: TestClient, session: Session
) -> None:
    _user(session, "real")
    _sign_in(client, "warm-up", "x")  # the dummy hash is made on first use
    known = _median_seconds(client, "real")
    unknown = _median_seconds(client, "nobody-by-this-name")
    # Before: about 6 ms against 66 ms (a ratio near 0.1). Loose bounds: the machine is shared.
    assert 0.5 < unknown / known < 2, (unknown, known)
