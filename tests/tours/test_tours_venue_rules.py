"""Rules a programmer sees and sets: a venue's own kind decides the rights it needs; its seats
weigh in the plan (audience reached)."""

from __future__ import annotations

from _tours_fixtures import PlanFn, Tour
from fastapi.testclient import TestClient

from tests.conftest import Actors


def _union_venue(
    client: TestClient, actors: Actors, partner_id: int, slug: str, **kw: object
) -> int:
    body = {"slug": slug, "partner_id": partner_id, "name": slug.title(), "city": "Almaty",
            "country": "KZ", "time_zone": "Asia/Almaty", **kw}  # fmt: skip
    created = client.post("/venues", json=body, headers=actors.programmer)
    assert created.status_code == 201, created.text
    venue_id: int = created.json()["id"]
    return venue_id


def test_a_cinema_of_a_broadcasting_union_needs_screening_rights_not_tv(
    plan: PlanFn, tour: Tour, client: TestClient, actors: Actors
) -> None:
    union = client.post(
        "/partners",
        json={"slug": "asia-union", "name": "Asia Broadcasting Union", "kind": "broadcasting_union",
              "countries": ["KZ"]},
        headers=actors.admin,
    )  # fmt: skip
    assert union.status_code == 201, union.text
    studio = _union_venue(client, actors, union.json()["id"], "union-studio")
    cinema = _union_venue(client, actors, union.json()["id"], "union-cinema", kind="cinema")
    assert client.get(f"/venues/{cinema}", headers=actors.programmer).json()["kind"] == "cinema"

    result = plan(region=["KZ"], venue_ids=[studio, cinema], titles={"title_ids": [tour.harbour]})
    assert {s["venue_id"] for s in result["screenings"]} == {cinema}


def test_larger_venues_are_preferred_when_only_one_can_screen(
    plan: PlanFn, tour: Tour, client: TestClient, actors: Actors
) -> None:
    small = _union_venue(client, actors, actors.partner_id, "small-hall", capacity=80)
    large = _union_venue(client, actors, actors.partner_id, "large-hall", capacity=1800)
    result = plan(
        region=["KZ"],
        venue_ids=[small, large],
        titles={"title_ids": [tour.harbour]},
        rules={"once_per_city": True},
    )
    assert [s["venue_id"] for s in result["screenings"]] == [large]
