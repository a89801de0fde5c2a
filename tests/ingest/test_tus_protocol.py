"""The tus 1.0 protocol through the app: discovery, creation, offsets, checksums, limits, auth."""

from __future__ import annotations

import hashlib
import os

from fastapi.testclient import TestClient

from tests.conftest import Actors, Database
from tests.ingest.conftest import OCTETS, TUS, metadata, sha1_header, start_upload, upload_bytes


def _patch(
    client: TestClient, headers: dict[str, str], url: str, offset: int, body: bytes, **extra: str
):  # type: ignore[no-untyped-def]
    return client.patch(
        url,
        content=body,
        headers={**headers, **TUS, **OCTETS, "Upload-Offset": str(offset), **extra},
    )


def test_options_advertises_version_extensions_limit_and_checksums(
    client: TestClient, actors: Actors
) -> None:
    response = client.options("/uploads", headers=actors.editor)
    assert response.status_code == 204
    assert response.headers["Tus-Version"] == "1.0.0"
    assert response.headers["Tus-Resumable"] == "1.0.0"
    extensions = response.headers["Tus-Extension"].split(",")
    assert {"creation", "creation-with-upload", "termination", "expiration", "checksum"} <= set(
        extensions
    )
    assert int(response.headers["Tus-Max-Size"]) > 0
    assert response.headers["Tus-Checksum-Algorithm"].split(",") == ["sha1", "sha256"]


def test_upload_in_chunks_records_size_and_sha256(
    client: TestClient, actors: Actors, title_id: int
) -> None:
    data = os.urandom(700_000)
    started = upload_bytes(client, actors.editor, data, title_id, chunk=200_000)
    asset = client.get(f"/assets/{started.asset_id}", headers=actors.editor).json()
    assert asset["state"] in ("uploaded", "probing", "rejected")  # random bytes are no video
    assert asset["size"] == len(data)
    assert asset["uploaded_bytes"] == len(data)
    assert asset["sha256"] == hashlib.sha256(data).hexdigest()
    assert asset["original_filename"] == "master.mp4"


def test_head_reports_offset_length_metadata_and_expiry(
    client: TestClient, actors: Actors, title_id: int
) -> None:
    started = start_upload(client, actors.editor, 1000, title_id, kind="trailer", filename="t.mov")
    assert _patch(client, actors.editor, started.url, 0, b"x" * 300).status_code == 204
    response = client.head(started.url, headers={**actors.editor, **TUS})
    assert response.status_code == 200
    assert response.headers["Upload-Offset"] == "300"
    assert response.headers["Upload-Length"] == "1000"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Upload-Expires"].endswith("GMT")
    assert response.headers["Upload-Metadata"] == metadata(
        title_id=str(title_id), kind="trailer", filename="t.mov"
    )


def test_wrong_offset_is_409_and_changes_nothing(
    client: TestClient, actors: Actors, title_id: int
) -> None:
    started = start_upload(client, actors.editor, 1000, title_id)
    assert _patch(client, actors.editor, started.url, 0, b"a" * 100).status_code == 204
    response = _patch(client, actors.editor, started.url, 50, b"b" * 100)
    assert response.status_code == 409
    assert "HEAD" in response.json()["detail"]
    assert response.headers["Tus-Resumable"] == "1.0.0"
    assert (
        client.head(started.url, headers={**actors.editor, **TUS}).headers["Upload-Offset"] == "100"
    )


def test_checksum_mismatch_is_460_discards_the_chunk_and_keeps_the_hash_right(
    client: TestClient, actors: Actors, title_id: int
) -> None:
    data = os.urandom(2000)
    started = start_upload(client, actors.editor, len(data), title_id)
    ok = _patch(
        client,
        actors.editor,
        started.url,
        0,
        data[:1000],
        **{"Upload-Checksum": sha1_header(data[:1000])},
    )
    assert ok.status_code == 204
    bad = _patch(
        client,
        actors.editor,
        started.url,
        1000,
        b"\0" * 1000,
        **{"Upload-Checksum": sha1_header(data[1000:])},
    )
    assert bad.status_code == 460
    assert "resend it from offset 1000" in bad.json()["detail"]
    assert (
        client.head(started.url, headers={**actors.editor, **TUS}).headers["Upload-Offset"]
        == "1000"
    )
    good = _patch(
        client,
        actors.editor,
        started.url,
        1000,
        data[1000:],
        **{"Upload-Checksum": sha1_header(data[1000:], "sha256")},
    )
    assert good.status_code == 204
    asset = client.get(f"/assets/{started.asset_id}", headers=actors.editor).json()
    assert asset["sha256"] == hashlib.sha256(data).hexdigest()


def test_unknown_checksum_algorithm_is_refused(
    client: TestClient, actors: Actors, title_id: int
) -> None:
    started = start_upload(client, actors.editor, 10, title_id)
    response = _patch(
        client, actors.editor, started.url, 0, b"x" * 10, **{"Upload-Checksum": "md5 AAAA"}
    )
    assert response.status_code == 400
    assert "sha1, sha256" in response.json()["detail"]


