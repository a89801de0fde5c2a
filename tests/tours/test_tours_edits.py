"""Edits under the rules, replanning that keeps pins, publishing to the venue's partner only."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from _tours_fixtures import PlanFn, Tour, assert_valid
from fastapi.testclient import TestClient
from sqlmodel import Session

from catalogue.settings import Settings
from catalogue.worker import run_until_idle
from tests.conftest import Actors, Database


def _at(result: dict[str, Any], venue_id: int) -> dict[str, Any]:
    return next(s for s in result["screenings"] if s["venue_id"] == venue_id)


def _next_monday(day: str) -> date:
    d = date.fromisoformat(day) + timedelta(days=1)
    while d.weekday() != 0 or d.month != 3:
        d += timedelta(days=1) if d.month == 3 else -timedelta(days=14)
    return d


def test_edit_that_breaks_a_rule_is_refused_unless_forced(
    plan: PlanFn, tour: Tour, client: TestClient, actors: Actors, session: Session
) -> None:
    result = plan()
    screening = _at(result, tour.almaty)
    monday = _next_monday("2025-03-01")
    body = {"action": "move", "screening_id": screening["id"], "day": monday.isoformat()}
    refused = client.post(f"/plans/{result['id']}/edits", json=body, headers=actors.programmer)
    assert refused.status_code == 422
    assert "calendar" in refused.json()["detail"] and "Monday" in refused.json()["detail"]
    unchanged = client.get(f"/plans/{result['id']}", headers=actors.programmer).json()
    assert _at(unchanged, tour.almaty)["day"] == screening["day"]

    forced = client.post(
        f"/plans/{result['id']}/edits", json={**body, "force": True}, headers=actors.programmer
    )
    assert forced.status_code == 200, forced.text
    moved = next(s for s in forced.json()["plan"]["screenings"] if s["id"] == screening["id"])
    assert moved["day"] == monday.isoformat() and moved["forced"]
    assert any(v["rule"] == "calendar" for v in moved["violations"])


def test_valid_edits_add_cancel_and_pin(
    plan: PlanFn, tour: Tour, client: TestClient, actors: Actors, session: Session
) -> None:
    result = plan()
    url = f"/plans/{result['id']}/edits"
    first = _at(result, tour.almaty)
    cancelled = client.post(
        url, json={"action": "cancel", "screening_id": first["id"]}, headers=actors.programmer
    )
    assert cancelled.status_code == 200, cancelled.text
    states = {s["id"]: s["state"] for s in cancelled.json()["plan"]["screenings"]}
    assert states[first["id"]] == "cancelled"
    # the same title back at the same venue on another open, free day
    taken = {(s["venue_id"], s["day"]) for s in result["screenings"]}
    free = next(
        d for d in (date(2025, 3, 1) + timedelta(days=n) for n in range(31))
        if d.weekday() != 0 and (tour.almaty, d.isoformat()) not in taken
    )  # fmt: skip
    added = client.post(
        url,
        json={"action": "add", "title_id": first["title_id"], "venue_id": tour.almaty,
              "day": free.isoformat(), "language": first["language"]},
        headers=actors.programmer,
    )  # fmt: skip
    assert added.status_code == 200, added.text
    assert added.json()["violations"] == []
    assert any(
        (s["title_id"], s["venue_id"], s["day"], s["state"])
        == (first["title_id"], tour.almaty, free.isoformat(), "planned")
        for s in added.json()["plan"]["screenings"]
    )
    wrong_language = client.post(
        url,
        json={"action": "add", "title_id": tour.leopard, "venue_id": tour.madrid,
              "day": "2025-03-20", "language": "es"},
        headers=actors.programmer,
    )  # fmt: skip
    assert wrong_language.status_code == 422
    assert "no subtitles in es" in wrong_language.json()["detail"]
    assert_valid(session, result["id"])


def test_pinned_screenings_survive_replanning(
    plan: PlanFn, tour: Tour, client: TestClient, actors: Actors, session: Session,
    database: Database, settings: Settings,
) -> None:  # fmt: skip
    result = plan()
    url = f"/plans/{result['id']}"
    target = _at(
        result,
        tour.paris
        if any(s["venue_id"] == tour.paris for s in result["screenings"])
        else tour.almaty,
    )
    # move it to another valid day, then pin it there: the solver would not choose it itself
    days = [date(2025, 3, 1) + timedelta(days=n) for n in range(31)]
    taken = {(s["venue_id"], s["day"]) for s in result["screenings"]}
    for d in reversed(days):
        if (target["venue_id"], d.isoformat()) in taken:
            continue
        moved = client.post(f"{url}/edits", json={"action": "move", "screening_id": target["id"],
                            "day": d.isoformat()}, headers=actors.programmer)  # fmt: skip
        if moved.status_code == 200:
            break
    assert moved.status_code == 200, moved.text
    pinned = client.post(
        f"{url}/edits",
        json={"action": "pin", "screening_id": target["id"]},
        headers=actors.programmer,
    )
    assert pinned.status_code == 200, pinned.text
    kept = next(s for s in pinned.json()["plan"]["screenings"] if s["id"] == target["id"])
    assert kept["pinned"]

    accepted = client.post(f"{url}/replan", headers=actors.programmer)
    assert accepted.status_code == 202, accepted.text
    assert [s for _, s in run_until_idle(database.engine, settings, kinds=("plan_tour",))] == [
        "succeeded"
    ]
    after = client.get(url, headers=actors.programmer).json()
    assert after["version"] == 2
    same = [s for s in after["screenings"] if (s["title_id"], s["venue_id"], s["day"]) ==
            (kept["title_id"], kept["venue_id"], kept["day"])]  # fmt: skip
    assert same and same[0]["pinned"] and same[0]["state"] == "planned"
    assert_valid(session, result["id"])


def test_publish_shows_screenings_to_the_venue_partner_only(
    plan: PlanFn, tour: Tour, client: TestClient, actors: Actors
) -> None:
    result = plan()
    assert client.get("/partner/screenings", headers=actors.partner).json() == []
    published = client.post(
        f"/plans/{result['id']}/status", json={"state": "published"}, headers=actors.programmer
    )
    assert published.status_code == 200, published.text
    assert published.json()["state"] == "published"
    mine = client.get("/partner/screenings", headers=actors.partner).json()
    kz = [s for s in result["screenings"] if s["venue_id"] in (tour.almaty, tour.astana)]
    assert kz and sorted(s["id"] for s in mine) == sorted(s["id"] for s in kz)
    assert all(s["state"] == "published" for s in mine)
    theirs = client.get("/partner/screenings", headers=actors.partner_b).json()
    assert not {s["id"] for s in theirs} & {s["id"] for s in kz}
    again = client.post(
        f"/plans/{result['id']}/status", json={"state": "published"}, headers=actors.programmer
    )
    assert again.status_code == 409
    archived = client.post(
        f"/plans/{result['id']}/status", json={"state": "archived"}, headers=actors.programmer
    )
    assert archived.status_code == 200
    assert client.get("/partner/screenings", headers=actors.partner).json() == []
