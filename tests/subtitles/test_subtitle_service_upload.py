"""Uploading subtitle files as partners send them: every format and encoding ends as UTF-8
WebVTT beside the untouched original; unreadable files are refused with the line and why."""

from __future__ import annotations

import codecs

import pytest
from _subtitle_service_media import (
    ASS,
    BROKEN_SRT,
    CHINESE_SRT,
    MESSY_SRT,
    RUSSIAN_SRT,
    TTML,
    create_title,
    upload,
)
from fastapi.testclient import TestClient

from tests.conftest import Actors


@pytest.mark.parametrize(
    ("data", "language", "encoding", "source_format", "first_text"),
    [
        (RUSSIAN_SRT.encode("cp1251"), "ru", "cp1251", "srt", "Привет, как дела?"),
        (CHINESE_SRT.encode("gb18030"), "zh-Hans", "gb18030", "srt", "你好，欢迎来到电影节。"),
        (
            codecs.BOM_UTF16_LE + RUSSIAN_SRT.encode("utf-16-le"),
            "ru",
            "utf-16-le",
            "srt",
            "Привет, как дела?",
        ),
        (ASS.encode("utf-8"), "kk", "utf-8", "ass", "Бiз кинотеатрда"),
        (TTML.encode("utf-8"), "fr", "utf-8", "ttml", "Bonjour à tous"),
    ],
    ids=["cp1251-russian", "gb18030-chinese", "utf16-bom", "ass", "ttml"],
)
def test_upload_stores_normalised_webvtt_and_the_original(
    client: TestClient,
    actors: Actors,
    data: bytes,
    language: str,
    encoding: str,
    source_format: str,
    first_text: str,
) -> None:
    title_id = create_title(client, actors.editor)
    response = upload(client, actors.editor, title_id, data, language)
    assert response.status_code == 201, response.text
    track = response.json()
    assert (track["language"], track["kind"], track["status"]) == (language, "subtitles", "draft")
    assert (track["source_encoding"], track["source_format"], track["cue_count"]) == (
        encoding, source_format, 2,
    )  # fmt: skip

    vtt = client.get(f"/titles/{title_id}/subtitles/{track['id']}.vtt", headers=actors.editor)
    assert vtt.status_code == 200 and vtt.headers["content-type"].startswith("text/vtt")
    assert vtt.text.startswith("WEBVTT") and first_text in vtt.text
    assert "00:00:01.000 --> 00:00:03.000" in vtt.text
    original = client.get(
        f"/titles/{title_id}/subtitles/{track['id']}/original", headers=actors.editor
    )
    assert original.content == data


def test_messy_crlf_srt_is_read_cue_by_cue(client: TestClient, actors: Actors) -> None:
    title_id = create_title(client, actors.editor)
    response = upload(client, actors.editor, title_id, MESSY_SRT.encode("utf-8"), "en")
    assert response.status_code == 201, response.text
    track_id = response.json()["id"]
    assert response.json()["cue_count"] == 3
    srt = client.get(f"/titles/{title_id}/subtitles/{track_id}.srt", headers=actors.programmer)
    assert srt.status_code == 200 and "\r" not in srt.text
    assert srt.text.startswith("1\n00:00:01,000 --> 00:00:02,500\nOne\n")
    assert "2\n00:00:03,000 --> 00:00:04,500\n<i>Two</i>\nlines\n" in srt.text
    assert "3\n00:00:05,000 --> 00:00:06,000\nThree\n" in srt.text


def test_an_unreadable_file_is_a_422_naming_the_line(client: TestClient, actors: Actors) -> None:
    title_id = create_title(client, actors.editor)
    response = upload(client, actors.editor, title_id, BROKEN_SRT.encode(), "en")
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert "line 6" in detail and "cannot read the subtitles" in detail, detail
    assert client.get(f"/titles/{title_id}/subtitles", headers=actors.editor).json() == []


@pytest.mark.parametrize(
    ("fields", "data", "expected"),
    [
        ({"language": "klingon!"}, b"x", "language"),
        ({"language": "en", "kind": "karaoke"}, b"x", "kind"),
        ({}, b"x", "language: missing"),
        ({"language": "en"}, b"\x00\x01\x02\xff" * 50, "cannot read"),
    ],
)
def test_bad_fields_are_refused_with_what_to_send(
    client: TestClient, actors: Actors, fields: dict[str, str], data: bytes, expected: str
) -> None:
    title_id = create_title(client, actors.editor)
    response = client.post(
        f"/titles/{title_id}/subtitles",
        headers=actors.editor,
        files={"file": ("a.srt", data)},
        data=fields,
    )
    assert response.status_code == 422 and expected in response.json()["detail"], response.text


def test_a_file_over_the_cap_is_refused_before_parsing(
    client: TestClient, actors: Actors, app
) -> None:  # type: ignore[no-untyped-def]
    app.state.settings = app.state.settings.model_copy(update={"subtitle_max_bytes": 1000})
    title_id = create_title(client, actors.editor)
    response = upload(client, actors.editor, title_id, RUSSIAN_SRT.encode() * 100, "ru")
    assert response.status_code == 413 and "larger than 1000 bytes" in response.json()["detail"]


def test_the_client_filename_is_only_a_sanitised_label(client: TestClient, actors: Actors) -> None:
    title_id = create_title(client, actors.editor)
    response = upload(
        client,
        actors.editor,
        title_id,
        RUSSIAN_SRT.encode(),
        "ru",
        filename="../../etc/cron.d/x.srt",
    )
    assert response.status_code == 201
    assert response.json()["original_filename"] == "x.srt"


def test_one_track_per_language_and_kind(client: TestClient, actors: Actors) -> None:
    title_id = create_title(client, actors.editor)
    first = upload(client, actors.editor, title_id, RUSSIAN_SRT.encode(), "ru")
    again = upload(client, actors.editor, title_id, RUSSIAN_SRT.encode(), "ru")
    assert again.status_code == 409
    assert f"/subtitles/{first.json()['id']}/file" in again.json()["detail"]
    captions = upload(client, actors.editor, title_id, RUSSIAN_SRT.encode(), "ru", kind="captions")
    assert captions.status_code == 201 and captions.json()["name"] == "Русский (SDH)"


def test_staff_read_editors_write_partners_see_nothing(client: TestClient, actors: Actors) -> None:
    title_id = create_title(client, actors.editor)
    track_id = upload(client, actors.editor, title_id, RUSSIAN_SRT.encode(), "ru").json()["id"]
    client.post(f"/titles/{title_id}/status", headers=actors.editor, json={"status": "published"})
    base = f"/titles/{title_id}/subtitles"
    assert client.get(base, headers=actors.programmer).status_code == 200
    assert (
        upload(client, actors.programmer, title_id, RUSSIAN_SRT.encode(), "kk").status_code == 403
    )
    for path in (base, f"{base}/{track_id}", f"{base}/{track_id}.vtt", f"{base}/{track_id}.srt"):
        assert client.get(path, headers=actors.partner).status_code == 404, path
    assert client.get(f"{base}/999", headers=actors.editor).status_code == 404
