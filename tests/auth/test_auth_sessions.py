"""Page sessions live on the server: a cookie opens nothing once its session row has ended, by
sign-out, by revoking the token it signed in with, by disabling its user or by an admin's "sign
out everywhere" (issue 13, item 2)."""

from __future__ import annotations

import base64
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from catalogue.auth import cookies
from catalogue.models import User, WebSession
from tests.conftest import Actors

SITE = "https://testserver"


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, base_url=SITE, raise_server_exceptions=False) as test_client:
        yield test_client


def _bearer(headers: dict[str, str]) -> str:
    return headers["Authorization"].removeprefix("Bearer ")


def _sign_in(client: TestClient, token: str) -> str:
    """Sign in through the page with an API token; the session cookie's value."""
    client.cookies.clear()
    response = client.post(
        "/web/sign-in", data={"token": token}, headers={"Origin": SITE}, follow_redirects=False
    )
    assert response.status_code == 303, response.text
    value = client.cookies.get(cookies.COOKIE_NAME)
    assert value
    return value


def _opens(client: TestClient, cookie: str) -> bool:
    """Whether this cookie value, replayed by itself, opens both `/me` and `/web/`."""
    client.cookies.clear()
    client.cookies.set(cookies.COOKIE_NAME, cookie)
    me = client.get("/me")
    page = client.get("/web/", follow_redirects=False)
    client.cookies.clear()
    assert (me.status_code == 200) == (page.status_code == 200), (me.text, page.status_code)
    if me.status_code != 200:
        assert me.status_code == 401
        assert page.status_code == 303 and page.headers["location"].startswith("/web/sign-in")
    return me.status_code == 200


def _csrf(client: TestClient) -> str:
    page = client.get("/web/")
    marker = '<meta name="csrf-token" content="'
    return page.text.split(marker, 1)[1].split('"', 1)[0]


def _user_id(session: Session, name: str) -> int:
    found = session.exec(select(User.id).where(User.username == name)).one()
    assert found is not None
    return found


def test_sign_out_ends_the_session_for_every_copy_of_the_cookie(
    client: TestClient, actors: Actors
) -> None:
    cookie = _sign_in(client, _bearer(actors.editor))
    assert _opens(client, cookie)
    client.cookies.set(cookies.COOKIE_NAME, cookie)
    done = client.post(
        "/web/sign-out",
        data={"csrf_token": _csrf(client)},
        headers={"Origin": SITE},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert not _opens(client, cookie)


def test_the_cookie_carries_only_a_random_session_id(
    client: TestClient, actors: Actors, session: Session
) -> None:
    first = _sign_in(client, _bearer(actors.editor))
    second = _sign_in(client, _bearer(actors.editor))
    assert first != second
    # 256 random bits and nothing else: no user id, no expiry, no password fingerprint.
    assert len(base64.urlsafe_b64decode(first + "=" * (-len(first) % 4))) == 32
    stored = session.exec(select(WebSession.secret_hash)).all()
    assert first not in stored and second not in stored  # only hashes are kept


def test_revoking_the_sign_in_token_ends_its_sessions_only(
    client: TestClient, actors: Actors
) -> None:
    spare = client.post("/me/tokens", json={"name": "laptop"}, headers=actors.editor).json()
    with_spare = _sign_in(client, spare["token"])
    with_main = _sign_in(client, _bearer(actors.editor))
    assert _opens(client, with_spare) and _opens(client, with_main)
    revoked = client.delete(f"/me/tokens/{spare['id']}", headers=actors.editor)
    assert revoked.status_code == 200
    assert not _opens(client, with_spare)
    assert _opens(client, with_main)  # signed in with another token


def test_an_admin_revoking_the_token_ends_the_session(client: TestClient, actors: Actors) -> None:
    tokens = client.get("/me/tokens", headers=actors.partner).json()
    cookie = _sign_in(client, _bearer(actors.partner))
    assert _opens(client, cookie)
    assert client.delete(f"/tokens/{tokens[0]['id']}", headers=actors.admin).status_code == 200
    assert not _opens(client, cookie)


def test_disabling_a_user_ends_its_sessions_for_good(
    client: TestClient, actors: Actors, session: Session
) -> None:
    editor = _user_id(session, "editor")
    cookie = _sign_in(client, _bearer(actors.editor))
    disabled = client.patch(f"/users/{editor}", json={"is_active": False}, headers=actors.admin)
    assert disabled.status_code == 200
    assert not _opens(client, cookie)
    # Enabling the user again does not bring the old session back: it was revoked, not hidden.
    client.patch(f"/users/{editor}", json={"is_active": True}, headers=actors.admin)
    assert not _opens(client, cookie)
    assert client.get("/me", headers=actors.editor).status_code == 200  # its token works again


def test_a_new_password_ends_password_sessions(
    client: TestClient, actors: Actors, session: Session
) -> None:
    editor = _user_id(session, "editor")
    password = "correct horse battery"
    client.patch(f"/users/{editor}", json={"password": password}, headers=actors.admin)
    client.cookies.clear()
    signed = client.post(
        "/web/sign-in",
        data={"username": "editor", "password": password},
        headers={"Origin": SITE},
        follow_redirects=False,
    )
    assert signed.status_code == 303
    cookie = client.cookies.get(cookies.COOKIE_NAME)
    assert cookie and _opens(client, cookie)
    client.patch(f"/users/{editor}", json={"password": password + "!"}, headers=actors.admin)
    assert not _opens(client, cookie)


def test_sign_out_everywhere_ends_that_users_sessions_and_no_one_elses(
    client: TestClient, actors: Actors, session: Session
) -> None:
    editor = _user_id(session, "editor")
    editor_cookies = [_sign_in(client, _bearer(actors.editor)) for _ in range(3)]
    other = _sign_in(client, _bearer(actors.programmer))
    answer = client.post(f"/users/{editor}/sign-out", headers=actors.admin)
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"user_id": editor, "sessions_ended": 3}
    assert not any(_opens(client, cookie) for cookie in editor_cookies)
    assert _opens(client, other)
    assert client.get("/me", headers=actors.editor).status_code == 200  # tokens untouched
    listed = client.get(f"/users/{editor}/sessions", headers=actors.admin).json()
    assert len(listed) == 3 and all(row["revoked_at"] for row in listed)
    assert listed[0]["client_address"] and listed[0]["api_token_id"]


