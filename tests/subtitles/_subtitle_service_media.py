"""Subtitle files as partners send them, and API helpers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from catalogue.models import Job, JobStatus, RenditionSet
from catalogue.settings import Settings
from catalogue.worker import run_until_idle
from tests.conftest import Actors, Database
from tests.support.assets import ready_asset

RUSSIAN_SRT = (
    "1\r\n00:00:01,000 --> 00:00:03,000\r\nПривет, как дела?\r\n\r\n"
    "2\r\n00:00:04,000 --> 00:00:06,000\r\nВсё хорошо, спасибо.\r\n"
)
CHINESE_SRT = (
    "1\n00:00:01,000 --> 00:00:03,000\n你好，欢迎来到电影节。\n\n"
    "2\n00:00:04,000 --> 00:00:06,000\n我们明天见。\n"
)
ENGLISH_SRT = (
    "1\n00:00:00,500 --> 00:00:02,000\nThe steppe wind\n\n"
    "2\n00:00:02,200 --> 00:00:02,900\nis rising.\n"
)
# What arrives from subtitling houses: BOM, CRLF, blank lines before and between cues, a
# numbering gap, dots for commas, spaces at line ends and no final line break.
MESSY_SRT = (
    "\ufeff\r\n\r\n1\r\n00:00:01,000 --> 00:00:02,500  \r\nOne  \r\n\r\n\r\n"
    "3\r\n00:00:03.000 --> 00:00:04.500\r\n<i>Two</i>\r\nlines\r\n\r\n"
    "4\r\n00:00:05,000 --> 00:00:06,000\r\nThree"
)
ASS = """[Script Info]
ScriptType: v4.00+
PlayResX: 384
PlayResY: 288

[V4+ Styles]
Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding
Style: Default,Arial,20,&H00FFFFFF,&H000000FF,&H00000000,&H00000000,0,0,0,0,100,100,0,0,1,2,0,2,10,10,10,1

[Events]
Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text
Dialogue: 0,0:00:01.00,0:00:03.00,Default,,0,0,0,,Бiз кинотеатрда\\Nкездесеміз
Dialogue: 0,0:00:04.00,0:00:06.00,Default,,0,0,0,,{\\i1}Сау болыңыз{\\i0}
"""
TTML = """<?xml version="1.0" encoding="UTF-8"?>
<tt xmlns="http://www.w3.org/ns/ttml" xml:lang="fr"><body><div>
<p begin="00:00:01.000" end="00:00:03.000">Bonjour à tous</p>
<p begin="00:00:04.000" end="00:00:06.000">À demain</p>
</div></body></tt>
"""
BROKEN_SRT = "1\n00:00:01,000 --> 00:00:02,000\nFine\n\n2\n00:00:03,000 --> later\nBroken timing\n"
OVERLAPPING_SRT = (
    "1\n00:00:01,000 --> 00:00:03,000\nFirst\n\n"
    "2\n00:00:02,500 --> 00:00:04,000\nSecond starts too early\n\n"
    "3\n00:00:05,000 --> 00:00:05,900\nThis one is far too long to be read in under a second at all\n"
)


def create_title(client: TestClient, headers: dict[str, str], language: str = "kk") -> int:
    response = client.post(
        "/titles",
        headers=headers,
        json={"kind": "drama", "original_title": "Дала желі", "original_language": language},
    )
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def upload(
    client: TestClient,
    headers: dict[str, str],
    title_id: int,
    data: bytes,
    language: str,
    kind: str = "subtitles",
    filename: str = "subs.srt",
) -> Any:
    return client.post(
        f"/titles/{title_id}/subtitles",
        headers=headers,
        files={"file": (filename, data, "application/octet-stream")},
        data={"language": language, "kind": kind},
    )


def run_jobs(database: Database, settings: Settings) -> None:
    """Run the queued jobs to the end; every one must have succeeded."""
    outcomes = run_until_idle(database.engine, settings)
    with Session(database.engine) as session:
        failed = [
            (j.kind, j.error) for j in session.exec(select(Job)) if j.status != JobStatus.succeeded
        ]
    assert failed == [], outcomes


def transcoded(
    client: TestClient,
    actors: Actors,
    database: Database,
    settings: Settings,
    session: Session,
    clip: Path,
) -> tuple[int, RenditionSet]:
    """A new title with `clip` as its ready master, transcoded: its id and rendition set."""
    title_id = create_title(client, actors.editor)
    asset = ready_asset(session, settings, clip, title_id=title_id)
    run_jobs(database, settings)
    row = session.exec(select(RenditionSet).where(RenditionSet.asset_id == asset.id)).one()
    return title_id, row


def publish(client: TestClient, actors: Actors, title_id: int, data: str, language: str) -> str:
    """Upload a track and publish it; the track's API path."""
    track = upload(client, actors.editor, title_id, data.encode(), language)
    assert track.status_code == 201, track.text
    path = f"/titles/{title_id}/subtitles/{track.json()['id']}"
    response = client.post(f"{path}/status", headers=actors.editor, json={"status": "published"})
    assert response.status_code == 200, response.text
    return path
