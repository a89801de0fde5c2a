"""A server killed while it completes an upload (the master already moved into storage, the rows
not yet committed): the client's HEAD-then-PATCH resumption still finishes the upload, with the
master's bytes intact and no second copy in storage. Found by bench/chaos.py's kill window."""

from __future__ import annotations

import hashlib
import os

import pytest
from fastapi.testclient import TestClient

from catalogue.ingest import uploads
from catalogue.settings import Settings
from tests.conftest import Actors, Database
from tests.ingest.conftest import OCTETS, TUS, start_upload


class Killed(Exception):
    """The process dies here: nothing after this point of `_complete` happens."""


def test_a_crash_after_the_master_is_stored_leaves_an_upload_the_client_can_finish(
    client: TestClient, actors: Actors, title_id: int, database: Database,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    data = os.urandom(2000)
    started = start_upload(client, actors.editor, len(data), title_id)
    first = client.patch(started.url, content=data[:1000],
                         headers={**actors.editor, **TUS, **OCTETS, "Upload-Offset": "0"})  # fmt: skip
    assert first.status_code == 204

    def killed_after_the_move(*_: object) -> None:  # enqueue_probe runs after put_file(move=True)
        raise Killed

    monkeypatch.setattr(uploads, "enqueue_probe", killed_after_the_move)
    killed = client.patch(started.url, content=data[1000:],
                          headers={**actors.editor, **TUS, **OCTETS, "Upload-Offset": "1000"})  # fmt: skip
    assert killed.status_code == 500  # what the client sees of a server that died mid-request
    monkeypatch.undo()

    head = client.head(started.url, headers={**actors.editor, **TUS})
    assert head.status_code == 200
    offset = int(head.headers["Upload-Offset"])
    if offset < len(data):
        resumed = client.patch(started.url, content=data[offset:],
                               headers={**actors.editor, **TUS, **OCTETS, "Upload-Offset": str(offset)})  # fmt: skip
        assert resumed.status_code == 204, resumed.text
    asset = client.get(f"/assets/{started.asset_id}", headers=actors.editor).json()
    assert asset["sha256"] == hashlib.sha256(data).hexdigest()
    assert asset["state"] != "uploading"
    media = Settings.model_validate(database.settings.model_dump()).media_root
    masters = [p for p in media.rglob("master*") if p.is_file()]
    assert len(masters) == 1  # no orphan copy left by the killed completion
