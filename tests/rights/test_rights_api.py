"""Rights windows over HTTP: territories resolved, exclusivity guarded, partners see only what is
licensed to them, availability explains itself (SQLite and PostgreSQL)."""

from __future__ import annotations

from _rights_factories import grant, published_title
from fastapi.testclient import TestClient

from tests.conftest import Actors


def test_window_resolves_regions_and_exclusions(client: TestClient, actors: Actors) -> None:
    title = published_title(client, actors, "丝路回响")
    window = grant(
        client,
        actors,
        title,
        ["Central Asia"],
        ends_on="2030-12-31",
        subtitle_languages=["ru", "kk"],
    )
    assert window["countries"] == ["KG", "KZ", "TJ", "TM", "UZ"]
    world = grant(
        client,
        actors,
        title,
        ["world"],
        excluded_territories=["Europe", "CN"],
        media_right="festival",
    )
    assert (
        "FR" not in world["countries"]
        and "CN" not in world["countries"]
        and "KZ" in world["countries"]
    )
    listed = client.get("/rights/windows", params={"country": "kz"}, headers=actors.admin).json()
    assert {w["id"] for w in listed} == {window["id"], world["id"]}
    assert [
        w["id"] for w in client.get(f"/titles/{title}/rights", headers=actors.programmer).json()
    ] == [
        window["id"],
        world["id"],
    ]


def test_bad_windows_are_refused_with_what_to_fix(client: TestClient, actors: Actors) -> None:
    title = published_title(client, actors, "雪豹守护者")
    base = {
        "title_id": title,
        "media_right": "public_screening",
        "territories": ["KZ"],
        "starts_on": "2025-01-01",
    }
    cases = [
        ({"territories": ["Central Asa"]}, 422, "close matches: central asia"),
        ({"ends_on": "2024-01-01"}, 422, "before starts_on"),
        ({"exclusive": True}, 422, "set partner_id"),
        ({"media_right": "cinema"}, 422, "public_screening"),
        ({"title_id": 99999}, 422, "title 99999 does not exist"),
        ({"territories": ["FR"], "excluded_territories": ["Europe"]}, 422, "covers no country"),
        ({"status": "active", "extra": 1}, 422, "extra"),
    ]
    for change, code, text in cases:
        response = client.post(
            "/rights/windows", json={**base, **change}, headers=actors.programmer
        )
        assert response.status_code == code, (change, response.text)
        assert text in response.text, (change, response.text)
    assert client.get("/rights/windows", headers=actors.admin).json() == []


def test_exclusive_grants_cannot_overlap_others(client: TestClient, actors: Actors) -> None:
    title = published_title(client, actors, "刺桐港灯火")
    grant(
        client,
        actors,
        title,
        ["KZ"],
        partner_id=actors.partner_id,
        exclusive=True,
        ends_on="2025-12-31",
    )
    clash = {
        "title_id": title,
        "media_right": "public_screening",
        "territories": ["Central Asia"],
        "starts_on": "2025-06-01",
    }
    response = client.post("/rights/windows", json=clash, headers=actors.programmer)
    assert response.status_code == 409 and "exclusive" in response.json()["detail"]
    # another media right, after the window, or elsewhere: fine
    grant(client, actors, title, ["KZ"], media_right="free_tv")
    grant(client, actors, title, ["KZ"], starts_on="2026-01-01")
    grant(client, actors, title, ["UZ"], partner_id=actors.partner_b_id, exclusive=True)


def test_partners_see_titles_licensed_in_their_territory_now(
    client: TestClient, actors: Actors
) -> None:
    almaty = published_title(client, actors, "Almaty only")
    paris = published_title(client, actors, "Paris only")
    both = published_title(client, actors, "Both")
    neither = published_title(client, actors, "Neither")
    expired = published_title(client, actors, "Expired")
    future = published_title(client, actors, "Future")
    suspended = published_title(client, actors, "Suspended")
    other_partner = published_title(client, actors, "For another partner in KZ")
    grant(client, actors, almaty, ["Central Asia"])
    grant(client, actors, paris, ["Europe"])
    grant(client, actors, both, ["world"])
    grant(client, actors, neither, ["JP"])
    grant(client, actors, expired, ["world"], ends_on="2001-01-01")
    grant(client, actors, future, ["world"], starts_on="2999-01-01")
    grant(client, actors, suspended, ["world"], status="suspended")
    grant(client, actors, other_partner, ["KZ"], partner_id=actors.partner_b_id)

    def seen(headers: dict[str, str]) -> set[str]:
        return {t["original_title"] for t in client.get("/titles", headers=headers).json()["items"]}

    assert seen(actors.partner) == {"Almaty only", "Both"}
    assert seen(actors.partner_b) == {"Paris only", "Both"}
    assert len(seen(actors.admin)) == 8
    for title_id in (paris, neither, expired, future, suspended, other_partner):
        assert client.get(f"/titles/{title_id}", headers=actors.partner).status_code == 404
    assert client.get(f"/titles/{almaty}", headers=actors.partner).status_code == 200


