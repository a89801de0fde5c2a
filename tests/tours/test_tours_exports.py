"""Exports (iCalendar with VTIMEZONE and stable UIDs, CSV, JSON) and the readiness matrix."""

from __future__ import annotations

import csv
import io

from _tours_fixtures import PlanFn, Tour
from fastapi.testclient import TestClient
from icalendar import Calendar

from tests.conftest import Actors


def _events(body: bytes) -> list[dict[str, str]]:
    cal = Calendar.from_ical(body)
    return [
        {"uid": str(e["UID"]), "start": e.decoded("DTSTART").isoformat()}
        for e in cal.walk("VEVENT")
    ]


def test_ical_has_time_zones_and_stable_uids(
    plan: PlanFn, tour: Tour, client: TestClient, actors: Actors
) -> None:
    result = plan()
    url = f"/plans/{result['id']}.ics"
    first = client.get(url, headers=actors.editor)
    assert first.status_code == 200 and first.headers["content-type"].startswith("text/calendar")
    cal = Calendar.from_ical(first.content)
    zones = {str(z["TZID"]) for z in cal.walk("VTIMEZONE")}
    assert "Asia/Almaty" in zones
    events = _events(first.content)
    assert len(events) == len(result["screenings"])
    assert _events(client.get(url, headers=actors.editor).content) == events
    almaty = client.get(url, params={"venue": tour.almaty}, headers=actors.editor)
    expected = [s for s in result["screenings"] if s["venue_id"] == tour.almaty]
    assert len(_events(almaty.content)) == len(expected)
    assert all(e["uid"] in {x["uid"] for x in events} for e in _events(almaty.content))
    partner_b = client.get(url, params={"partner": actors.partner_b_id}, headers=actors.editor)
    on_b = [s for s in result["screenings"] if s["venue_id"] in (tour.madrid, tour.paris)]
    assert len(_events(partner_b.content)) == len(on_b)
    assert client.get(url, headers=actors.partner).status_code == 404


def test_csv_and_json_exports(plan: PlanFn, tour: Tour, client: TestClient, actors: Actors) -> None:
    result = plan()
    rows = list(
        csv.DictReader(
            io.StringIO(client.get(f"/plans/{result['id']}.csv", headers=actors.editor).text)
        )
    )
    assert sorted(r["key"] for r in rows) == sorted(s["key"] for s in result["screenings"])
    by_id = {s["id"]: s for s in result["screenings"]}
    for row in rows:
        screening = by_id[int(row["id"])]
        assert (row["title"], row["venue"], row["city"], row["country"]) == (
            screening["title"], screening["venue"], screening["city"], screening["country"]
        )  # fmt: skip
        assert (row["day"], row["time_zone"]) == (screening["day"], screening["time_zone"])
        assert row["start_time"] == screening["start_time"][:5] and row["language"]
    exported = client.get(f"/plans/{result['id']}.json", headers=actors.editor).json()
    assert len(exported["screenings"]) == len(rows)
    assert {r["code"] for r in exported["reasons"]} == {r["code"] for r in result["left_out"]}


def test_readiness_says_what_is_missing(tour: Tour, client: TestClient, actors: Actors) -> None:
    response = client.get(
        "/readiness",
        params={"region": ["Central Asia", "ES"], "year": 2025,
                "title_ids": [tour.harbour, tour.leopard, tour.unlicensed, tour.untranscoded]},
        headers=actors.programmer,
    )  # fmt: skip
    assert response.status_code == 200, response.text
    cells = {(c["title_id"], c["country"]): c for c in response.json()["cells"]}
    assert (
        cells[(tour.harbour, "KZ")]["ready"]
        and tour.almaty in cells[(tour.harbour, "KZ")]["venue_ids"]
    )
    assert cells[(tour.unlicensed, "KZ")]["missing"] == "rights"
    assert cells[(tour.untranscoded, "KZ")]["missing"] == "rendition"
    assert cells[(tour.leopard, "ES")]["missing"] == "rights"
    # Uzbekistan: no venue, and the drama has no Uzbek: both said, the subtitles first
    assert cells[(tour.harbour, "UZ")]["missing"] == "subtitles"
    assert cells[(tour.harbour, "UZ")]["also_missing"] == ["venue"]
    assert "uz" in cells[(tour.harbour, "UZ")]["subtitles_to_commission"]
    bad = client.get(
        "/readiness", params={"region": "Atlantis", "year": 2025}, headers=actors.programmer
    )
    assert bad.status_code == 422 and "Atlantis" in bad.json()["detail"]
