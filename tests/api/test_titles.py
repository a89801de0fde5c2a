"""Titles API: create, read, update, delete, workflow, episodes, filters, pagination, bad input."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from catalogue.models import Asset
from catalogue.storage import make_storage
from catalogue.storage.keys import asset_prefix, renditions_prefix, subtitles_prefix
from tests.conftest import Actors, Database

GOOD_EIDR = "10.5240/7791-8534-2C23-9030-8610-5"


def title_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": "documentary",
        "original_title": "雪豹守护者",
        "original_language": "zh-Hans",
        "production_year": 2024,
        "runtime_minutes": 50,
        "genres": ["nature"],
        "tags": ["conservation", "Qinghai"],
        "countries_of_origin": ["cn"],
        "localizations": [
            {
                "language": "en",
                "title": "Guardians of the Snow Leopard",
                "synopsis": "Herders turned rangers.",
            },
            {
                "language": "ru",
                "title": "Хранители снежного барса",
                "synopsis": "Пастухи стали егерями.",
            },
        ],
    }
    body.update(overrides)
    return body


def create(client: TestClient, actors: Actors, **overrides: Any) -> dict[str, Any]:
    response = client.post("/titles", json=title_body(**overrides), headers=actors.editor)
    assert response.status_code == 201, response.text
    return response.json()


def publish(client: TestClient, actors: Actors, title_id: int) -> None:
    response = client.post(
        f"/titles/{title_id}/status", json={"status": "published"}, headers=actors.editor
    )
    assert response.status_code == 200, response.text


def test_create_returns_normalised_title_in_draft(client: TestClient, actors: Actors) -> None:
    title = create(client, actors, eidr_title_id=GOOD_EIDR.lower())
    assert title["status"] == "draft"
    assert title["countries_of_origin"] == ["CN"]
    assert title["tags"] == ["conservation", "qinghai"]
    assert title["eidr_title_id"] == GOOD_EIDR
    assert title["languages"] == ["en", "ru", "zh-Hans"]
    assert {loc["language"] for loc in title["localizations"]} == {"en", "ru"}


def test_read_title(client: TestClient, actors: Actors) -> None:
    title = create(client, actors)
    response = client.get(f"/titles/{title['id']}", headers=actors.programmer)
    assert response.status_code == 200
    assert response.json()["original_title"] == "雪豹守护者"


def test_read_missing_title_is_404(client: TestClient, actors: Actors) -> None:
    response = client.get("/titles/999999", headers=actors.admin)
    assert response.status_code == 404
    assert "title 999999 not found" in response.json()["detail"]


def test_no_token_is_401_with_challenge(client: TestClient) -> None:
    response = client.get("/titles")
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"


def test_unknown_token_is_401(client: TestClient, actors: Actors) -> None:
    response = client.get("/titles", headers={"Authorization": "Bearer cat_nope"})
    assert response.status_code == 401


@pytest.mark.parametrize("role", ["programmer", "partner"])
def test_only_editors_create_titles(client: TestClient, actors: Actors, role: str) -> None:
    response = client.post("/titles", json=title_body(), headers=getattr(actors, role))
    assert response.status_code == 403
    assert "admin, editor" in response.json()["detail"]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("original_language", "english", "BCP 47"),
        ("production_year", 20250, "less than or equal to 2100"),
        ("countries_of_origin", ["XX"], "ISO 3166"),
        ("eidr_title_id", "10.5240/7791-8534-2C23-9030-8610-6", "check character"),
        ("eidr_title_id", "10.5240/1234", "not an EIDR ID"),
        ("kind", "sitcom", "drama"),
        ("tags", ["a", "A"], "listed twice"),
        ("status", "published", "Extra inputs are not permitted"),
        ("id", 5, "Extra inputs are not permitted"),
    ],
)
def test_bad_input_names_field_and_problem(
    client: TestClient, actors: Actors, field: str, value: Any, message: str
) -> None:
    response = client.post("/titles", json=title_body(**{field: value}), headers=actors.editor)
    assert response.status_code == 422
    problems = response.json()["detail"]
    assert any(field in problem["loc"] and message in problem["msg"] for problem in problems), (
        problems
    )
    assert client.get("/titles", headers=actors.admin).json()["total"] == 0


def test_bad_localization_language(client: TestClient, actors: Actors) -> None:
    body = title_body(localizations=[{"language": "zz-QQ", "title": "x"}])
    response = client.post("/titles", json=body, headers=actors.editor)
    assert response.status_code == 422
    assert "BCP 47" in response.text


def test_duplicate_localization_language_is_refused_and_nothing_written(
    client: TestClient, actors: Actors
) -> None:
    body = title_body(
        localizations=[{"language": "en", "title": "a"}, {"language": "EN", "title": "b"}]
    )
    response = client.post("/titles", json=body, headers=actors.editor)
    assert response.status_code == 422
    assert "each language may appear once" in response.json()["detail"]
    assert client.get("/titles", headers=actors.admin).json()["total"] == 0


def test_duplicate_eidr_is_409(client: TestClient, actors: Actors) -> None:
    create(client, actors, eidr_title_id=GOOD_EIDR)
    response = client.post(
        "/titles", json=title_body(eidr_title_id=GOOD_EIDR), headers=actors.editor
    )
    assert response.status_code == 409
    assert GOOD_EIDR in response.json()["detail"]
    assert client.get("/titles", headers=actors.admin).json()["total"] == 1


def test_unknown_campaign_is_refused_without_half_written_title(
    client: TestClient, actors: Actors
) -> None:
    response = client.post("/titles", json=title_body(campaigns=["nope"]), headers=actors.editor)
    assert response.status_code == 422
    assert "unknown campaign slug(s) nope" in response.json()["detail"]
    assert client.get("/titles", headers=actors.admin).json()["total"] == 0


def test_update_replaces_lists_and_keeps_the_rest(client: TestClient, actors: Actors) -> None:
    title = create(client, actors)
    response = client.patch(
        f"/titles/{title['id']}",
        json={"tags": ["wildlife"], "localizations": [{"language": "kk", "title": "Қар барысы"}]},
        headers=actors.editor,
    )
    assert response.status_code == 200, response.text
    updated = response.json()
    assert updated["tags"] == ["wildlife"]
    assert [loc["language"] for loc in updated["localizations"]] == ["kk"]
    assert updated["genres"] == ["nature"]
    assert updated["updated_at"] >= title["updated_at"]


def test_update_refuses_unknown_and_privileged_fields(client: TestClient, actors: Actors) -> None:
    title = create(client, actors)
    for body in ({"status": "published"}, {"parent_id": 3}, {"created_at": "2020-01-01T00:00:00Z"}):
        response = client.patch(f"/titles/{title['id']}", json=body, headers=actors.editor)
        assert response.status_code == 422, body
    assert client.get(f"/titles/{title['id']}", headers=actors.editor).json()["status"] == "draft"


def test_update_missing_title_is_404(client: TestClient, actors: Actors) -> None:
    assert client.patch("/titles/4242", json={"tags": []}, headers=actors.editor).status_code == 404


def test_update_forbidden_for_partner(client: TestClient, actors: Actors) -> None:
    title = create(client, actors)
    assert (
        client.patch(f"/titles/{title['id']}", json={}, headers=actors.partner).status_code == 403
    )


def test_workflow_transitions_are_enforced(client: TestClient, actors: Actors) -> None:
    title = create(client, actors)
    url = f"/titles/{title['id']}/status"
    refused = client.post(url, json={"status": "archived"}, headers=actors.editor)
    assert refused.status_code == 409
    assert "a draft title cannot become archived" in refused.json()["detail"]
    for step in ("published", "archived", "draft"):
        response = client.post(url, json={"status": step}, headers=actors.editor)
        assert response.status_code == 200 and response.json()["status"] == step
    assert client.post(url, json={"status": "retired"}, headers=actors.editor).status_code == 422


def test_status_change_forbidden_and_missing(client: TestClient, actors: Actors) -> None:
    title = create(client, actors)
    body = {"status": "published"}
    assert (
        client.post(
            f"/titles/{title['id']}/status", json=body, headers=actors.programmer
        ).status_code
        == 403
    )
    assert client.post("/titles/777/status", json=body, headers=actors.editor).status_code == 404


def test_delete_draft_but_not_published(client: TestClient, actors: Actors) -> None:
    draft = create(client, actors)
    published = create(client, actors, original_title="丝路回响")
    publish(client, actors, published["id"])
    assert client.delete(f"/titles/{draft['id']}", headers=actors.editor).status_code == 204
    assert client.get(f"/titles/{draft['id']}", headers=actors.editor).status_code == 404
    refused = client.delete(f"/titles/{published['id']}", headers=actors.editor)
    assert refused.status_code == 409 and "archive it first" in refused.json()["detail"]
    assert client.delete("/titles/999", headers=actors.editor).status_code == 404
    assert client.delete(f"/titles/{published['id']}", headers=actors.partner).status_code == 403


def test_partner_sees_only_published_titles(client: TestClient, actors: Actors) -> None:
    draft = create(client, actors)
    published = create(client, actors, original_title="丝路回响")
    publish(client, actors, published["id"])
    for title in (draft, published):  # licensed everywhere: only the status tells them apart
        window = {
            "title_id": title["id"],
            "media_right": "public_screening",
            "territories": ["world"],
            "starts_on": "2000-01-01",
        }
        assert (
            client.post("/rights/windows", json=window, headers=actors.programmer).status_code
            == 201
        )
    listed = client.get("/titles", headers=actors.partner).json()
    assert [t["id"] for t in listed["items"]] == [published["id"]]
    assert client.get(f"/titles/{draft['id']}", headers=actors.partner).status_code == 404


def test_episodes_belong_to_their_series(client: TestClient, actors: Actors) -> None:
    series = create(client, actors, kind="drama", original_title="胡同里的早晨")
    url = f"/titles/{series['id']}/episodes"
    for number in (2, 1):
        body = {
            "original_title": f"第{number}集",
            "original_language": "zh-Hans",
            "episode_number": number,
        }
        response = client.post(url, json=body, headers=actors.editor)
        assert response.status_code == 201, response.text
        assert response.json()["kind"] == "drama" and response.json()["parent_id"] == series["id"]
    duplicate = client.post(
        url,
        json={"original_title": "again", "original_language": "zh", "episode_number": 1},
        headers=actors.editor,
    )
    assert duplicate.status_code == 409 and "season 1 episode 1" in duplicate.json()["detail"]
    episodes = client.get(url, headers=actors.programmer).json()
    assert [e["episode_number"] for e in episodes] == [1, 2]
    assert client.get(f"/titles/{series['id']}", headers=actors.admin).json()["episode_count"] == 2
    # episodes are not top-level titles
    assert client.get("/titles", headers=actors.admin).json()["total"] == 1


def test_episode_routes_missing_forbidden_and_bad_input(client: TestClient, actors: Actors) -> None:
    series = create(client, actors, kind="drama")
    body = {"original_title": "x", "original_language": "zh", "episode_number": 1}
    assert client.post("/titles/999/episodes", json=body, headers=actors.editor).status_code == 404
    assert client.get("/titles/999/episodes", headers=actors.editor).status_code == 404
    assert (
        client.post(
            f"/titles/{series['id']}/episodes", json=body, headers=actors.partner
        ).status_code
        == 403
    )
    bad = client.post(
        f"/titles/{series['id']}/episodes",
        json={**body, "episode_number": 0},
        headers=actors.editor,
    )
    assert bad.status_code == 422 and "episode_number" in bad.text


def test_promo_points_at_the_title_it_promotes(client: TestClient, actors: Actors) -> None:
    gala = create(client, actors, original_title="2025年春节联欢晚会")
    promo = create(client, actors, kind="promo", original_title="宣传片", promotes_id=gala["id"])
    assert promo["promotes_id"] == gala["id"]
    wrong = client.post(
        "/titles", json=title_body(kind="drama", promotes_id=gala["id"]), headers=actors.editor
    )
    assert wrong.status_code == 422 and "only for promos" in wrong.json()["detail"]
    missing = client.post(
        "/titles", json=title_body(kind="promo", promotes_id=999), headers=actors.editor
    )
    assert missing.status_code == 422 and "does not exist" in missing.json()["detail"]


def test_filters(client: TestClient, actors: Actors) -> None:
    campaign = {"slug": "close-up-china", "name": "Close-Up China"}
    assert client.post("/campaigns", json=campaign, headers=actors.editor).status_code == 201
    a = create(client, actors, production_year=2020, tags=["space"], campaigns=["close-up-china"])
    b = create(
        client,
        actors,
        kind="drama",
        production_year=2024,
        localizations=[{"language": "es-419", "title": "El río"}],
    )
    publish(client, actors, b["id"])

    def ids(**params: Any) -> list[int]:
        response = client.get("/titles", params=params, headers=actors.admin)
        assert response.status_code == 200, response.text
        return sorted(t["id"] for t in response.json()["items"])

    assert ids(kind="drama") == [b["id"]]
    assert ids(year_from=2021) == [b["id"]]
    assert ids(year_to=2021) == [a["id"]]
    assert ids(tag="SPACE") == [a["id"]]
    assert ids(campaign="close-up-china") == [a["id"]]
    assert ids(status="published") == [b["id"]]
    assert ids(language="es") == [b["id"]]
    assert ids(language="ru") == [a["id"]]
    assert ids(language="zh") == sorted([a["id"], b["id"]])


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"limit": 1_000_000}, "at most 100 per page"),
        ({"language": "xx-!!"}, "BCP 47"),
        ({"year_from": 2025, "year_to": 2020}, "year_from is after year_to"),
        ({"year_from": 20250}, "less than or equal to 2100"),
        ({"sort": "random"}, "Input should be"),
        ({"kind": "opera"}, "Input should be"),
    ],
)
def test_bad_list_parameters(
    client: TestClient, actors: Actors, params: dict[str, Any], message: str
) -> None:
    response = client.get("/titles", params=params, headers=actors.admin)
    assert response.status_code == 422
    assert message in response.text


def test_pagination_is_stable_and_complete(client: TestClient, actors: Actors) -> None:
    for year in [2020, 2021, 2021, 2021, 2022, None, 2023]:
        create(client, actors, production_year=year)
    seen: list[int] = []
    for offset in range(0, 7, 3):
        page = client.get(
            "/titles", params={"sort": "year", "limit": 3, "offset": offset}, headers=actors.admin
        ).json()
        assert page["total"] == 7 and page["limit"] == 3
        seen.extend(t["id"] for t in page["items"])
    assert len(seen) == 7 and len(set(seen)) == 7
    years = [
        t["production_year"]
        for t in client.get(
            "/titles", params={"sort": "year", "limit": 10}, headers=actors.admin
        ).json()["items"]
    ]
    assert years == [2020, 2021, 2021, 2021, 2022, 2023, None]
    desc = [
        t["production_year"]
        for t in client.get("/titles", params={"sort": "-year"}, headers=actors.admin).json()[
            "items"
        ]
    ]
    assert desc == [2023, 2022, 2021, 2021, 2021, 2020, None]


def test_deleting_a_title_removes_its_stored_bytes(
    client: TestClient, actors: Actors, session: Session, database: Database, tmp_path: Path
) -> None:
    series = create(client, actors, kind="drama")
    episode = client.post(
        f"/titles/{series['id']}/episodes",
        json={"original_title": "第1集", "original_language": "zh", "episode_number": 1},
        headers=actors.editor,
    ).json()
    other = create(client, actors, original_title="另一部")
    storage = make_storage(database.settings)
    source = tmp_path / "bytes.bin"
    source.write_bytes(b"master")
    keys = {}
    for title_id in (series["id"], episode["id"], other["id"]):
        asset = Asset(
            title_id=title_id, kind="main", state="ready", original_filename="m.mov", size=6
        )
        session.add(asset)
        session.commit()
        assert asset.id is not None
        keys[title_id] = [
            f"{asset_prefix(asset.id)}/master.mov",
            f"{renditions_prefix(asset.id)}/master.m3u8",
            f"{subtitles_prefix(title_id)}/1/r1.vtt",
        ]
        for key in keys[title_id]:
            storage.put_file(source, key)
    assert client.delete(f"/titles/{series['id']}", headers=actors.editor).status_code == 204
    assert not any(storage.exists(k) for k in keys[series["id"]] + keys[episode["id"]])
    assert all(storage.exists(k) for k in keys[other["id"]])