def test_sign_out_everywhere_is_for_admins_and_known_users(
    client: TestClient, actors: Actors, session: Session
) -> None:
    editor = _user_id(session, "editor")
    assert client.post(f"/users/{editor}/sign-out", headers=actors.editor).status_code == 403
    assert client.get(f"/users/{editor}/sessions", headers=actors.programmer).status_code == 403
    missing = client.post("/users/999/sign-out", headers=actors.admin)
    assert missing.status_code == 404 and "user 999" in missing.json()["detail"]
    operation = client.get("/openapi.json").json()["paths"]["/users/{user_id}/sign-out"]["post"]
    assert operation["summary"] == "Sign a user out everywhere"


def test_an_expired_session_is_refused(
    client: TestClient, actors: Actors, session: Session
) -> None:
    from datetime import timedelta

    from catalogue.models.types import utcnow

    cookie = _sign_in(client, _bearer(actors.editor))
    row = session.exec(select(WebSession)).one()
    row.expires_at = utcnow() - timedelta(seconds=1)
    session.add(row)
    session.commit()
    assert not _opens(client, cookie)


def test_suspending_a_partner_refuses_its_users_everywhere(
    client: TestClient, actors: Actors
) -> None:
    cookie = _sign_in(client, _bearer(actors.partner))
    assert client.patch(
        f"/partners/{actors.partner_id}", json={"status": "suspended"}, headers=actors.partner
    ).status_code == 403  # fmt: skip
    bad = client.patch(
        f"/partners/{actors.partner_id}", json={"status": "paused"}, headers=actors.admin
    )
    assert bad.status_code == 422 and "suspended" in bad.text
    done = client.patch(
        f"/partners/{actors.partner_id}", json={"status": "suspended"}, headers=actors.admin
    )
    assert done.status_code == 200 and done.json()["status"] == "suspended"
    assert not _opens(client, cookie)
    assert client.get("/me", headers=actors.partner).status_code == 401
    assert client.get("/me", headers=actors.partner_b).status_code == 200  # another partner
    client.patch(f"/partners/{actors.partner_id}", json={"status": "active"}, headers=actors.admin)
    assert client.get("/me", headers=actors.partner).status_code == 200
    assert not _opens(client, cookie)  # its page sessions ended for good


def test_an_ended_session_on_a_write_answers_401_not_a_csrf_error(
    client: TestClient, actors: Actors
) -> None:
    cookie = _sign_in(client, _bearer(actors.editor))
    client.cookies.set(cookies.COOKIE_NAME, cookie)
    client.post("/web/sign-out", data={"csrf_token": _csrf(client)}, headers={"Origin": SITE})
    client.cookies.set(cookies.COOKIE_NAME, cookie)
    body = {"kind": "drama", "original_title": "x", "original_language": "kk"}
    refused = client.post("/titles", json=body, headers={"Origin": SITE})
    assert refused.status_code == 401
