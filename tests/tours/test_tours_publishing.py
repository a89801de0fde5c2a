"""Publishing: partners see a plan's screenings exactly while it is published; publishing asks
to confirm screenings that break rules and refuses clashes with other published plans; refusal
reasons name each rule once; titles in the reader's language."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from typing import Any

from _tours_fixtures import PlanFn, Tour
from fastapi.testclient import TestClient
from icalendar import Calendar

from tests.conftest import Actors


def _publish(client: TestClient, actors: Actors, plan_id: int, **flags: bool) -> Any:
    return client.post(
        f"/plans/{plan_id}/status", json={"state": "published", **flags}, headers=actors.programmer
    )


def _partner_views(client: TestClient, actors: Actors) -> tuple[list[Any], int, int]:
    """What the Almaty partner sees: the API list, iCalendar events, CSV rows."""
    listed = client.get("/partner/screenings", headers=actors.partner).json()
    ics = client.get("/partner/screenings.ics", headers=actors.partner)
    assert ics.status_code == 200, ics.text
    events = len(Calendar.from_ical(ics.content).walk("VEVENT"))
    rows = client.get("/partner/screenings.csv", headers=actors.partner)
    assert rows.status_code == 200, rows.text
    return listed, events, len(list(csv.DictReader(io.StringIO(rows.text))))


def _force_monday(client: TestClient, actors: Actors, result: dict[str, Any], venue: int) -> int:
    """Move a screening at a venue closed on Mondays to a Monday, forced; its id."""
    screening = next(s for s in result["screenings"] if s["venue_id"] == venue)
    day = date(2025, 3, 3)  # a Monday
    taken = {s["day"] for s in result["screenings"] if s["venue_id"] == venue}
    while day.isoformat() in taken:
        day += timedelta(days=7)
    body = {"action": "move", "screening_id": screening["id"], "day": day.isoformat()}
    refused = client.post(f"/plans/{result['id']}/edits", json=body, headers=actors.programmer)
    assert refused.status_code == 422
    assert "calendar: calendar" not in refused.json()["detail"]
    assert "calendar: " in refused.json()["detail"]
    forced = client.post(
        f"/plans/{result['id']}/edits", json={**body, "force": True}, headers=actors.programmer
    )
    assert forced.status_code == 200, forced.text
    screening_id: int = screening["id"]
    return screening_id


def test_back_to_draft_hides_screenings_from_partners(
    plan: PlanFn, tour: Tour, client: TestClient, actors: Actors
) -> None:
    result = plan()
    kz = [s for s in result["screenings"] if s["venue_id"] in (tour.almaty, tour.astana)]
    assert kz
    assert _publish(client, actors, result["id"]).status_code == 200
    listed, events, rows = _partner_views(client, actors)
    assert sorted(s["id"] for s in listed) == sorted(s["id"] for s in kz)
    assert events == rows == len(kz)

    draft = client.post(
        f"/plans/{result['id']}/status", json={"state": "draft"}, headers=actors.programmer
    )
    assert draft.status_code == 200, draft.text
    assert _partner_views(client, actors) == ([], 0, 0)
    stored = client.get(f"/plans/{result['id']}", headers=actors.programmer).json()
    assert {s["state"] for s in stored["screenings"]} == {"planned"}

    assert _publish(client, actors, result["id"]).status_code == 200
    assert len(_partner_views(client, actors)[0]) == len(kz)


def test_publishing_a_plan_that_books_the_same_venue_and_day_is_refused_unless_forced(
    plan: PlanFn, tour: Tour, client: TestClient, actors: Actors
) -> None:
    first, second = plan(name="First"), plan(name="Second")
    assert _publish(client, actors, first["id"]).status_code == 200
    booked = {(s["venue_id"], s["day"]) for s in first["screenings"]}
    clashing = [s for s in second["screenings"] if (s["venue_id"], s["day"]) in booked]
    assert clashing, "the same inputs book the same venues and days"

    refused = _publish(client, actors, second["id"])
    assert refused.status_code == 409, refused.text
    body = refused.json()
    assert "force=true" in body["detail"] and "First" in body["detail"]
    assert sorted(c["screening_id"] for c in body["clashes"]) == sorted(s["id"] for s in clashing)
    assert {c["other_plan_id"] for c in body["clashes"]} == {first["id"]}
    again = client.get(f"/plans/{second['id']}", headers=actors.programmer).json()
    assert again["state"] == "draft"

    # resolved: the first plan goes back to draft, then nothing clashes
    client.post(f"/plans/{first['id']}/status", json={"state": "draft"}, headers=actors.programmer)
    assert _publish(client, actors, second["id"]).status_code == 200
    assert _publish(client, actors, first["id"]).status_code == 409
    assert _publish(client, actors, first["id"], force=True).status_code == 200


def test_publishing_forced_screenings_asks_for_confirmation_and_keeps_them_marked(
    plan: PlanFn, tour: Tour, client: TestClient, actors: Actors
) -> None:
    result = plan()
    forced_id = _force_monday(client, actors, result, tour.almaty)

    refused = _publish(client, actors, result["id"])
    assert refused.status_code == 409, refused.text
    assert "confirm_forced=true" in refused.json()["detail"]
    assert [s["id"] for s in refused.json()["forced"]] == [forced_id]
    assert refused.json()["forced"][0]["violations"][0]["rule"] == "calendar"
    assert client.get("/partner/screenings", headers=actors.partner).json() == []

    assert _publish(client, actors, result["id"], confirm_forced=True).status_code == 200
    staff = client.get(f"/plans/{result['id']}", headers=actors.programmer).json()
    assert next(s for s in staff["screenings"] if s["id"] == forced_id)["forced"]
    rows = csv.DictReader(
        io.StringIO(client.get(f"/plans/{result['id']}.csv", headers=actors.editor).text)
    )
    flags = {int(r["id"]): r["flags"] for r in rows}
    assert flags[forced_id] == "breaks rules: calendar"
    assert all("breaks rules" not in f for i, f in flags.items() if i != forced_id)
    cal = Calendar.from_ical(
        client.get(f"/plans/{result['id']}.ics", headers=actors.editor).content
    )
    described = [str(e.get("DESCRIPTION", "")) for e in cal.walk("VEVENT")]
    assert sum("Breaks rules: calendar" in d for d in described) == 1


def test_titles_are_named_in_the_readers_language_with_the_original_beside(
    plan: PlanFn, tour: Tour, client: TestClient, actors: Actors
) -> None:
    localizations = [
        {"language": "ru", "title": "Огни гавани Цюаньчжоу"},
        {"language": "en", "title": "Harbour Lights (English)"},
    ]
    patched = client.patch(
        f"/titles/{tour.harbour}", json={"localizations": localizations}, headers=actors.editor
    )
    assert patched.status_code == 200, patched.text
    result = plan(titles={"title_ids": [tour.harbour]})
    assert _publish(client, actors, result["id"]).status_code == 200

    def names(lang: str) -> set[tuple[str, str]]:
        listed = client.get("/partner/screenings", params={"lang": lang}, headers=actors.partner)
        return {(s["title"], s["original_title"]) for s in listed.json()}

    original = "Harbour Lights of Quanzhou"
    assert names("ru-KZ") == {("Огни гавани Цюаньчжоу", original)}
    assert names("ar") == {("Harbour Lights (English)", original)}  # no Arabic: English
    assert names("zh") == {(original, original)}  # the original is Chinese
    ics = client.get("/partner/screenings.ics", headers={**actors.partner, "Accept-Language": "ru"})
    summaries = {str(e["SUMMARY"]) for e in Calendar.from_ical(ics.content).walk("VEVENT")}
    assert summaries and all(s.startswith(f"Огни гавани Цюаньчжоу ({original})") for s in summaries)


def test_ical_keeps_a_moved_screenings_uid_and_cancels_it_once(
    plan: PlanFn, tour: Tour, client: TestClient, actors: Actors
) -> None:
    result = plan()
    assert _publish(client, actors, result["id"]).status_code == 200

    def events() -> dict[str, tuple[str, int, str]]:
        body = client.get("/partner/screenings.ics", headers=actors.partner).content
        return {
            str(e["UID"]): (
                e.decoded("DTSTART").date().isoformat(), int(str(e["SEQUENCE"])), str(e["STATUS"])
            )
            for e in Calendar.from_ical(body).walk("VEVENT")
        }  # fmt: skip

    before = events()
    moved = _force_monday(client, actors, result, tour.almaty)
    assert _publish(client, actors, result["id"], confirm_forced=True).status_code == 200
    after = events()
    assert set(after) == set(before), "a moved screening keeps its UID"
    changed = [uid for uid in after if after[uid][0] != before[uid][0]]
    assert len(changed) == 1
    assert after[changed[0]][1] > before[changed[0]][1]

    cancel = {"action": "cancel", "screening_id": moved}
    cancelled = client.post(f"/plans/{result['id']}/edits", json=cancel, headers=actors.programmer)
    assert cancelled.status_code == 200, cancelled.text
    assert _publish(client, actors, result["id"]).status_code == 200
    final = events()
    assert set(final) == set(before)
    assert final[changed[0]][2] == "CANCELLED" and final[changed[0]][1] > after[changed[0]][1]
    assert [uid for uid, e in final.items() if e[2] == "CANCELLED"] == [changed[0]]
    listed = client.get("/partner/screenings", headers=actors.partner).json()
    assert moved not in {s["id"] for s in listed}
