"""QC in the API, the publish gate, and retiming as new revisions."""

from __future__ import annotations

from _subtitle_service_media import ENGLISH_SRT, OVERLAPPING_SRT, RUSSIAN_SRT, create_title, upload
from fastapi.testclient import TestClient
from sqlmodel import Session

from catalogue.models import Asset
from tests.conftest import Actors


def _track(client: TestClient, actors: Actors, data: str, language: str = "en") -> tuple[str, dict]:  # type: ignore[type-arg]
    title_id = create_title(client, actors.editor)
    response = upload(client, actors.editor, title_id, data.encode(), language)
    assert response.status_code == 201, response.text
    return f"/titles/{title_id}/subtitles/{response.json()['id']}", response.json()


def test_qc_findings_are_in_the_api_with_code_severity_cue_and_message(
    client: TestClient, actors: Actors
) -> None:
    _, track = _track(client, actors, OVERLAPPING_SRT)
    qc = track["qc"]
    assert qc["publishable"] is False and qc["errors"] == 1 and qc["warnings"] >= 2
    overlap = [f for f in qc["findings"] if f["code"] == "overlap"]
    assert overlap == [
        {
            "code": "overlap",
            "severity": "error",
            "cue": 1,
            "start_ms": 2500,
            "line": None,
            "message": "starts 500 ms before cue 0 ends",
        }
    ]
    codes = {(f["code"], f["severity"], f["cue"]) for f in qc["findings"]}
    assert {("reading_speed", "warning", 2), ("line_too_long", "warning", 2)} <= codes


def test_publishing_is_refused_while_errors_remain_then_allowed(
    client: TestClient, actors: Actors
) -> None:
    path, _ = _track(client, actors, OVERLAPPING_SRT)
    refused = client.post(f"{path}/status", headers=actors.editor, json={"status": "published"})
    assert refused.status_code == 409
    detail = refused.json()["detail"]
    assert "1 QC error(s)" in detail and "cue 2 (00:00:02.500) overlap" in detail, detail
    assert client.get(path, headers=actors.editor).json()["status"] == "draft"

    fixed = client.post(
        f"{path}/file", headers=actors.editor, files={"file": ("fixed.srt", ENGLISH_SRT.encode())}
    )
    assert fixed.status_code == 200 and fixed.json()["revision"] == 2
    published = client.post(f"{path}/status", headers=actors.editor, json={"status": "published"})
    assert published.status_code == 200 and published.json()["status"] == "published"
    assert published.json()["published_at"] is not None

    # A published track never takes a text with blocking errors; it keeps the good one.
    worse = client.post(
        f"{path}/file", headers=actors.editor, files={"file": ("bad.srt", OVERLAPPING_SRT.encode())}
    )
    assert worse.status_code == 409 and "unpublish" in worse.json()["detail"]
    assert client.get(path, headers=actors.editor).json()["revision"] == 2
    assert client.delete(path, headers=actors.editor).status_code == 409


def test_qc_checks_cues_against_the_masters_duration(
    client: TestClient, actors: Actors, session: Session
) -> None:
    path, track = _track(client, actors, RUSSIAN_SRT, "ru")
    assert track["qc"]["video_duration_ms"] is None and track["qc"]["publishable"] is True
    session.add(
        Asset(title_id=track["title_id"], kind="main", state="ready", original_filename="m.mov",
              size=1, technical={"duration": 5.0})
    )  # fmt: skip
    session.commit()
    rechecked = client.post(f"{path}/qc", headers=actors.editor).json()["qc"]
    assert rechecked["video_duration_ms"] == 5000 and rechecked["publishable"] is False
    [past] = [f for f in rechecked["findings"] if f["code"] == "past_video_end"]
    assert past["cue"] == 1 and "video ends at 5000 ms" in past["message"]


def test_shift_makes_a_new_revision_and_keeps_the_history(
    client: TestClient, actors: Actors
) -> None:
    path, _ = _track(client, actors, RUSSIAN_SRT, "ru")
    shifted = client.post(f"{path}/shift", headers=actors.editor, json={"offset_ms": -1500})
    assert shifted.status_code == 200 and shifted.json()["revision"] == 2
    vtt = client.get(f"{path}.vtt", headers=actors.editor).text
    # The first cue (1.0-3.0 s) now starts before 0: it is cut to start at 0.
    assert "00:00:00.000 --> 00:00:01.500" in vtt and "00:00:02.500 --> 00:00:04.500" in vtt
    revisions = client.get(f"{path}/revisions", headers=actors.programmer).json()
    assert [(r["number"], r["operation"], r["current"]) for r in revisions] == [
        (1, "upload", False),
        (2, "shift", True),
    ]
    assert revisions[1]["parameters"] == {
        "offset_ms": -1500,
        "dropped_cues": [],
        "clamped_cues": [0],
    }
    # The original upload stays the original of every retimed revision.
    original = client.get(f"{path}/original", headers=actors.editor)
    assert original.content == RUSSIAN_SRT.encode()


def test_frame_rate_conversion_scales_every_time(client: TestClient, actors: Actors) -> None:
    path, _ = _track(client, actors, RUSSIAN_SRT, "ru")
    converted = client.post(
        f"{path}/frame-rate", headers=actors.editor, json={"from_rate": "24", "to_rate": "25"}
    )
    assert converted.status_code == 200 and converted.json()["revision"] == 2
    srt = client.get(f"{path}.srt", headers=actors.editor).text
    # 24 -> 25 (PAL speed-up): 1000 ms -> 960 ms, 6000 ms -> 5760 ms.
    assert "00:00:00,960 --> 00:00:02,880" in srt and "00:00:03,840 --> 00:00:05,760" in srt
    same = client.post(
        f"{path}/frame-rate", headers=actors.editor, json={"from_rate": "25", "to_rate": "25"}
    )
    assert same.status_code == 422
    unknown = client.post(
        f"{path}/frame-rate", headers=actors.editor, json={"from_rate": "30", "to_rate": "25"}
    )
    assert unknown.status_code == 422


def test_label_and_default_are_editable_and_language_is_checked(
    client: TestClient, actors: Actors
) -> None:
    path, _ = _track(client, actors, RUSSIAN_SRT, "ru")
    changed = client.patch(
        path, headers=actors.editor, json={"label": "Русские субтитры", "default": True}
    )
    assert changed.status_code == 200
    assert (changed.json()["name"], changed.json()["default"]) == ("Русские субтитры", True)
    assert client.patch(path, headers=actors.editor, json={"language": "xx-!!"}).status_code == 422
    assert client.patch(path, headers=actors.editor, json={"label": 'say "hi"'}).status_code == 422
    assert (
        client.patch(path, headers=actors.editor, json={"status": "published"}).status_code == 422
    )
    assert client.delete(path, headers=actors.editor).status_code == 204
    assert client.get(path, headers=actors.editor).status_code == 404
