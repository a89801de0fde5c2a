"""The upload page's tus client meets the API's refusals in English; POST /web/explain says each
in the reader's language by its own sentence, with its figures (the size limit, the offsets) in
the reader's units, not by a general sentence for its status."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from _page_scripts import SITE, explained, sign_in
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from catalogue.errors import PAGE_MESSAGES
from catalogue.ingest import leases
from catalogue.models import Upload
from catalogue.models.types import utcnow
from catalogue.web import explain, i18n
from tests.conftest import Actors, Database
from tests.ingest.conftest import OCTETS, TUS, metadata, sha1_header, start_upload

MB = 1_000_000


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, base_url=SITE, raise_server_exceptions=False) as test_client:
        yield test_client


def _english(answers: Iterable[Any]) -> list[tuple[int, str]]:
    return [(a.status_code, a.json()["detail"]) for a in answers]


@pytest.fixture
def title_id(client: TestClient, actors: Actors) -> int:
    body = {"kind": "drama", "original_title": "Көшпенділер", "original_language": "kk"}
    response = client.post("/titles", json=body, headers=actors.editor)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def _patch(
    client: TestClient,
    actors: Actors,
    url: str,
    offset: int,
    body: bytes | Iterator[bytes],
    **extra: str,
) -> Any:
    headers = {**actors.editor, **TUS, **OCTETS, "Upload-Offset": str(offset), **extra}
    return client.patch(url, content=body, headers=headers)


def _create(client: TestClient, actors: Actors, length: str, meta: str, **extra: str) -> Any:
    headers = {**actors.editor, **TUS, "Upload-Length": length, "Upload-Metadata": meta, **extra}
    return client.post("/uploads", headers=headers)


def test_web_i18n_upload_too_large_is_said_in_arabic_with_the_limit(
    client: TestClient, actors: Actors, title_id: int, database: Database
) -> None:
    limit = database.settings.upload_max_bytes
    too_large = _create(client, actors, str(limit + 1), metadata(title_id=str(title_id)))
    assert too_large.status_code == 413
    english = too_large.json()["detail"]
    assert english == f"Upload-Length {limit + 1} is above this server's limit of {limit} bytes"

    [said] = explained(client, sign_in(client, actors.editor, "ar"), _english([too_large]))
    assert said == {
        "sentence": "الملف أكبر مما يقبله الفهرس: الحد الأقصى 536.9 غ.ب.",
        "detail": english,  # the English beside it
    }


def test_web_i18n_upload_offset_mismatch_and_damaged_chunk_are_said_in_chinese(
    client: TestClient, actors: Actors, title_id: int
) -> None:
    """A part sent from the wrong place (409) and a damaged part (460) name where the upload
    resumes, in megabytes."""
    started = start_upload(client, actors.editor, 3 * MB, title_id)
    assert _patch(client, actors, started.url, 0, b"a" * MB).status_code == 204
    skipped = _patch(client, actors, started.url, 2 * MB, b"c" * MB)
    damaged = _patch(client, actors, started.url, MB, b"\0" * MB,
                     **{"Upload-Checksum": sha1_header(b"b" * MB)})  # fmt: skip
    assert [skipped.status_code, damaged.status_code] == [409, 460]
    assert skipped.json()["detail"] == (
        f"Upload-Offset {2 * MB} does not match the upload's offset {MB}; send HEAD to learn the "
        "offset, then resume from there"
    )

    said = explained(client, sign_in(client, actors.editor, "zh"), _english([skipped, damaged]))
    assert [s["sentence"] for s in said] == [
        "文件的这一部分从 2 MB 处开始发送，但目录已保存该文件的 1 MB：请从那里继续上传。",
        "文件的一部分到达时已损坏，已被丢弃：请从 1 MB 处继续上传。",
    ]


def _refusals(
    client: TestClient, actors: Actors, title_id: int, session: Session
) -> dict[str, Any]:
    """Each refusal a tus client can meet, by the code whose template wrote it."""
    meta = metadata(title_id=str(title_id))
    refused = {
        "tus_version": _create(client, actors, "10", meta, **{"Tus-Resumable": "0.2.2"}),
        "tus_integer": _create(client, actors, "ten", meta),
        "tus_metadata_key": _create(client, actors, "10", f"{meta},{meta}"),
        "tus_metadata_encoding": _create(client, actors, "10", "title_id !!!notbase64"),
        "upload_no_title_id": _create(client, actors, "10", metadata(filename="a.mp4")),
        "upload_title_id_range": _create(client, actors, "10", metadata(title_id="0")),
        "upload_kind": _create(client, actors, "10", metadata(title_id=str(title_id),
                                                              kind="bloopers")),
        "upload_no_title": _create(client, actors, "10", metadata(title_id="999999")),
        "upload_too_large": _create(client, actors, str(10**15), meta),
        "no_upload": _patch(client, actors, "/uploads/0123abcd", 0, b"x"),
    }  # fmt: skip
    url = start_upload(client, actors.editor, 100, title_id).url
    refused |= {
        "tus_content_type": client.patch(url, content=b"x", headers={
            **actors.editor, **TUS, "Upload-Offset": "0", "Content-Type": "text/plain"}),
        "tus_checksum_algorithm": _patch(client, actors, url, 0, b"x",
                                         **{"Upload-Checksum": "md5 AAAA"}),
        "tus_checksum_encoding": _patch(client, actors, url, 0, b"x",
                                        **{"Upload-Checksum": "sha1 !!!"}),
        "tus_checksum_length": _patch(client, actors, url, 0, b"x",
                                      **{"Upload-Checksum": "sha1 AAAA"}),
        "upload_chunk_too_large": _patch(client, actors, url, 0, b"x" * 150),
        # No Content-Length (a chunked body): the route counts the bytes as they come.
        "upload_body_too_long": _patch(client, actors, url, 0, iter([b"x" * 150])),
        "offset_mismatch": _patch(client, actors, url, 50, b"x"),
        "checksum_mismatch": _patch(client, actors, url, 0, b"x",
                                    **{"Upload-Checksum": sha1_header(b"y")}),
    }  # fmt: skip
    upload_id = url.rsplit("/", 1)[1]
    leases.claim(session, upload_id, 60)  # another request is writing it
    refused["upload_locked"] = client.delete(url, headers={**actors.editor, **TUS})
    expired = start_upload(client, actors.editor, 100, title_id).url
    row = session.get(Upload, expired.rsplit("/", 1)[1])
    assert row is not None
    row.expires_at = utcnow() - timedelta(seconds=1)
    session.add(row)
    session.commit()
    refused["upload_expired"] = _patch(client, actors, expired, 0, b"x")
    return refused


def test_web_i18n_upload_every_tus_refusal_has_its_own_sentence(
    client: TestClient, actors: Actors, title_id: int, session: Session
) -> None:
    """Each refusal the API answers reads back to the template that wrote it, so the page says
    that template's sentence in Spanish, not its status's general one."""
    refused = _refusals(client, actors, title_id, session)
    statuses = {code: answer.status_code for code, answer in refused.items()}
    assert statuses == {
        "tus_version": 412, "tus_integer": 400, "tus_metadata_key": 400,
        "tus_metadata_encoding": 400, "upload_no_title_id": 400, "upload_title_id_range": 400,
        "upload_kind": 422, "upload_no_title": 422, "upload_too_large": 413, "no_upload": 404,
        "tus_content_type": 415, "tus_checksum_algorithm": 400, "tus_checksum_encoding": 400,
        "tus_checksum_length": 400, "upload_chunk_too_large": 413, "upload_body_too_long": 413,
        "offset_mismatch": 409, "checksum_mismatch": 460, "upload_locked": 423,
        "upload_expired": 410,
    }  # fmt: skip
    for code, answer in refused.items():
        found = explain.read(PAGE_MESSAGES, answer.json()["detail"])
        assert found is not None and found[0] == code, (code, answer.json()["detail"])

    es = i18n.translations("es")
    said = explained(client, sign_in(client, actors.editor, "es"), _english(refused.values()))
    spanish = dict(zip(refused, (s["sentence"] for s in said), strict=True))
    general = {es.gettext(s) for s in explain.STATUS_SENTENCES.values()}
    assert [code for code, sentence in spanish.items() if sentence in general] == []
    assert spanish["upload_too_large"] == (
        "El archivo es más grande de lo que acepta el catálogo: como máximo 536,9 GB."
    )
    assert spanish["upload_title_id_range"] == (
        "0 no es un número de título: los números van del 1 al 2.147.483.647."
    )
