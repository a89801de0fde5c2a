"""Session cookies and CSRF for the pages and for the API called from them; page guards."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from catalogue.auth import cookies
from catalogue.web.pages import PageGuard, PageRoute
from catalogue.web.routes.auth import PUBLIC

SITE = "https://testserver"


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    """Over HTTPS, as outside this machine: the session cookie is Secure."""
    with TestClient(app, base_url=SITE, raise_server_exceptions=False) as test_client:
        yield test_client


def _sign_in(client: TestClient, headers: dict[str, str]) -> str:
    token = headers["Authorization"].removeprefix("Bearer ")
    response = client.post(
        "/web/sign-in",
        data={"token": token, "next": "/web/jobs"},
        headers={"Origin": SITE},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/web/jobs"
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert "Secure" in cookie  # (plain HTTP is allowed on localhost only: browser tests)
    page = client.get("/web/jobs")
    assert page.status_code == 200
    found = re.search(r'<meta name="csrf-token" content="([^"]+)"', page.text)
    assert found is not None and found.group(1)
    return found.group(1)


def test_web_pages_send_visitors_to_sign_in(client: TestClient) -> None:
    response = client.get("/web/jobs?status=failed", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/web/sign-in?next=/web/jobs%3Fstatus%3Dfailed"


def _page_routes(app: FastAPI) -> list[Any]:
    """Page routes with their dependencies, whether FastAPI keeps included routers flat (older
    versions) or resolves them lazily (`effective_route_contexts`, 0.16x)."""
    found = []
    for route in app.routes:
        contexts = getattr(route, "effective_route_contexts", None)
        for context in contexts() if contexts else [route]:
            if isinstance(getattr(context, "original_route", context), PageRoute):
                found.append(context)
    return found


def test_web_every_page_declares_who_may_see_it(app: FastAPI) -> None:
    def guarded(route: Any) -> bool:
        return any(isinstance(d.call, PageGuard) for d in route.dependant.dependencies)

    pages = _page_routes(app)
    assert len(pages) >= 10
    assert all(not page.include_in_schema for page in pages)  # pages are not the API
    unguarded = [r.path for r in pages if r.path not in PUBLIC and not guarded(r)]
    assert unguarded == []


def test_web_cookie_calls_the_api_and_unsafe_calls_need_the_csrf_token(client, actors) -> None:  # type: ignore[no-untyped-def]
    csrf = _sign_in(client, actors.editor)
    assert client.get("/titles").status_code == 200  # same-origin read with the cookie
    body = {"kind": "drama", "original_title": "Степной ветер", "original_language": "kk"}
    refused = client.post("/titles", json=body, headers={"Origin": SITE})
    assert refused.status_code == 403 and "CSRF" in refused.json()["detail"]
    cross_site = client.post(
        "/titles", json=body, headers={"Origin": "https://evil.example", "X-CSRF-Token": csrf}
    )
    assert cross_site.status_code == 403 and "cross-site" in cross_site.json()["detail"]
    created = client.post("/titles", json=body, headers={"Origin": SITE, "X-CSRF-Token": csrf})
    assert created.status_code == 201, created.text


def test_web_sign_out_needs_the_token_and_ends_the_session(client, actors) -> None:  # type: ignore[no-untyped-def]
    csrf = _sign_in(client, actors.programmer)
    forged = client.post("/web/sign-out", data={}, headers={"Origin": SITE})
    assert forged.status_code == 403
    done = client.post(
        "/web/sign-out", data={"csrf_token": csrf}, headers={"Origin": SITE}, follow_redirects=False
    )
    assert done.status_code == 303
    assert client.get("/web/", follow_redirects=False).status_code == 303


@pytest.mark.parametrize(
    "value",
    ["", "garbage", "eyJ1IjoxfQ.AAAA", "eyJ1IjoxLCJuIjoieCIsImUiOjk5OTk5OTk5OTksInAiOiIifQ.c2ln"],
)
def test_web_forged_or_broken_cookies_are_ignored(client, actors, value: str) -> None:  # type: ignore[no-untyped-def]
    client.cookies.set(cookies.COOKIE_NAME, value)
    assert client.get("/web/", follow_redirects=False).status_code == 303
    assert client.get("/titles").status_code == 401


def test_web_sign_in_refuses_other_sites_bad_tokens_and_open_redirects(client, actors) -> None:  # type: ignore[no-untyped-def]
    token = actors.admin["Authorization"].removeprefix("Bearer ")
    cross = client.post(
        "/web/sign-in", data={"token": token}, headers={"Origin": "https://evil.example"}
    )
    assert cross.status_code == 403
    wrong = client.post("/web/sign-in", data={"token": "cat_nope"}, headers={"Origin": SITE})
    assert wrong.status_code == 401 and "unknown, revoked or expired" in wrong.text
    empty = client.post("/web/sign-in", data={}, headers={"Origin": SITE})
    assert empty.status_code == 422
    away = client.post(
        "/web/sign-in",
        data={"token": token, "next": "//evil.example/x"},
        headers={"Origin": SITE},
        follow_redirects=False,
    )
    assert away.headers["location"] == "/web/"


def test_web_password_sign_in_and_a_password_change_ends_sessions(client, actors) -> None:  # type: ignore[no-untyped-def]
    password = "correct horse battery"
    users = client.get("/users", headers=actors.admin).json()
    editor = next(
        u
        for u in (users["items"] if isinstance(users, dict) else users)
        if u["username"] == "editor"
    )
    changed = client.patch(
        f"/users/{editor['id']}", json={"password": password}, headers=actors.admin
    )
    assert changed.status_code == 200, changed.text
    bad = client.post(
        "/web/sign-in",
        data={"username": "editor", "password": "wrong one!!!!"},
        headers={"Origin": SITE},
    )
    assert bad.status_code == 401
    good = client.post(
        "/web/sign-in",
        data={"username": "editor", "password": password},
        headers={"Origin": SITE},
        follow_redirects=False,
    )
    assert good.status_code == 303
    assert client.get("/web/", follow_redirects=False).status_code == 200
    client.patch(f"/users/{editor['id']}", json={"password": password + "!"}, headers=actors.admin)
    assert client.get("/web/", follow_redirects=False).status_code == 303


def test_web_partner_gets_404_for_staff_pages_and_hidden_titles(client, actors) -> None:  # type: ignore[no-untyped-def]
    draft = client.post(
        "/titles",
        json={"kind": "drama", "original_title": "Черновик", "original_language": "ru"},
        headers=actors.editor,
    ).json()["id"]
    _sign_in_partner = client.post(
        "/web/sign-in",
        data={"token": actors.partner["Authorization"].removeprefix("Bearer ")},
        headers={"Origin": SITE},
    )
    assert _sign_in_partner.status_code == 200  # landed on the catalogue
    for path in (
        "/web/jobs",
        f"/web/titles/{draft}",
        f"/web/titles/{draft}/upload",
        "/web/media/1/poster.jpg",
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "<h1>Not found</h1>" in response.text
