"""The last English texts a reader met, said in the reader's language: the planner's rule
violations (on the plan page, and to the plan page's scripts), a named error on an HTML error
page, the kind of file a rejection reason names, and the transcoder's own checks of a file."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from _page_scripts import (
    SITE,
    draft_plan_at_hall,
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
from catalogue.models.tours import TourScreening
from catalogue.web import i18n
from tests.conftest import Actors
from transcoder.errors import MediaRejected
from transcoder.run import input_url
from transcoder.validate import probe_failure_reasons

OTHERS = i18n.LANGUAGES[1:]
MONDAY = date(2027, 3, 1)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, base_url=SITE, raise_server_exceptions=False) as test_client:
        yield test_client


def _text(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment)).strip()


def _plan_at_closed_hall(session: Session, partner_id: int, title_id: int) -> tuple[int, int]:
    """A draft plan with one Tuesday screening at a hall closed on Mondays."""
    hall = Venue(slug="i18n-hall", partner_id=partner_id, name="Arman Hall 1", city="Almaty",
                 country="KZ", time_zone="Asia/Almaty", open_weekdays=[1, 2, 3, 4, 5, 6])  # fmt: skip
    tuesday = MONDAY + timedelta(days=1)
    plan_id, (screening_id,) = draft_plan_at_hall(session, partner_id, title_id, [tuesday], hall)
    return plan_id, screening_id


def _forced_plan(client: TestClient, actors: Actors, session: Session) -> tuple[int, int]:
    """The plan, its screening moved onto a Monday through the plan API with force: stored
    flagged with the validator's own English details."""
    body = {"kind": "drama", "original_title": "Степной ветер", "original_language": "kk"}
    title_id = int(client.post("/titles", json=body, headers=actors.editor).json()["id"])
    plan_id, screening_id = _plan_at_closed_hall(session, actors.partner_id, title_id)
    edit = {"action": "move", "screening_id": screening_id, "day": MONDAY.isoformat()}
    refused = client.post(f"/plans/{plan_id}/edits", json=edit, headers=actors.programmer)
    assert refused.status_code == 422 and "is closed on Mondays" in refused.json()["detail"]
    forced = client.post(
        f"/plans/{plan_id}/edits", json={**edit, "force": True}, headers=actors.programmer
    )
    assert forced.status_code == 200, forced.text
    return plan_id, screening_id


def _violations_shown(page: str, screening_id: int) -> list[str]:
    row = re.search(rf'<tr data-screening-id="{screening_id}".*?</tr>', page, re.S)
    assert row is not None
    return [
        _text(item) for item in re.findall(r'<li class="violation"[^>]*>(.*?)</li>', row.group())
    ]


def test_web_i18n_plan_violations_are_sentences_in_the_readers_language(
    client: TestClient, actors: Actors, session: Session
) -> None:
    plan_id, screening_id = _forced_plan(client, actors, session)
    stored = session.get(TourScreening, screening_id)
    assert stored is not None and stored.forced
    details = [str(v["detail"]) for v in stored.violations]
    assert any(d.endswith("is closed on Mondays") for d in details), details

    shown: dict[str, list[str]] = {}
    for language in i18n.LANGUAGES:
        sign_in(client, actors.programmer, language)
        page = client.get(f"/web/plans/{plan_id}").text
        shown[language] = _violations_shown(page, screening_id)
        assert len(shown[language]) == len(details), (language, shown[language])
        assert not any(d in page for d in details), language  # no English detail on the page
    closed = next(s for s in shown["en"] if "closed" in s)
    assert "Arman Hall 1 is closed on that day of the week (Monday)." in closed  # named, not id
    assert "calendar" in closed
    assert any("Понедельник" in s or "понедельник" in s for s in shown["ru"]), shown["ru"]
    assert any("星期一" in s for s in shown["zh"]), shown["zh"]
    for language in OTHERS:
        same = [s for s, e in zip(shown[language], shown["en"], strict=True) if s == e]
        assert same == [], (language, same)


def test_web_i18n_plan_scripts_get_violations_as_the_pages_sentences(
    client: TestClient, actors: Actors, session: Session
) -> None:
    """plan.js hands the API's English violations (an edit refused, a publish to confirm) to
    the page's server, which says them as the page does."""
    plan_id, screening_id = _forced_plan(client, actors, session)
    stored = session.get(TourScreening, screening_id)
    assert stored is not None
    sent = [{"rule": v["rule"], "detail": v["detail"]} for v in stored.violations]
    sign_in(client, actors.programmer, "ar")
    page = client.get(f"/web/plans/{plan_id}").text
    token = re.search(r'<meta name="csrf-token" content="([^"]+)"', page)
    assert token is not None
    said = client.post(f"/web/plans/{plan_id}/violations", json=sent,
                       headers={"Origin": SITE, "X-CSRF-Token": token.group(1)})  # fmt: skip
    assert said.status_code == 200, said.text
    sentences = [s["rule"] + " " + s["sentence"] for s in said.json()]
    on_page = [re.sub(r"\s+", " ", t) for t in _violations_shown(page, screening_id)]
    assert sentences == on_page
    assert any("الاثنين" in s for s in sentences), sentences
    forged = client.post(f"/web/plans/{plan_id}/violations", json=sent, headers={"Origin": SITE})
    assert forged.status_code == 403


