"""Small factories for rights tests: published titles and windows through the API."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import Actors


def published_title(client: TestClient, actors: Actors, name: str, **fields: Any) -> int:
    body = {"kind": "drama", "original_title": name, "original_language": "zh-Hans", **fields}
    response = client.post("/titles", json=body, headers=actors.editor)
    assert response.status_code == 201, response.text
    title_id: int = response.json()["id"]
    published = client.post(
        f"/titles/{title_id}/status", json={"status": "published"}, headers=actors.editor
    )
    assert published.status_code == 200, published.text
    return title_id


def grant(
    client: TestClient, actors: Actors, title_id: int, territories: list[str], **fields: Any
) -> dict[str, Any]:
    body = {
        "title_id": title_id,
        "media_right": "public_screening",
        "territories": territories,
        "starts_on": "2000-01-01",
        **fields,
    }
    response = client.post("/rights/windows", json=body, headers=actors.programmer)
    assert response.status_code == 201, response.text
    window: dict[str, Any] = response.json()
    return window
