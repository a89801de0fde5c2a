"""Texts the service stores in English reach the pages in the reader's language: a rejected
master's reasons (with their figures), a failed job's error, and a form's validation problems.
Each sentence shown in zh, ru, es and ar must differ from the English one: a sentence missing
from a catalogue falls back to English and fails here."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from catalogue.jobs.failures import classify, job_error
from catalogue.media.config import transcoder_config
from catalogue.models import Asset, AssetKind, AssetState, Job, JobStatus
from catalogue.models.tours import SolveState, TourPlan
from catalogue.web import i18n
from tests.conftest import Actors, Database
from transcoder.errors import MediaRejected, MediaTimeout
from transcoder.testmedia import generate_demo_clip, zip_as_mp4
from transcoder.validate import inspect

SITE = "https://testserver"
OTHERS = i18n.LANGUAGES[1:]


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, base_url=SITE, raise_server_exceptions=False) as test_client:
        yield test_client


def _sign_in(client: TestClient, actors: Actors, language: str) -> None:
    client.cookies.clear()
    client.cookies.set(i18n.LANGUAGE_COOKIE, language)
    token = actors.editor["Authorization"].removeprefix("Bearer ")
    signed = client.post(
        "/web/sign-in", data={"token": token}, headers={"Origin": SITE}, follow_redirects=False
    )
    assert signed.status_code == 303


def _shown(page: str, pattern: str) -> list[str]:
    return [
        html.unescape(re.sub(r"<[^>]+>", "", m)).strip() for m in re.findall(pattern, page, re.S)
    ]


def _rejected(database: Database, tmp_path: Path) -> list[str]:
    """The reasons the transcoder gives two real files: a ZIP named .mp4, and a clip larger
    than the accepted picture size."""
    cfg = transcoder_config(database.settings)
    reasons: list[str] = []
    with pytest.raises(MediaRejected) as zipped:
        inspect(cfg, zip_as_mp4(tmp_path))
    reasons += zipped.value.reasons
    small = replace(cfg, max_width=160, max_height=90)
    clip = generate_demo_clip(tmp_path / "big.mp4", seconds=1, width=320, height=180)
    with pytest.raises(MediaRejected) as big:
        inspect(small, clip)
    reasons += big.value.reasons
    return reasons


def test_web_rejections_and_job_errors_are_in_the_readers_language(
    client: TestClient, actors: Actors, database: Database, session: Session, tmp_path: Path
) -> None:
    reasons = _rejected(database, tmp_path)
    assert any("320x180" in r for r in reasons), reasons
    body = {"kind": "drama", "original_title": "Степной ветер", "original_language": "kk"}
    title_id = int(client.post("/titles", json=body, headers=actors.editor).json()["id"])
    asset = Asset(title_id=title_id, kind=AssetKind.main, state=AssetState.rejected,
                  original_filename="bad.mp4", size=1, rejection_reasons=reasons)  # fmt: skip
    session.add(asset)
    # As the engine writes them: a rejected master, and a timeout retried until it gave up.
    rejected = classify(MediaRejected(reasons)).message
    gave_up = job_error("gave_up", error=classify(MediaTimeout("probe", 30)).message, attempts=3)
    timed_out = job_error("gave_up", error=job_error("timed_out", seconds=600), attempts=3)
    for error in (rejected, gave_up, timed_out):
        session.add(Job(kind="probe_asset", status=JobStatus.failed, error=error, attempts=3))
    plan = TourPlan(name="Failed tour", starts_on=date(2027, 1, 1), ends_on=date(2027, 12, 31),
                    solve_status=SolveState.failed, error=classify(KeyError("venue")).message)  # fmt: skip
    session.add(plan)
    session.commit()

    pages = {"upload": f"/web/titles/{title_id}/upload", "title": f"/web/titles/{title_id}",
             "jobs": "/web/jobs", "plan": f"/web/plans/{plan.id}"}  # fmt: skip
    sentences = r'class="reason">(.*?)</(?:p|span)>'
    english: dict[str, list[str]] = {}
    _sign_in(client, actors, "en")
    for name, path in pages.items():
        page = client.get(path).text
        english[name] = _shown(page, sentences)
        assert english[name], name
        assert not set(reasons) & set(english[name])  # sentences, not the stored words
    assert "The picture is 320x180; the largest accepted is 160x90." in english["upload"]
    assert (
        "It took longer than 10 min and was stopped. It failed 3 times and is not tried again."
        in english["jobs"]
    )
    for language in OTHERS:
        _sign_in(client, actors, language)
        for name, path in pages.items():
            shown = _shown(client.get(path).text, sentences)
            assert len(shown) == len(english[name]), (language, name)
            untranslated = [s for s, e in zip(shown, english[name], strict=True) if s == e]
            assert untranslated == [], (language, name, untranslated)
            if name == "upload":
                assert any("320" in s and "160" in s for s in shown), shown  # the figures stay


def test_web_form_problems_are_in_the_readers_language(client: TestClient, actors: Actors) -> None:
    bad = {"kind": "drama", "original_title": "Forged", "original_language": "not a tag!",
           "production_year": "1700", "runtime_minutes": "ninety", "countries_of_origin": "ZZ, KZ",
           "producer": "x" * 201}  # fmt: skip
    problems = r"<ul class=\"problems\">(.*?)</ul>"
    shown: dict[str, list[str]] = {}
    for language in i18n.LANGUAGES:
        _sign_in(client, actors, language)
        form = client.get("/web/titles/new").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', form)
        assert token is not None
        answer = client.post("/web/titles/new", data={**bad, "csrf_token": token.group(1),
                             "loc_language": [], "loc_title": [], "loc_synopsis": []},
                             headers={"Origin": SITE})  # fmt: skip
        assert answer.status_code == 422, answer.text[:500]
        listed = re.search(problems, answer.text, re.S)
        assert listed is not None
        shown[language] = _shown(listed.group(1), r'<span class="problem">(.*?)</span>')
        assert "Input should" not in answer.text and "Value error" not in answer.text
    assert shown["en"] == [
        "not a tag! is not a language code; use e.g. en, zh-Hans, kk, ru, es-419.",
        "Enter 1888 or more.",
        "Enter a whole number.",
        "ZZ is not a country code; use two letters, e.g. CN, KZ, FR.",
        "At most 200 characters.",
    ]
    for language in OTHERS:
        assert len(shown[language]) == len(shown["en"])
        same = [s for s, e in zip(shown[language], shown["en"], strict=True) if s == e]
        assert same == [], (language, same)


def test_web_catalogue_filter_problems_are_in_the_readers_language(
    client: TestClient, actors: Actors
) -> None:
    query = {"year_from": "2024", "year_to": "2001", "language": "not a tag"}
    alerts = r'<p class="message error" role="alert">(.*?)</p>'
    shown: dict[str, list[str]] = {}
    for language in i18n.LANGUAGES:
        _sign_in(client, actors, language)
        shown[language] = _shown(client.get("/web/", params=query).text, alerts)
    assert shown["en"] == [
        "“From year” is later than “To year”.",
        "not a tag is not a language code; use e.g. en, zh-Hans, kk, ru, es-419.",
    ]
    for language in OTHERS:
        assert len(shown[language]) == 2
        assert not set(shown[language]) & set(shown["en"]), (language, shown[language])
