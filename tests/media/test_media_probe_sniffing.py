"""An HTML page uploaded as a master ends rejected as what it is, through tus and the probe job."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.conftest import Actors, Database
from tests.ingest.conftest import settle, upload_bytes

ERROR_PAGE = (
    b"<!DOCTYPE html>\n<html><head><title>Sign in</title></head>\n"
    b"<body><p>Your session expired: sign in again to download this file.</p></body></html>\n"
)


def test_an_html_page_named_mp4_is_rejected_as_an_html_document(
    client: TestClient, actors: Actors, database: Database, title_id: int
) -> None:
    started = upload_bytes(client, actors.editor, ERROR_PAGE, title_id, filename="feature.mp4")
    asset = settle(client, actors.editor, database, started.asset_id)
    assert asset["state"] == "rejected"
    assert asset["rejection_reasons"] == ["not a video file: HTML document"]
    assert asset["technical"] is None
