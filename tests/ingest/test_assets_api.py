"""Asset endpoints: list per title, show, delete with bytes; partners see none; expiry sweep."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlmodel import Session

from catalogue.ingest.uploads import Ingest, sweep_expired
from catalogue.models.types import utcnow
from tests.conftest import Actors, Database
from tests.ingest.conftest import OCTETS, TUS, start_upload, upload_bytes


def test_list_shows_a_titles_assets_with_upload_progress(
    client: TestClient, actors: Actors, title_id: int
) -> None:
    done = upload_bytes(client, actors.editor, b"m" * 100, title_id, kind="trailer")
    partial = start_upload(client, actors.editor, 1000, title_id)
    client.patch(partial.url, content=b"p" * 250,
                 headers={**actors.editor, **TUS, **OCTETS, "Upload-Offset": "0"})  # fmt: skip
    listed = client.get(f"/titles/{title_id}/assets", headers=actors.programmer)
    assert listed.status_code == 200
    by_id = {a["id"]: a for a in listed.json()}
    assert by_id[done.asset_id]["kind"] == "trailer"
    assert by_id[done.asset_id]["uploaded_bytes"] == 100
    assert by_id[partial.asset_id]["state"] == "uploading"
    assert by_id[partial.asset_id]["uploaded_bytes"] == 250
    assert by_id[partial.asset_id]["sha256"] is None


def test_unknown_title_or_asset_is_404(client: TestClient, actors: Actors) -> None:
    assert client.get("/titles/4242/assets", headers=actors.editor).status_code == 404
    response = client.get("/assets/4242", headers=actors.editor)
    assert response.status_code == 404
    assert response.json()["detail"] == "asset 4242 not found"


def test_partners_get_404_on_assets(client: TestClient, actors: Actors, title_id: int) -> None:
    client.post(f"/titles/{title_id}/status", headers=actors.editor, json={"status": "published"})
    window = {
        "title_id": title_id,
        "media_right": "public_screening",
        "territories": ["world"],
        "starts_on": "2000-01-01",
    }
    client.post(
        "/rights/windows", json=window, headers=actors.programmer
    )  # partners see licensed titles
    done = upload_bytes(client, actors.editor, b"m" * 10, title_id)
    assert client.get(f"/titles/{title_id}", headers=actors.partner).status_code == 200
    assert client.get(f"/titles/{title_id}/assets", headers=actors.partner).status_code == 404
    assert client.get(f"/assets/{done.asset_id}", headers=actors.partner).status_code == 404
    assert client.delete(f"/assets/{done.asset_id}", headers=actors.partner).status_code == 403


def test_delete_removes_row_and_stored_bytes(
    client: TestClient, actors: Actors, title_id: int, database: Database
) -> None:
    done = upload_bytes(client, actors.editor, b"m" * 10, title_id)
    stored = list((database.settings.media_root / "assets" / str(done.asset_id)).rglob("master*"))
    assert len(stored) == 1
    assert client.delete(f"/assets/{done.asset_id}", headers=actors.programmer).status_code == 403
    assert client.delete(f"/assets/{done.asset_id}", headers=actors.editor).status_code == 204
    assert not stored[0].exists()
    assert client.get(f"/assets/{done.asset_id}", headers=actors.editor).status_code == 404


def test_deleting_an_asset_mid_upload_abandons_the_upload(
    client: TestClient, actors: Actors, title_id: int, database: Database
) -> None:
    partial = start_upload(client, actors.editor, 100, title_id)
    assert client.delete(f"/assets/{partial.asset_id}", headers=actors.admin).status_code == 204
    assert not list(database.settings.upload_root.glob("*.part"))
    assert client.head(partial.url, headers={**actors.editor, **TUS}).status_code == 404


def test_expired_uploads_are_gone_then_swept_with_their_bytes(
    client: TestClient, actors: Actors, title_id: int, database: Database, session: Session
) -> None:
    stale = start_upload(client, actors.editor, 100, title_id)
    client.patch(stale.url, content=b"s" * 10,
                 headers={**actors.editor, **TUS, **OCTETS, "Upload-Offset": "0"})  # fmt: skip
    finished = upload_bytes(client, actors.editor, b"f" * 10, title_id)
    fresh = start_upload(client, actors.editor, 100, title_id)
    ingest: Ingest = client.app.state.ingest  # type: ignore[attr-defined]
    later = utcnow() + timedelta(hours=database.settings.upload_expiry_hours, minutes=1)
    # Seen from past the expiry, all three rows go; only the unfinished ones had bytes and an asset.
    assert sweep_expired(session, ingest, now=later) == 3
    assert not list(database.settings.upload_root.glob("*.part"))
    assert client.get(f"/assets/{stale.asset_id}", headers=actors.editor).status_code == 404
    assert client.get(f"/assets/{finished.asset_id}", headers=actors.editor).status_code == 200
    assert client.head(stale.url, headers={**actors.editor, **TUS}).status_code == 404
    assert client.get(f"/assets/{fresh.asset_id}", headers=actors.editor).status_code == 404


def test_an_expired_upload_answers_410_until_swept(
    client: TestClient, actors: Actors, title_id: int, session: Session
) -> None:
    from catalogue.models import Upload

    stale = start_upload(client, actors.editor, 100, title_id)
    row = session.get(Upload, stale.url.rsplit("/", 1)[1])
    assert row is not None
    row.expires_at = utcnow() - timedelta(seconds=1)
    session.add(row)
    session.commit()
    response = client.patch(stale.url, content=b"x",
                            headers={**actors.editor, **TUS, **OCTETS, "Upload-Offset": "0"})  # fmt: skip
    assert response.status_code == 410
    assert "start a new upload" in response.json()["detail"]
