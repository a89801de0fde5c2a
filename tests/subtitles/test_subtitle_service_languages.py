"""A title's subtitle and audio languages in the title API and its `language=` filter."""

from __future__ import annotations

from _subtitle_service_media import RUSSIAN_SRT, create_title, upload
from fastapi.testclient import TestClient
from sqlmodel import Session

from catalogue.handlers import AFTER_READY
from catalogue.media.probe import mark_ready
from catalogue.models import Asset, AssetState
from tests.conftest import Actors


def test_published_subtitles_and_master_sound_are_title_languages(
    client: TestClient, actors: Actors, session: Session
) -> None:
    title_id = create_title(client, actors.editor, language="kk")
    other_id = create_title(client, actors.editor, language="kk")
    track = upload(client, actors.editor, title_id, RUSSIAN_SRT.encode(), "ru").json()
    # The probe job marks a master ready with its streams; the audio languages follow.
    asset = Asset(title_id=title_id, kind="main", state=AssetState.probing, original_filename="m.mov",
                  size=1, technical={"streams": [{"kind": "audio", "language": "eng"},
                                                 {"kind": "audio", "language": "und"}]})  # fmt: skip
    session.add(asset)
    session.commit()
    mark_ready(session, asset, then=AFTER_READY)
    session.commit()

    title = client.get(f"/titles/{title_id}", headers=actors.editor).json()
    assert (title["subtitle_languages"], title["audio_languages"]) == ([], ["en"])
    found = client.get("/titles", params={"language": "ru"}, headers=actors.editor).json()
    assert [t["id"] for t in found["items"]] == []  # a draft track is not a language yet

    client.post(
        f"/titles/{title_id}/subtitles/{track['id']}/status",
        headers=actors.editor,
        json={"status": "published"},
    )
    title = client.get(f"/titles/{title_id}", headers=actors.editor).json()
    assert title["subtitle_languages"] == ["ru"]
    for language in ("ru", "en"):
        found = client.get("/titles", params={"language": language}, headers=actors.editor).json()
        assert [t["id"] for t in found["items"]] == [title_id], language
    found = client.get("/titles", params={"language": "kk"}, headers=actors.editor).json()
    assert sorted(t["id"] for t in found["items"]) == sorted([title_id, other_id])
