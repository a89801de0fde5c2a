"""The API answers in English; the pages' scripts show its refusals in the reader's language:
each {status, detail} is said by POST /web/explain as the error pages say it (a plan's edit,
status change, copies and required screenings; a missing job or asset; a tus upload refused)."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import date

import pytest
from _page_scripts import (
    SITE,
    draft_plan_at_hall,
    explained,
    first_partner_and_title,
    moving_on_plan_page,
    sign_in,
)
from _web_server import Site, screenshot
from fastapi import FastAPI
from fastapi.testclient import TestClient
from playwright.sync_api import Browser, expect
from sqlmodel import Session

from catalogue.models import Asset, AssetKind, AssetState, Venue
from tests.conftest import Actors, Database
from tests.ingest.conftest import TUS, metadata

TUESDAY = date(2027, 3, 2)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, base_url=SITE, raise_server_exceptions=False) as test_client:
        yield test_client


def _english(answer: object) -> tuple[int, str]:
    status, body = answer.status_code, answer.json()  # type: ignore[attr-defined]
    assert isinstance(body["detail"], str), body
    return status, body["detail"]


def _plan(session: Session, partner_id: int, title_id: int) -> tuple[int, int, int]:
    """A draft plan with the same title at one hall on Tuesday and Wednesday, both at 19:00 (the
    hall's slot): moving Wednesday's onto Tuesday takes a place the plan already holds."""
    hall = Venue(slug="clash-hall", partner_id=partner_id, name="Arman Hall 2", city="Almaty",
                 country="KZ", time_zone="Asia/Almaty")  # fmt: skip
    plan_id, (tuesday, wednesday) = draft_plan_at_hall(
        session, partner_id, title_id, [TUESDAY, date(2027, 3, 3)], hall
    )
    return plan_id, tuesday, wednesday


def _title(client: TestClient, actors: Actors) -> int:
    body = {"kind": "drama", "original_title": "Степной ветер", "original_language": "kk"}
    return int(client.post("/titles", json=body, headers=actors.editor).json()["id"])


def test_web_i18n_api_plan_refusals_are_said_in_chinese(
    client: TestClient, actors: Actors, session: Session
) -> None:
    """The plan page's scripts meet these API refusals: each is said in Chinese, the figures in
    it kept, and the JSON API still answers in English."""
    title_id = _title(client, actors)
    plan_id, _tuesday, wednesday = _plan(session, actors.partner_id, title_id)
    url, who = f"/plans/{plan_id}", actors.programmer
    move = {"action": "move", "screening_id": wednesday, "day": TUESDAY.isoformat(), "force": True}
    answers = [
        client.post(f"{url}/edits", json=move, headers=who),
        client.post(f"{url}/status", json={"state": "draft"}, headers=who),
        client.put(f"{url}/copies", json=[{"title_id": title_id, "count": 1}] * 2, headers=who),
        client.put(f"{url}/must-screen", json=[{"title_id": title_id, "country": "UZ"}],
                   headers=who),
        client.put(f"{url}/must-screen", json=[{"title_id": title_id, "earliest": "2028-01-05"}],
                   headers=who),
        client.put(f"{url}/copies", json=[{"title_id": title_id + 1000, "count": 1}], headers=who),
    ]  # fmt: skip
    english = [_english(a) for a in answers]
    assert [s for s, _ in english] == [409, 409, 422, 422, 422, 422]
    assert english[0][1] == (
        f"plan {plan_id} already has screening {_tuesday} at that venue and time"
    )
    assert english[1][1].startswith(f"plan {plan_id} is draft; it can become ")

    script = sign_in(client, actors.programmer, "zh")
    said = [s["sentence"] for s in explained(client, script, english)]
    assert said == [
        "该计划在此场馆和时间已有这部片目的放映。",
        "此计划的状态为“草稿”：不能改为“草稿”。",
        f"片目{title_id}出现了两次：每部片目只填一次。",
        "乌兹别克斯坦不是此计划的国家之一。",
        "2028年1月5日不在计划的日期范围内（2027年1月1日至2027年12月31日）。",
        f"片目{title_id + 1000}不在此计划的片目中。",
    ]


def test_web_i18n_api_missing_job_and_asset_are_said_in_russian(
    client: TestClient, actors: Actors, session: Session
) -> None:
    """A missing job, an asset not yet transcoded, a missing asset: the API's 404s said in
    Russian to a script, and the page for a missing rendition file is Russian."""
    title_id = _title(client, actors)
    asset = Asset(title_id=title_id, kind=AssetKind.main, state=AssetState.uploaded,
                  original_filename="master.mov", size=1)  # fmt: skip
    session.add(asset)
    session.commit()
    answers = [
        client.get("/jobs/999999", headers=actors.editor),
        client.get(f"/assets/{asset.id}/renditions", headers=actors.editor),
        client.get("/assets/999999/renditions", headers=actors.editor),
    ]
    english = [_english(a) for a in answers]
    assert english == [
        (404, "no job 999999"),
        (404, f"asset {asset.id} has no renditions yet; see its transcode job under "
              "/jobs?kind=transcode_asset"),
        (404, "no asset 999999"),
    ]  # fmt: skip
    script = sign_in(client, actors.editor, "ru")
    said = explained(client, script, english)
    assert [s["sentence"] for s in said] == [
        "Под номером 999999 ничего не найдено, или у вас нет доступа.",
        "У этого видео ещё нет версий для воспроизведения: его перекодирование есть в списке "
        "заданий.",
        "Под номером 999999 ничего не найдено, или у вас нет доступа.",
    ]
    assert [s["detail"] for s in said] == [d for _, d in english]  # the English, as a detail

    page = client.get(f"/web/media/{asset.id}/master.m3u8", headers={"Accept": "text/html"})
    assert page.status_code == 404
    alert = re.search(r'<p class="reason">(.*?)</p>', page.text, re.S)
    assert alert is not None
    assert html.unescape(alert.group(1)) == "У этого видео нет такого файла."


def test_web_i18n_api_tus_refusals_on_the_upload_page_are_said_in_arabic(
    client: TestClient, actors: Actors, database: Database
) -> None:
    """What the upload page's tus client meets (a file over the limit, a title that does not
    exist) is said in Arabic; the forged request without the page's token is refused."""
    title_id = _title(client, actors)
    limit = database.settings.upload_max_bytes
    too_large = client.post("/uploads", headers={**actors.editor, **TUS,
                            "Upload-Length": str(limit + 1),
                            "Upload-Metadata": metadata(title_id=str(title_id))})  # fmt: skip
    no_title = client.post("/uploads", headers={**actors.editor, **TUS, "Upload-Length": "10",
                           "Upload-Metadata": metadata(title_id="999999")})  # fmt: skip
    english = [_english(too_large), _english(no_title)]
    assert [s for s, _ in english] == [413, 422]

    script = sign_in(client, actors.editor, "ar")
    upload_page = client.get(f"/web/titles/{title_id}/upload")
    assert upload_page.status_code == 200 and "/js/common.js" in upload_page.text
    said = explained(client, script, english)
    assert [s["sentence"] for s in said] == [
        "الملف أكبر مما يقبله الفهرس: الحد الأقصى 536.9 غ.ب.",
        "لا يوجد عمل برقم 999999.",
    ]
    assert [s["detail"] for s in said] == [d for _, d in english]
    forged = client.post("/web/explain", json=[{"status": 413, "detail": english[0][1]}],
                         headers={"Origin": SITE})  # fmt: skip
    assert forged.status_code == 403


def test_web_i18n_api_plan_page_shows_a_refused_edit_in_chinese(
    site: Site, browser: Browser
) -> None:
    """In the browser: a forced move onto a time the plan already holds is refused (409), and
    the plan page says so in Chinese."""
    partner_id, title_id = first_partner_and_title(site)
    with Session(site.engine) as session:
        plan_id, _tuesday, wednesday = _plan(session, partner_id, title_id)
    context, page = moving_on_plan_page(browser, site, plan_id, wednesday, TUESDAY)
    page.check("#edit-force")
    page.click("#edit button[type=submit]")
    outcome = page.locator("#edit .outcome")
    expect(outcome).to_contain_text("该计划在此场馆和时间已有这部片目的放映。")
    expect(outcome).not_to_contain_text("already has screening")
    screenshot(page, "i18n-api-edit-refused-zh")
    context.close()
