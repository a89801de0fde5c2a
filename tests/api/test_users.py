"""Users and tokens: hashed, shown once, revocable; admins manage users."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from catalogue.models import ApiToken
from tests.conftest import Actors


def test_me(client: TestClient, actors: Actors) -> None:
    me = client.get("/me", headers=actors.partner).json()
    assert me["role"] == "partner" and me["partner_id"] == actors.partner_id


def test_token_is_shown_once_stored_hashed_and_revocable(
    client: TestClient, actors: Actors, session: Session
) -> None:
    issued = client.post("/me/tokens", json={"name": "laptop"}, headers=actors.editor)
    assert issued.status_code == 201
    secret = issued.json()["token"]
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get("/me", headers=headers).json()["username"] == "editor"
    stored = session.exec(select(ApiToken).where(ApiToken.id == issued.json()["id"])).one()
    assert secret not in stored.token_hash and stored.prefix == secret[:10]
    listed = client.get("/me/tokens", headers=headers).json()
    assert all("token" not in t for t in listed) and len(listed) == 2
    revoked = client.delete(f"/me/tokens/{issued.json()['id']}", headers=actors.editor)
    assert revoked.status_code == 200 and revoked.json()["revoked_at"]
    assert client.get("/me", headers=headers).status_code == 401


def test_cannot_revoke_someone_elses_token(client: TestClient, actors: Actors) -> None:
    issued = client.post("/me/tokens", json={"name": "x"}, headers=actors.partner).json()
    assert client.delete(f"/me/tokens/{issued['id']}", headers=actors.partner_b).status_code == 404
    assert client.delete("/me/tokens/9999", headers=actors.partner).status_code == 404


def test_admin_manages_users_and_their_tokens(client: TestClient, actors: Actors) -> None:
    created = client.post(
        "/users",
        json={"username": "ed2", "role": "editor", "full_name": "Ed Two"},
        headers=actors.admin,
    )
    assert created.status_code == 201, created.text
    user_id = created.json()["id"]
    assert "ed2" in [u["username"] for u in client.get("/users", headers=actors.admin).json()]
    assert client.get(f"/users/{user_id}", headers=actors.admin).json()["full_name"] == "Ed Two"
    token = client.post(
        f"/users/{user_id}/tokens",
        json={"name": "first", "expires_in_days": 7},
        headers=actors.admin,
    )
    assert token.status_code == 201 and token.json()["expires_at"]
    headers = {"Authorization": f"Bearer {token.json()['token']}"}
    assert client.get("/me", headers=headers).status_code == 200
    assert len(client.get(f"/users/{user_id}/tokens", headers=actors.admin).json()) == 1
    disabled = client.patch(f"/users/{user_id}", json={"is_active": False}, headers=actors.admin)
    assert disabled.status_code == 200 and disabled.json()["is_active"] is False
    assert client.get("/me", headers=headers).status_code == 401
    assert client.delete(f"/tokens/{token.json()['id']}", headers=actors.admin).json()["revoked_at"]


def test_user_routes_are_admin_only(client: TestClient, actors: Actors) -> None:
    for headers in (actors.editor, actors.programmer, actors.partner):
        assert client.get("/users", headers=headers).status_code == 403
        assert (
            client.post(
                "/users", json={"username": "x", "role": "admin"}, headers=headers
            ).status_code
            == 403
        )
        assert client.get("/users/1", headers=headers).status_code == 403
        assert client.patch("/users/1", json={}, headers=headers).status_code == 403
        assert client.get("/users/1/tokens", headers=headers).status_code == 403
        assert (
            client.post("/users/1/tokens", json={"name": "x"}, headers=headers).status_code == 403
        )
        assert client.delete("/tokens/1", headers=headers).status_code == 403


def test_user_not_found(client: TestClient, actors: Actors) -> None:
    for method, path, body in [
        ("GET", "/users/999", None),
        ("PATCH", "/users/999", {}),
        ("GET", "/users/999/tokens", None),
        ("POST", "/users/999/tokens", {"name": "x"}),
        ("DELETE", "/tokens/999", None),
    ]:
        assert client.request(method, path, json=body, headers=actors.admin).status_code == 404, (
            path
        )


def test_bad_user_input(client: TestClient, actors: Actors) -> None:
    cases = [
        ({"username": "p", "role": "partner"}, "username"),  # too short
        ({"username": "p1", "role": "partner"}, "partner_id is required"),
        ({"username": "e1", "role": "editor", "partner_id": actors.partner_id}, "only for it"),
        ({"username": "p2", "role": "partner", "partner_id": 999}, "partner 999 does not exist"),
        ({"username": "s1", "role": "superuser"}, "role"),
        ({"username": "w1", "role": "editor", "password": "short"}, "password"),
    ]
    for body, message in cases:
        response = client.post("/users", json=body, headers=actors.admin)
        assert response.status_code == 422 and message in response.text, (body, response.text)
    duplicate = client.post(
        "/users", json={"username": "editor", "role": "editor"}, headers=actors.admin
    )
    assert duplicate.status_code == 409
    assert (
        client.post(
            "/me/tokens", json={"name": "x", "expires_in_days": 0}, headers=actors.editor
        ).status_code
        == 422
    )