def test_episodes_and_promos_follow_the_licensed_title(client: TestClient, actors: Actors) -> None:
    series = published_title(client, actors, "胡同里的早晨")
    episode = client.post(
        f"/titles/{series}/episodes",
        json={"original_title": "第1集", "original_language": "zh", "episode_number": 1},
        headers=actors.editor,
    ).json()
    client.post(
        f"/titles/{episode['id']}/status", json={"status": "published"}, headers=actors.editor
    )
    promo = published_title(client, actors, "Promo", kind="promo", promotes_id=series)
    grant(client, actors, series, ["KZ"])
    assert (
        client.get(f"/titles/{series}/episodes", headers=actors.partner).json()[0]["id"]
        == episode["id"]
    )
    assert client.get(f"/titles/{promo}", headers=actors.partner).status_code == 200
    assert client.get(f"/titles/{episode['id']}", headers=actors.partner_b).status_code == 404


def test_availability_says_why_not(client: TestClient, actors: Actors) -> None:
    ok = published_title(client, actors, "A ok")
    short = published_title(client, actors, "B ends early")
    russian = published_title(client, actors, "C russian only")
    nothing = published_title(client, actors, "D nothing")
    grant(client, actors, ok, ["Central Asia"])
    grant(client, actors, short, ["KZ"], ends_on="2025-07-10")
    grant(client, actors, russian, ["KZ"], subtitle_languages=["ru"])
    params = {"region": "Central Asia", "from": "2025-07-01", "to": "2025-07-31", "language": "en"}
    page = client.get("/availability", params=params, headers=actors.programmer).json()
    items = {i["title_id"]: i for i in page["items"]}
    assert page["countries"] == ["KG", "KZ", "TJ", "TM", "UZ"]
    assert items[ok]["available"] and items[ok]["countries"] == page["countries"]
    kz = {
        i: next(r for r in items[i]["reasons"] if r["country"] == "KZ")
        for i in (short, russian, nothing)
    }
    assert kz[short]["code"] == "outside_period" and "2025-07-10" in kz[short]["detail"]
    assert kz[russian]["code"] == "language_not_licensed" and "ru" in kz[russian]["detail"]
    assert kz[nothing]["code"] == "no_rights"
    overlapping = client.get(
        "/availability",
        params={**params, "match": "overlaps", "available": "true"},
        headers=actors.admin,
    ).json()
    assert {i["title_id"] for i in overlapping["items"]} == {ok, short}


def test_availability_refuses_unclear_questions(client: TestClient, actors: Actors) -> None:
    for params, text in [
        ({}, "exactly one of country"),
        ({"country": "KZ", "region": "Europe"}, "exactly one of country"),
        ({"country": "XX"}, "ISO 3166"),
        ({"region": "Middle Earth"}, "unknown region"),
        ({"country": "KZ", "from": "2025-02-01", "to": "2025-01-01"}, "before it starts"),
        ({"country": "KZ", "language": "english!"}, "BCP 47"),
    ]:
        response = client.get("/availability", params=params, headers=actors.admin)
        assert response.status_code == 422 and text in response.text, (params, response.text)


def test_partners_may_not_read_or_change_rights(client: TestClient, actors: Actors) -> None:
    title = published_title(client, actors, "T")
    window = grant(client, actors, title, ["KZ"])
    # partners meet 404, as for any object that is not theirs (tests/delivery/test_delivery_oracles.py)
    assert client.get("/rights/windows", headers=actors.partner).status_code == 404
    assert client.get(f"/rights/windows/{window['id']}", headers=actors.partner).status_code == 404
    assert (
        client.get("/availability", params={"country": "KZ"}, headers=actors.partner).status_code
        == 404
    )
    assert client.post("/rights/windows", json={}, headers=actors.editor).status_code == 403


def test_window_replace_and_delete(client: TestClient, actors: Actors) -> None:
    title = published_title(client, actors, "T")
    window = grant(client, actors, title, ["KZ"])
    body = {k: window[k] for k in ("media_right", "territories", "starts_on")} | {
        "status": "terminated"
    }
    replaced = client.put(f"/rights/windows/{window['id']}", json=body, headers=actors.programmer)
    assert replaced.status_code == 200 and replaced.json()["status"] == "terminated"
    assert client.get(f"/titles/{title}", headers=actors.partner).status_code == 404
    assert (
        client.delete(f"/rights/windows/{window['id']}", headers=actors.programmer).status_code
        == 204
    )
    assert client.get(f"/rights/windows/{window['id']}", headers=actors.admin).status_code == 404
    assert (
        client.put("/rights/windows/999", json=body, headers=actors.programmer).status_code == 404
    )
