"""Partners and venues: staff see all; a partner sees only itself and its venues (404 for others)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.conftest import Actors

VENUE = {
    "slug": "almaty-arman",
    "name": "Arman Cinema",
    "city": "Almaty",
    "country": "kz",
    "time_zone": "Asia/Almaty",
    "capacity": 320,
}


def test_partners_visible_to_staff_and_scoped_for_partners(
    client: TestClient, actors: Actors
) -> None:
    assert len(client.get("/partners", headers=actors.programmer).json()) == 2
    own = client.get("/partners", headers=actors.partner).json()
    assert [p["id"] for p in own] == [actors.partner_id]
    assert client.get(f"/partners/{actors.partner_id}", headers=actors.partner).status_code == 200
    assert client.get(f"/partners/{actors.partner_b_id}", headers=actors.partner).status_code == 404
    assert client.get("/partners/999", headers=actors.admin).status_code == 404


def test_admin_creates_partner(client: TestClient, actors: Actors) -> None:
    body = {
        "slug": "oti",
        "name": "OTI",
        "kind": "broadcasting_union",
        "countries": ["mx", "AR"],
        "languages": ["es-419"],
    }
    created = client.post("/partners", json=body, headers=actors.admin)
    assert created.status_code == 201 and created.json()["countries"] == ["MX", "AR"]
    assert client.post("/partners", json=body, headers=actors.admin).status_code == 409
    assert (
        client.post("/partners", json={**body, "slug": "x"}, headers=actors.programmer).status_code
        == 403
    )
    bad = client.post(
        "/partners", json={**body, "slug": "y", "countries": ["QQ"]}, headers=actors.admin
    )
    assert bad.status_code == 422 and "ISO 3166" in bad.text


def test_venues(client: TestClient, actors: Actors) -> None:
    created = client.post(
        "/venues", json={**VENUE, "partner_id": actors.partner_id}, headers=actors.programmer
    )
    assert created.status_code == 201, created.text
    venue = created.json()
    assert venue["country"] == "KZ"
    other = client.post(
        "/venues",
        json={
            **VENUE,
            "slug": "paris",
            "city": "Paris",
            "country": "FR",
            "time_zone": "Europe/Paris",
            "partner_id": actors.partner_b_id,
        },
        headers=actors.admin,
    ).json()
    assert [v["id"] for v in client.get("/venues", headers=actors.partner).json()] == [venue["id"]]
    assert [
        v["id"]
        for v in client.get("/venues", params={"country": "fr"}, headers=actors.editor).json()
    ] == [other["id"]]
    assert client.get(f"/venues/{venue['id']}", headers=actors.partner).status_code == 200
    assert client.get(f"/venues/{other['id']}", headers=actors.partner).status_code == 404
    assert client.get("/venues/999", headers=actors.admin).status_code == 404


def test_bad_venue_input(client: TestClient, actors: Actors) -> None:
    cases = [
        ({**VENUE, "partner_id": actors.partner_id, "time_zone": "Mars/Olympus"}, "IANA time zone"),
        ({**VENUE, "partner_id": 999}, "partner 999 does not exist"),
        ({**VENUE, "partner_id": actors.partner_id, "capacity": 0}, "capacity"),
    ]
    for body, message in cases:
        response = client.post("/venues", json=body, headers=actors.programmer)
        assert response.status_code == 422 and message in response.text, response.text
    assert (
        client.post(
            "/venues", json={**VENUE, "partner_id": actors.partner_id}, headers=actors.partner
        ).status_code
        == 403
    )
    assert (
        client.post(
            "/venues", json={**VENUE, "partner_id": actors.partner_id}, headers=actors.programmer
        ).status_code
        == 201
    )
    assert (
        client.post(
            "/venues", json={**VENUE, "partner_id": actors.partner_id}, headers=actors.programmer
        ).status_code
        == 409
    )
