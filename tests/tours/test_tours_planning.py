"""Planning through the API: the stored plan passes the independent validator, and what was
left out comes with its reason and evidence."""

from __future__ import annotations

from _tours_fixtures import PlanFn, Tour, assert_valid
from sqlmodel import Session


def test_planned_tour_passes_the_validator(plan: PlanFn, tour: Tour, session: Session) -> None:
    result = plan()
    assert result["solve_status"] in {"OPTIMAL", "FEASIBLE", "GREEDY"}
    assert result["violations"] == []
    screenings = result["screenings"]
    assert screenings, result["left_out"]
    assert_valid(session, result["id"])
    by_title = {s["title_id"] for s in screenings}
    assert tour.harbour in by_title and tour.leopard in by_title
    for s in screenings:
        assert s["day"].startswith("2025-03")
        if s["venue_id"] in (tour.almaty, tour.astana):
            assert s["time_zone"] == "Asia/Almaty" and s["language"] in {"ru", "kk"}
            assert s["starts_at"].endswith("+05:00")
        if s["venue_id"] == tour.madrid:
            assert s["language"] == "es" and s["rendition"] == "mp4"
        assert s["state"] == "planned"


def test_left_out_titles_and_countries_have_reasons(plan: PlanFn, tour: Tour) -> None:
    result = plan()
    reasons = {(r["code"], r["title_id"], r["country"]): r for r in result["left_out"]}
    no_rights = reasons[("NO_RIGHTS", tour.unlicensed, None)]
    assert no_rights["detail"] and no_rights["evidence"]
    assert ("RENDITION_NOT_READY", tour.untranscoded, None) in reasons
    # France: rights, but the drama has no French subtitles
    assert ("NO_LOCAL_LANGUAGE", tour.harbour, "FR") in reasons
    # Tajikistan: no venue at all, and the documentary has no Tajik: both said, language first
    tj = reasons[("NO_LOCAL_LANGUAGE", tour.leopard, "TJ")]
    assert tj["evidence"]["also"] == ["NO_VENUE_OPEN"]


def test_plans_list_and_partners_do_not_see_them(plan: PlanFn, tour: Tour, client, actors) -> None:  # type: ignore[no-untyped-def]
    result = plan(name="Spring in Central Asia")
    listed = client.get("/plans", headers=actors.editor).json()
    assert [p["name"] for p in listed["items"]] == ["Spring in Central Asia"]
    assert listed["items"][0]["screening_count"] == len(result["screenings"])
    assert client.get(f"/plans/{result['id']}", headers=actors.partner).status_code == 404
    assert client.get("/plans", headers=actors.partner).status_code == 404
    assert client.post("/plans", json={}, headers=actors.editor).status_code == 403


def test_bad_inputs_are_refused_with_what_is_wrong(client, actors, tour: Tour) -> None:  # type: ignore[no-untyped-def]
    bad_region = client.post(
        "/plans", json={"region": "Central Asai", "year": 2025}, headers=actors.programmer
    )
    assert bad_region.status_code == 422
    assert "central asia" in bad_region.json()["detail"].lower()
    bad_year = client.post("/plans", json={"region": "KZ", "year": 1812}, headers=actors.programmer)
    assert bad_year.status_code == 422 and "year" in bad_year.text
    unknown = client.post(
        "/plans",
        json={"region": "KZ", "year": 2025, "titles": {"title_ids": [tour.harbour, 99999]}},
        headers=actors.programmer,
    )
    assert unknown.status_code == 422 and "99999" in unknown.json()["detail"]
