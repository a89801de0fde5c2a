"""Bugs the editors met in the pages: the favicon, untagged sound called "English (United
States)", plurals written "1 warnings", and an upload page that went stale after an upload."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from _web_server import Site, new_context, screenshot, sign_in
from fastapi import FastAPI
from fastapi.testclient import TestClient
from playwright.sync_api import Browser, Response, expect
from sqlmodel import Session

from catalogue.media.config import transcoder_config
from catalogue.media.probe import enqueue_probe, technical_metadata
from catalogue.models import Asset, AssetKind, AssetState, Job, JobStatus
from catalogue.web import i18n
from tests.conftest import Actors, Database
from transcoder.probe import probe
from transcoder.testmedia import generate_demo_clip, h264_aac_mp4, zip_as_mp4

SITE = "https://testserver"

# One overlap (an error) and three lines over 42 characters (warnings).
QC_SRT = """1
00:00:01,000 --> 00:00:03,000
Доброе утро.

2
00:00:02,000 --> 00:00:04,000
Завтрак.

3
00:00:06,000 --> 00:00:11,000
Это очень длинная строка субтитров, слишком длинная для экрана.

4
00:00:12,000 --> 00:00:17,000
Это тоже очень длинная строка субтитров, слишком длинная для экрана.

5
00:00:18,000 --> 00:00:23,000
И эта строка субтитров тоже очень длинная, слишком длинная для экрана.
"""


def _sign_in(client: TestClient, headers: dict[str, str], language: str = "en") -> None:
    token = headers["Authorization"].removeprefix("Bearer ")
    client.cookies.set(i18n.LANGUAGE_COOKIE, language)
    response = client.post(
        "/web/sign-in", data={"token": token}, headers={"Origin": SITE}, follow_redirects=False
    )
    assert response.status_code == 303


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    """Over HTTPS, as outside this machine: the session cookie is Secure."""
    with TestClient(app, base_url=SITE, raise_server_exceptions=False) as test_client:
        yield test_client


def _new_title(client: TestClient, actors: Actors) -> int:
    body = {"kind": "drama", "original_title": "Степной ветер", "original_language": "kk"}
    created = client.post("/titles", json=body, headers=actors.editor)
    assert created.status_code == 201, created.text
    return int(created.json()["id"])


def test_web_favicon_is_served(client: TestClient) -> None:
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200
    assert icon.headers["content-type"] == "image/x-icon"
    assert icon.content[:4] == b"\x00\x00\x01\x00"  # an ICO header
    assert '<link rel="icon" href="/favicon.ico"' in client.get("/web/sign-in").text


def test_web_untagged_sound_is_undetermined_and_flagged(
    client: TestClient, actors: Actors, database: Database, session: Session, tmp_path: Path
) -> None:
    master = h264_aac_mp4(tmp_path)  # FFmpeg writes no language tag: "und"
    info = probe(transcoder_config(database.settings), master, frame_timing=False)
    technical = technical_metadata(info)
    title_id = _new_title(client, actors)
    session.add(
        Asset(title_id=title_id, kind=AssetKind.main, state=AssetState.ready,
              original_filename=master.name, size=master.stat().st_size, technical=technical)
    )  # fmt: skip
    session.commit()

    assert i18n.Formatter("en").language_name("und") == "undetermined"
    assert i18n.Formatter("ru").language_name("und") == "не определён"
    _sign_in(client, actors.editor)
    page = client.get(f"/web/titles/{title_id}").text
    assert "English (United States)" not in page
    assert "Sound language undetermined" in page


def test_web_plurals_follow_each_language(
    client: TestClient, actors: Actors, tmp_path: Path
) -> None:
    title_id = _new_title(client, actors)
    attached = client.post(
        f"/titles/{title_id}/subtitles",
        files={"file": ("qc.ru.srt", QC_SRT.encode(), "application/x-subrip")},
        data={"language": "ru", "kind": "subtitles"},
        headers=actors.editor,
    )
    assert attached.status_code == 201, attached.text
    assert (attached.json()["qc"]["errors"], attached.json()["qc"]["warnings"]) == (1, 3)
    expected = {
        "en": "1 error and 3 warnings",
        "ru": "1 ошибка и 3 предупреждения",
        "ar": "خطأ واحد و3 تحذيرات",
        "es": "1 error y 3 advertencias",
        "zh": "1 个错误和3 个警告",
    }
    for language, words in expected.items():
        _sign_in(client, actors.editor, language)
        page = client.get(f"/web/titles/{title_id}/upload").text
        assert f'<span class="qc-counts">{words}</span>' in page, language
        client.cookies.clear()


@pytest.mark.slow
def test_web_upload_page_stays_live_after_an_upload(
    site: Site, browser: Browser, tmp_path: Path
) -> None:
    context = new_context(browser)
    page = sign_in(context, site, "demo-editor")
    failures: list[str] = []

    def record(response: Response) -> None:
        if response.status >= 400:
            failures.append(f"{response.status} {response.url}")

    page.on("response", record)
    for path in ("/web/jobs", "/web/plans", "/web/titles/new", "/web/"):
        page.goto(site.url(path))
    page.click(".card h2 >> nth=0")
    expect(page.locator("h1")).to_be_visible()
    editor = site.tokens["demo-editor"]
    created = page.request.post(
        site.url("/titles"),
        data={"kind": "drama", "original_title": "Новая", "original_language": "ru"},
        headers={"Authorization": f"Bearer {editor}"},
    )
    title_id = created.json()["id"]

    page.goto(site.url(f"/web/titles/{title_id}/upload"))
    expect(page.locator(".masters-of-title")).to_contain_text("No master uploaded yet.")
    clip = generate_demo_clip(tmp_path / "tiny.mp4", seconds=1, width=320, height=180)
    page.set_input_files("#file", str(clip))
    masters = page.locator(".masters-of-title tr[data-asset-id]")
    expect(masters).to_have_count(1)  # without a reload
    expect(masters.locator("a", has_text="Ready to play")).to_be_visible(timeout=120_000)
    expect(page.locator(".progress-box .after a", has_text="Ready to play")).to_be_visible()
    expect(page.locator(".progress-box .figures")).not_to_contain_text("checking the file")

    page.set_input_files("#file", str(zip_as_mp4(tmp_path)))  # not a video: rejected
    expect(page.locator(".progress-box .after")).to_contain_text("This file cannot be used")
    expect(page.locator(".progress-box .figures")).not_to_contain_text("checking the file")
    expect(masters).to_have_count(2)
    expect(page.locator(".masters-of-title tr[data-state=rejected]")).to_have_count(1)
    screenshot(page, "upload-live")
    assert failures == []
    context.close()


def test_web_job_rows_name_the_title_and_the_file(
    client: TestClient, actors: Actors, session: Session
) -> None:
    title_id = _new_title(client, actors)
    localized = client.patch(
        f"/titles/{title_id}",
        json={"localizations": [{"language": "zh", "title": "草原之风"}]},
        headers=actors.editor,
    )
    assert localized.status_code == 200, localized.text
    asset = Asset(title_id=title_id, kind=AssetKind.main, state=AssetState.uploaded,
                  original_filename="steppe-wind-master.mov", size=1)  # fmt: skip
    session.add(asset)
    session.flush()
    assert asset.id is not None
    enqueue_probe(session, asset.id)
    session.commit()

    _sign_in(client, actors.editor, "zh")
    page = client.get("/web/jobs").text
    assert f"asset {asset.id}" not in page
    assert f'<a href="/web/titles/{title_id}"><bdi>草原之风</bdi></a>' in page
    assert '<bdi class="file">steppe-wind-master.mov</bdi>' in page


def test_web_a_chunked_transcode_stays_in_progress_until_its_join(
    client: TestClient, actors: Actors, session: Session
) -> None:
    """A long master's transcode job only plans its chunks and succeeds at once: the list of
    masters must follow the chunks and their join, not call the master done (or 100 %)."""
    title_id = _new_title(client, actors)
    asset = Asset(title_id=title_id, kind=AssetKind.main, state=AssetState.ready,
                  original_filename="long-documentary.mxf", size=1)  # fmt: skip
    session.add(asset)
    session.flush()
    run = {"asset_id": asset.id, "run_id": 7}
    leased = datetime.now(UTC) + timedelta(hours=1)  # no pool reclaims these rows meanwhile
    planned = Job(kind="transcode_asset", status=JobStatus.succeeded, progress=100,
                  payload={"asset_id": asset.id},
                  result={"asset_id": asset.id, "chunked_transcode_id": 7, "chunks": 2})  # fmt: skip
    first = Job(kind="transcode_chunk", status=JobStatus.succeeded, progress=100,
                payload={**run, "chunk": 0})  # fmt: skip
    second = Job(kind="transcode_chunk", status=JobStatus.running, progress=50,
                 lease_until=leased, payload={**run, "chunk": 1})  # fmt: skip
    session.add_all([planned, first, second])
    session.commit()
    _sign_in(client, actors.editor)

    masters = client.get(f"/web/titles/{title_id}/masters").text
    assert 'data-in-progress="yes"' in masters
    assert "Making renditions: 60%" in masters  # the chunks are 80 %: (100 + 50) / 200 of that

    second.status, second.error = JobStatus.failed, "timed out after 7200 s"
    session.add(second)
    session.commit()
    masters = client.get(f"/web/titles/{title_id}/masters").text
    assert "Making renditions failed" in masters
    assert 'data-in-progress="no"' in masters
