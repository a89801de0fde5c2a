"""A page refused under overload is an HTML 503 page in the visitor's language with Retry-After;
the API (and a script fetching JSON from under the pages) keeps its JSON 503."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from catalogue.app import create_app
from catalogue.deps import SessionDep
from tests.conftest import Actors, Database

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.fixture
def full(database: Database, actors: Actors) -> Iterator[TestClient]:
    """A client of an app with room for one request at the database, taken by a request that
    waits until the test ends: every other request that needs the database is refused."""
    settings = database.settings.model_copy(update={"request_concurrency": 1, "request_queue_s": 0})
    app: FastAPI = create_app(settings, database.engine)
    holding, release = threading.Event(), threading.Event()

    def hold(session: SessionDep) -> None:
        holding.set()
        release.wait(30)

    app.add_api_route("/test-only/hold", hold)
    with TestClient(app, raise_server_exceptions=False) as client, ThreadPoolExecutor(1) as pool:
        held: Future[object] = pool.submit(client.get, "/test-only/hold")
        assert holding.wait(10), "the holding request never got its room"
        try:
            yield client
        finally:
            release.set()
            held.result(timeout=30)


@pytest.mark.parametrize(
    ("language", "direction", "heading"),
    [("ru", "ltr", "Каталог перегружен"), ("ar", "rtl", "الفهرس مشغول")],
)
def test_a_refused_page_is_an_html_503_in_the_visitors_language(
    full: TestClient, language: str, direction: str, heading: str
) -> None:
    page = full.get("/web/", headers={"Accept": BROWSER, "Accept-Language": language})
    assert page.status_code == 503
    assert page.headers["content-type"].startswith("text/html")
    assert int(page.headers["retry-after"]) >= 1
    assert f'<html lang="{language}" dir="{direction}">' in page.text
    assert f"<h1>{heading}</h1>" in page.text
    assert "content-security-policy" in page.headers


def test_the_language_cookie_chooses_the_503_pages_language(full: TestClient) -> None:
    full.cookies.set("catalogue_lang", "zh")
    page = full.get("/web/", headers={"Accept": BROWSER, "Accept-Language": "es"})
    assert page.status_code == 503
    assert '<html lang="zh"' in page.text


def test_the_api_and_scripts_keep_a_json_503(full: TestClient, actors: Actors) -> None:
    for path, accept in [("/titles", BROWSER), ("/web/", "application/json")]:
        refused = full.get(path, headers={**actors.programmer, "Accept": accept})
        assert refused.status_code == 503, (path, refused.text)
        assert refused.headers["content-type"] == "application/json"
        assert "busy" in refused.json()["detail"]
        assert int(refused.headers["retry-after"]) >= 1
