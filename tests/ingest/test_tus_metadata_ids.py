"""Upload-Metadata `title_id` that is not a row id is a 400 with a message, never a 500 (issue 12)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.conftest import Actors
from tests.ingest.conftest import TUS, metadata


@pytest.mark.parametrize(
    "title_id",
    ["²", "١٢", "0", str(2**31), str(2**63), str(2**64), "9" * 400],
    ids=["superscript", "arabic-indic", "zero", "2^31", "2^63", "2^64", "400 digits"],
)
def test_a_title_id_that_is_not_a_row_id_is_refused_with_400(
    client: TestClient, actors: Actors, title_id: str
) -> None:
    response = client.post(
        "/uploads",
        headers={
            **actors.editor,
            **TUS,
            "Upload-Length": "10",
            "Upload-Metadata": metadata(title_id=title_id, filename="a.mp4"),
        },
    )
    assert response.status_code == 400, response.text
    assert "title_id" in response.json()["detail"]
    assert response.headers["Tus-Resumable"] == "1.0.0"
