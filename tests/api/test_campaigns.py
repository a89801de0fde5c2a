"""Campaigns API."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.conftest import Actors

CLOSE_UP = {"slug": "close-up-china", "name": "Close-Up China", "starts_on": "2025-01-01"}


def test_create_list_read_update_delete(client: TestClient, actors: Actors) -> None:
    created = client.post("/campaigns", json=CLOSE_UP, headers=actors.editor)
    assert created.status_code == 201, created.text
    campaign = created.json()
    assert campaign["title_count"] == 0
    title = {
        "kind": "drama",
        "original_title": "胡同",
        "original_language": "zh",
        "campaigns": ["close-up-china"],
    }
    assert client.post("/titles", json=title, headers=actors.editor).status_code == 201
    listed = client.get("/campaigns", headers=actors.programmer).json()
    assert [(c["slug"], c["title_count"]) for c in listed] == [("close-up-china", 1)]
    # a draft title licensed to nobody: a partner's count does not betray it
    listed = client.get("/campaigns", headers=actors.partner).json()
    assert [(c["slug"], c["title_count"]) for c in listed] == [("close-up-china", 0)]
    assert (
        client.get(f"/campaigns/{campaign['id']}", headers=actors.programmer).json()["name"]
        == "Close-Up China"
    )
    patched = client.patch(
        f"/campaigns/{campaign['id']}", json={"name": "Close-Up China 2025"}, headers=actors.editor
    )
    assert patched.status_code == 200 and patched.json()["name"] == "Close-Up China 2025"
    assert client.delete(f"/campaigns/{campaign['id']}", headers=actors.editor).status_code == 204
    assert client.get("/titles", headers=actors.admin).json()["items"][0]["campaigns"] == []


def test_missing_campaign_is_404(client: TestClient, actors: Actors) -> None:
    assert client.get("/campaigns/9", headers=actors.editor).status_code == 404
    assert client.patch("/campaigns/9", json={}, headers=actors.editor).status_code == 404
    assert client.delete("/campaigns/9", headers=actors.editor).status_code == 404


def test_only_editors_write_campaigns(client: TestClient, actors: Actors) -> None:
    assert client.post("/campaigns", json=CLOSE_UP, headers=actors.programmer).status_code == 403
    campaign = client.post("/campaigns", json=CLOSE_UP, headers=actors.admin).json()
    assert (
        client.patch(f"/campaigns/{campaign['id']}", json={}, headers=actors.partner).status_code
        == 403
    )
    assert client.delete(f"/campaigns/{campaign['id']}", headers=actors.partner).status_code == 403


def test_duplicate_slug_is_409(client: TestClient, actors: Actors) -> None:
    assert client.post("/campaigns", json=CLOSE_UP, headers=actors.editor).status_code == 201
    response = client.post("/campaigns", json=CLOSE_UP, headers=actors.editor)
    assert response.status_code == 409 and "close-up-china" in response.json()["detail"]


def test_bad_campaign_input(client: TestClient, actors: Actors) -> None:
    bad_slug = client.post(
        "/campaigns", json={**CLOSE_UP, "slug": "Close Up!"}, headers=actors.editor
    )
    assert bad_slug.status_code == 422 and "slug" in bad_slug.text
    backwards = client.post(
        "/campaigns",
        json={**CLOSE_UP, "starts_on": "2025-05-01", "ends_on": "2025-01-01"},
        headers=actors.editor,
    )
    assert backwards.status_code == 422 and "ends_on is before starts_on" in backwards.text
    campaign = client.post("/campaigns", json=CLOSE_UP, headers=actors.editor).json()
    patched = client.patch(
        f"/campaigns/{campaign['id']}", json={"ends_on": "2024-12-31"}, headers=actors.editor
    )
    assert patched.status_code == 422 and "ends_on is before starts_on" in patched.text
