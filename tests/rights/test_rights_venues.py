"""Venues carry their screening equipment and calendar; partners their contacts."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.conftest import Actors


def test_venue_equipment_and_calendar_round_trip(client: TestClient, actors: Actors) -> None:
    body = {
        "slug": "almaty-arman", "partner_id": actors.partner_id, "name": "Arman", "city": "Almaty", "country": "KZ",
        "time_zone": "Asia/Almaty", "capacity": 320, "equipment": ["mp4", "burned_in"], "open_weekdays": [3, 4, 5, 6],
        "blackout_dates": ["2026-03-21", "2026-03-22"], "languages": ["kk", "ru"], "tier": 2,
    }  # fmt: skip
    created = client.post("/venues", json=body, headers=actors.programmer)
    assert created.status_code == 201, created.text
    venue = client.get(f"/venues/{created.json()['id']}", headers=actors.partner).json()
    assert {k: venue[k] for k in ("equipment", "open_weekdays", "blackout_dates", "languages", "tier")} == {
        "equipment": ["mp4", "burned_in"], "open_weekdays": [3, 4, 5, 6],
        "blackout_dates": ["2026-03-21", "2026-03-22"], "languages": ["kk", "ru"], "tier": 2,
    }  # fmt: skip
    defaults = {
        k: v
        for k, v in body.items()
        if k not in {"equipment", "open_weekdays", "blackout_dates", "languages", "tier"}
    }
    fresh = client.post(
        "/venues", json={**defaults, "slug": "defaults"}, headers=actors.programmer
    ).json()
    assert (fresh["equipment"], fresh["open_weekdays"], fresh["tier"]) == (
        ["hls", "mp4"],
        [0, 1, 2, 3, 4, 5, 6],
        1,
    )


def test_bad_venue_calendars_are_refused(client: TestClient, actors: Actors) -> None:
    base = {
        "slug": "v",
        "partner_id": actors.partner_id,
        "name": "V",
        "city": "Almaty",
        "country": "KZ",
        "time_zone": "Asia/Almaty",
    }
    for change, text in [
        ({"equipment": ["vhs"]}, "burned_in"),
        ({"open_weekdays": [7]}, "less than or equal to 6"),
        ({"open_weekdays": [1, 1]}, "listed twice"),
        ({"blackout_dates": ["2026-02-30"]}, "blackout_dates"),
        ({"languages": ["klingon!"]}, "BCP 47"),
        ({"tier": 0}, "tier"),
    ]:
        response = client.post("/venues", json={**base, **change}, headers=actors.programmer)
        assert response.status_code == 422 and text in response.text, (change, response.text)


def test_partner_contacts(client: TestClient, actors: Actors) -> None:
    body = {
        "slug": "kyrgyz-tv", "name": "Kyrgyz TV", "kind": "broadcaster", "countries": ["KG"],
        "contacts": [{"name": "Aida K.", "email": "aida@ktv.example", "role": "acquisitions"}],
    }  # fmt: skip
    created = client.post("/partners", json=body, headers=actors.admin)
    assert created.status_code == 201, created.text
    assert created.json()["contacts"] == body["contacts"]
    bad = client.post(
        "/partners",
        json={**body, "slug": "x", "contacts": [{"name": "A", "email": "nope"}]},
        headers=actors.admin,
    )
    assert bad.status_code == 422 and "email" in bad.text