def test_web_i18n_error_pages_say_the_error_in_the_readers_language(
    client: TestClient, actors: Actors
) -> None:
    pages = ["/web/titles/999999", "/web/plans/999999"]
    for path in pages:
        said: dict[str, str] = {}
        for language in i18n.LANGUAGES:
            sign_in(client, actors.programmer, language)
            answer = client.get(path)
            assert answer.status_code == 404
            alert = re.search(r'role="alert">(.*?)</div>', answer.text, re.S)
            assert alert is not None
            sentence = re.search(r'<p class="reason">(.*?)</p>', alert.group(1), re.S)
            assert sentence is not None
            said[language] = _text(sentence.group(1))
            assert "999999" in said[language]
            assert "not found" in alert.group(1)  # the English stays, as a technical detail
        assert said["en"] == "Nothing was found under number 999999, or you may not see it."
        assert "ничего не найдено" in said["ru"], said["ru"]
        for language in OTHERS:
            assert said[language] != said["en"], language


def test_web_i18n_rejections_name_the_kind_of_file_in_the_readers_language(
    client: TestClient, actors: Actors, session: Session, tmp_path: Path
) -> None:
    page_html = tmp_path / "page.mp4"
    page_html.write_bytes(b"<!DOCTYPE html><html><body>not a film</body></html>")
    missing = tmp_path / "gone.mp4"
    reasons = probe_failure_reasons("", page_html.read_bytes())
    with pytest.raises(MediaRejected) as gone:
        input_url(missing)
    with pytest.raises(MediaRejected) as folder:
        input_url(tmp_path)
    reasons += gone.value.reasons + folder.value.reasons
    assert reasons == [
        "not a video file: HTML document",
        "file not found",
        "not a regular file (a pipe, device or folder)",
    ]
    body = {"kind": "drama", "original_title": "Степной ветер", "original_language": "kk"}
    title_id = int(client.post("/titles", json=body, headers=actors.editor).json()["id"])
    session.add(Asset(title_id=title_id, kind=AssetKind.main, state=AssetState.rejected,
                      original_filename="page.mp4", size=1, rejection_reasons=reasons))  # fmt: skip
    session.commit()
    shown: dict[str, list[str]] = {}
    for language in i18n.LANGUAGES:
        sign_in(client, actors.editor, language)
        page = client.get(f"/web/titles/{title_id}/upload").text
        shown[language] = [
            _text(s) for s in re.findall(r'class="reason">(.*?)</(?:p|span)>', page, re.S)
        ]
        assert not set(reasons) & set(shown[language]), language
    assert shown["en"] == [
        "This is not a video file: a document (HTML).",
        "The file was not found.",
        "This is not a regular file (it is a pipe, a device or a folder).",
    ]
    assert shown["ar"][0] == "هذا ليس ملف فيديو: مستند (HTML).", shown["ar"]
    for language in OTHERS:
        same = [s for s, e in zip(shown[language], shown["en"], strict=True) if s == e]
        assert same == [], (language, same)


def test_web_i18n_plan_page_scripts_list_violations_in_chinese(
    site: Site, browser: Browser
) -> None:
    """In the browser, in Chinese: a refused edit's reasons, then the publish confirmation of the
    forced screening, are the page's sentences, not the API's English."""
    partner_id, title_id = first_partner_and_title(site)
    with Session(site.engine) as session:
        plan_id, screening_id = _plan_at_closed_hall(session, partner_id, title_id)
    context, page = moving_on_plan_page(browser, site, plan_id, screening_id, MONDAY)
    page.click("#edit button[type=submit]")
    refused = page.locator("#edit .outcome li.reason")
    expect(refused.filter(has_text="日历")).to_contain_text(
        "Arman Hall 1在这一天（星期一）不营业。"
    )
    expect(page.locator("#edit .outcome")).not_to_contain_text("closed on Mondays")
    page.check("#edit-force")
    page.click("#edit button[type=submit]")
    expect(page.locator(f"tr[data-screening-id='{screening_id}'] .badge.warn")).to_be_visible()
    page.click("button.status[data-to=published]")
    confirm = page.locator(".status-outcome li.reason")
    expect(confirm).to_have_count(1)
    expect(confirm).to_contain_text("Arman Hall 1在这一天（星期一）不营业。")
    expect(confirm).not_to_contain_text("closed on Mondays")
    screenshot(page, "i18n-plan-confirm-zh")
    context.close()