def test_over_the_size_limit_is_413_before_any_bytes(
    client: TestClient, actors: Actors, title_id: int, database: Database
) -> None:
    limit = database.settings.upload_max_bytes
    response = client.post(
        "/uploads",
        headers={**actors.editor, **TUS, "Upload-Length": str(limit + 1),
                 "Upload-Metadata": metadata(title_id=str(title_id))},
    )  # fmt: skip
    assert response.status_code == 413
    assert str(limit) in response.json()["detail"]
    assert not list(database.settings.upload_root.glob("*.part"))


def test_a_body_past_the_declared_length_is_413_and_stores_nothing(
    client: TestClient, actors: Actors, title_id: int
) -> None:
    started = start_upload(client, actors.editor, 100, title_id)
    assert _patch(client, actors.editor, started.url, 0, b"x" * 150).status_code == 413
    assert (
        client.head(started.url, headers={**actors.editor, **TUS}).headers["Upload-Offset"] == "0"
    )


def test_missing_tus_version_is_412_with_the_supported_version(
    client: TestClient, actors: Actors, title_id: int
) -> None:
    response = client.post("/uploads", headers={**actors.editor, "Upload-Length": "10"})
    assert response.status_code == 412
    assert response.headers["Tus-Version"] == "1.0.0"


def test_patch_needs_the_offset_content_type(
    client: TestClient, actors: Actors, title_id: int
) -> None:
    started = start_upload(client, actors.editor, 10, title_id)
    response = client.patch(
        started.url, content=b"x", headers={**actors.editor, **TUS, "Upload-Offset": "0",
                                           "Content-Type": "application/octet-stream"},
    )  # fmt: skip
    assert response.status_code == 415


def test_metadata_must_name_an_existing_title_and_a_known_kind(
    client: TestClient, actors: Actors, title_id: int
) -> None:
    def create(meta: str) -> tuple[int, str]:
        response = client.post(
            "/uploads",
            headers={**actors.editor, **TUS, "Upload-Length": "10", "Upload-Metadata": meta},
        )
        return response.status_code, response.json()["detail"]

    status, detail = create(metadata(filename="a.mp4"))
    assert status == 400 and "title_id" in detail
    status, detail = create(metadata(title_id="99999"))
    assert status == 422 and "no title 99999" in detail
    status, detail = create(metadata(title_id=str(title_id), kind="bloopers"))
    assert status == 422 and "audio_description" in detail
    status, detail = create("title_id !!!notbase64")
    assert status == 400 and "base64" in detail


def test_client_filename_is_a_label_never_a_path(
    client: TestClient, actors: Actors, title_id: int, database: Database
) -> None:
    started = upload_bytes(
        client,
        actors.editor,
        b"not media",
        title_id,
        filename="../../etc/cron.d/Көш\x00пенділер.MOV",
    )
    asset = client.get(f"/assets/{started.asset_id}", headers=actors.editor).json()
    assert asset["original_filename"] == "Көшпенділер.MOV"
    stored = [p for p in database.settings.media_root.rglob("*") if p.is_file()]
    assert [p.name for p in stored] == ["master.mov"]
    assert stored[0].is_relative_to(database.settings.media_root / "assets" / str(started.asset_id))


def test_creation_with_upload_takes_the_first_bytes_along(
    client: TestClient, actors: Actors, title_id: int
) -> None:
    response = client.post(
        "/uploads",
        content=b"y" * 40,
        headers={**actors.editor, **TUS, **OCTETS, "Upload-Length": "100",
                 "Upload-Metadata": metadata(title_id=str(title_id))},
    )  # fmt: skip
    assert response.status_code == 201
    assert response.headers["Upload-Offset"] == "40"
    assert (
        client.head(response.headers["Location"], headers={**actors.editor, **TUS}).headers[
            "Upload-Offset"
        ]
        == "40"
    )


def test_termination_removes_bytes_and_the_unfinished_asset(
    client: TestClient, actors: Actors, title_id: int, database: Database
) -> None:
    started = start_upload(client, actors.editor, 100, title_id)
    _patch(client, actors.editor, started.url, 0, b"z" * 50)
    assert list(database.settings.upload_root.glob("*.part"))
    assert client.delete(started.url, headers={**actors.editor, **TUS}).status_code == 204
    assert not list(database.settings.upload_root.glob("*.part"))
    assert client.head(started.url, headers={**actors.editor, **TUS}).status_code == 404
    assert client.get(f"/assets/{started.asset_id}", headers=actors.editor).status_code == 404


def test_uploads_are_for_editors_and_admins_and_private_to_their_creator(
    client: TestClient, actors: Actors, title_id: int
) -> None:
    started = start_upload(client, actors.editor, 100, title_id)
    assert client.head(started.url, headers={**actors.admin, **TUS}).status_code == 404
    assert _patch(client, actors.admin, started.url, 0, b"x").status_code == 404
    assert client.delete(started.url, headers={**actors.admin, **TUS}).status_code == 404
    for who in (actors.programmer, actors.partner):
        response = client.post("/uploads", headers={**who, **TUS, "Upload-Length": "1",
                                                    "Upload-Metadata": metadata(title_id=str(title_id))})  # fmt: skip
        assert response.status_code == 403
        assert response.headers["Tus-Resumable"] == "1.0.0"
    anonymous = client.head(started.url, headers=TUS)
    assert anonymous.status_code == 401
    assert anonymous.headers["Tus-Resumable"] == "1.0.0"
    assert start_upload(client, actors.admin, 10, title_id).url
