"""What the reader skipped reaches the editor: a WebVTT block dropped on upload and a blank line
kept inside SRT text are QC warnings in the API, with the file's line number."""

from __future__ import annotations

from _subtitle_service_media import create_title, upload
from fastapi.testclient import TestClient

from tests.conftest import Actors

PARTLY_BROKEN_VTT = (
    "WEBVTT\n\n"
    "00:00:01.000 --> 00:00:02.500\nFirst\n\n"
    "00:00:03.000 --> 00:00:0x.000\nLost\n\n"
    "00:00:05.000 --> 00:00:06.500\nThird\n"
)


def test_a_dropped_webvtt_block_is_a_warning_with_its_line_and_the_rest_is_imported(
    client: TestClient, actors: Actors
) -> None:
    title_id = create_title(client, actors.editor)
    response = upload(
        client, actors.editor, title_id, PARTLY_BROKEN_VTT.encode(), "en", filename="subs.vtt"
    )
    assert response.status_code == 201, response.text
    track = response.json()
    assert track["cue_count"] == 2
    dropped = [f for f in track["qc"]["findings"] if f["code"] == "dropped_block"]
    assert dropped == [
        {
            "code": "dropped_block",
            "severity": "warning",
            "cue": 1,
            "start_ms": None,
            "line": 6,
            "message": "line 6 dropped ('00:00:03.000 --> 00:00:0x.000'): the end time is not a "
            "WebVTT timestamp (HH:MM:SS.mmm or MM:SS.mmm)",
        }
    ]
    assert track["qc"]["publishable"] is True


def test_a_webvtt_upload_with_nothing_readable_is_a_422_naming_the_line(
    client: TestClient, actors: Actors
) -> None:
    title_id = create_title(client, actors.editor)
    response = upload(
        client, actors.editor, title_id, b"WEBVTT\n\n0:01.000 --> 0:02.000\nx\n", "en"
    )
    assert response.status_code == 422
    assert "line 3 dropped" in response.json()["detail"]


def test_a_blank_line_inside_srt_text_is_a_warning_with_its_line(
    client: TestClient, actors: Actors
) -> None:
    title_id = create_title(client, actors.editor)
    data = b"1\n00:00:01,000 --> 00:00:03,000\nOne\n\nstill one\n\n2\n00:00:04,000 --> 00:00:06,000\nTwo\n"
    response = upload(client, actors.editor, title_id, data, "en")
    assert response.status_code == 201, response.text
    assert response.json()["cue_count"] == 2
    blank = [f for f in response.json()["qc"]["findings"] if f["code"] == "blank_line_in_text"]
    assert [(f["line"], f["cue"], f["start_ms"], f["severity"]) for f in blank] == [
        (4, 0, 1000, "warning")
    ]
