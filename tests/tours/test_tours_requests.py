"""Copies and must-screen requests: given with a plan or set later, checked against the plan,
and honoured by the planner."""

from __future__ import annotations

from datetime import date

from _tours_fixtures import PlanFn, Tour, assert_valid
from fastapi.testclient import TestClient
from sqlmodel import Session

from catalogue.settings import Settings
from catalogue.tours.planning import JOB_MESSAGES
from catalogue.worker import run_until_idle
from tests.conftest import Actors, Database


def test_a_plan_keeps_copies_and_meets_must_screen_requests(
    plan: PlanFn, tour: Tour, client: TestClient, actors: Actors, session: Session
) -> None:
    request = {"title_id": tour.leopard, "country": "KZ", "earliest": "2025-03-24",
               "latest": "2025-03-28"}  # fmt: skip
    result = plan(copies=[{"title_id": tour.harbour, "count": 1}], must_screen=[request])
    assert result["copies"] == [{"title_id": tour.harbour, "count": 1}]
    assert [{k: r[k] for k in request} for r in result["must_screen"]] == [request]
    harbour = sorted(
        (s for s in result["screenings"] if s["title_id"] == tour.harbour),
        key=lambda s: s["day"],
    )
    assert len(harbour) >= 2 and {s["copy_number"] for s in harbour} == {0}
    kz = {tour.almaty, tour.astana}
    assert any(
        s["title_id"] == tour.leopard
        and s["venue_id"] in kz
        and date(2025, 3, 24) <= date.fromisoformat(s["day"]) <= date(2025, 3, 28)
        for s in result["screenings"]
    )
    assert_valid(session, result["id"])
    job = client.get(f"/jobs/{result['job_id']}", headers=actors.programmer).json()
    assert job["message"] in JOB_MESSAGES and job["message"].startswith("Done: ")


def test_copies_and_requests_set_later_apply_on_the_next_plan(
    plan: PlanFn, tour: Tour, client: TestClient, actors: Actors, session: Session,
    database: Database, settings: Settings,
) -> None:  # fmt: skip
    result = plan()
    url = f"/plans/{result['id']}"
    wrong = [
        ("copies", [{"title_id": tour.untranscoded + 100, "count": 1}], "not among this plan"),
        ("copies", [{"title_id": tour.harbour, "count": 0}], "greater than or equal to 1"),
        ("must-screen", [{"title_id": tour.leopard, "country": "US"}], "US is not in"),
        ("must-screen", [{"title_id": tour.leopard, "earliest": "2026-01-01"}], "outside"),
        ("must-screen", [{"title_id": tour.leopard, "venue_id": tour.madrid, "country": "KZ"}],
         "is in ES, not KZ"),
    ]  # fmt: skip
    for path, body, message in wrong:
        refused = client.put(f"{url}/{path}", json=body, headers=actors.programmer)
        assert refused.status_code == 422, refused.text
        assert message in refused.text
    assert client.get(url, headers=actors.programmer).json()["copies"] == []

    copies = client.put(
        f"{url}/copies", json=[{"title_id": tour.harbour, "count": 1}], headers=actors.programmer
    )
    assert copies.status_code == 200, copies.text
    # Astana can; Paris cannot (the title has no French): named among the left-out reasons.
    must = [{"title_id": tour.harbour, "venue_id": tour.astana},
            {"title_id": tour.harbour, "venue_id": tour.paris}]  # fmt: skip
    assert client.put(f"{url}/must-screen", json=must, headers=actors.programmer).status_code == 200
    assert client.post(f"{url}/replan", headers=actors.programmer).status_code == 202
    ran = run_until_idle(database.engine, settings, kinds=("plan_tour",))
    assert [status for _, status in ran] == ["succeeded"]
    after = client.get(url, headers=actors.programmer).json()
    harbour = [s for s in after["screenings"] if s["title_id"] == tour.harbour]
    assert harbour and {s["copy_number"] for s in harbour} == {0}
    assert any(s["venue_id"] == tour.astana for s in harbour)
    assert not any(s["venue_id"] == tour.paris for s in harbour)
    paris_request = after["must_screen"][1]["id"]
    conflicts = [r for r in after["left_out"] if r["code"] == "MUST_SCREEN_CONFLICT"]
    assert conflicts and f"request-{paris_request}" in conflicts[0]["evidence"]["requests"]
    assert_valid(session, result["id"])
