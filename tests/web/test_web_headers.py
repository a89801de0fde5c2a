"""Security headers: a strict Content-Security-Policy on the pages (and the pages still work under
it in Chromium, with no violation reported), nosniff and no framing on every answer, HSTS and
Secure cookies over HTTPS, and forwarded headers believed only from the configured proxies."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import httpx
import pytest
from _web_server import Site, new_context, sign_in
from fastapi.testclient import TestClient
from playwright.sync_api import Browser, ConsoleMessage, Page, expect
from sqlmodel import Session, select

from catalogue.app import create_app
from catalogue.handlers import AFTER_PUBLISH
from catalogue.media.transcode import record
from catalogue.models import Asset, AssetKind, AssetState, WebSession
from catalogue.settings import Settings
from catalogue.storage import make_storage
from catalogue.storage.keys import renditions_prefix
from catalogue.web.headers import media_origins, page_policy
from tests.conftest import Actors, Database
from tests.support.ladder import TINY_LADDER
from tests.support.server import free_port
from transcoder import pipeline, testmedia
from transcoder.config import TranscoderConfig


def _directives(policy: str) -> dict[str, list[str]]:
    parts = (part.split() for part in policy.split(";") if part.strip())
    return {words[0]: words[1:] for words in parts}


def _assert_common(headers: Mapping[str, str]) -> None:
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert headers["referrer-policy"] == "same-origin"
    assert "'none'" in _directives(headers["content-security-policy"])["frame-ancestors"]


def test_pages_send_a_strict_content_security_policy(client: TestClient) -> None:
    page = client.get("/web/sign-in")
    assert page.status_code == 200
    _assert_common(page.headers)
    policy = _directives(page.headers["content-security-policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"] and policy["base-uri"] == ["'none'"]
    assert "'unsafe-inline'" not in page.headers["content-security-policy"]
    assert "'unsafe-eval'" not in page.headers["content-security-policy"]
    assert policy["worker-src"] == ["'self'", "blob:"]  # hls.js: a worker built from a blob
    assert "blob:" in policy["media-src"]  # hls.js: Media Source Extensions
    assert "strict-transport-security" not in page.headers  # plain HTTP: no HSTS


def test_media_from_object_storage_and_the_public_delivery_url_is_allowed(
    tmp_path: Path,
) -> None:
    settings = Settings(data_dir=tmp_path, storage_backend="s3", s3_endpoint_url="http://minio:9000",
                        s3_access_key_id="k", s3_secret_access_key="s",
                        delivery_public_url="https://media.example.org/catalogue", _env_file=None)  # type: ignore[call-arg, arg-type]  # fmt: skip
    policy = _directives(page_policy(media_origins(settings, make_storage(settings))))
    for directive in ("img-src", "media-src", "connect-src"):
        assert {"http://minio:9000", "https://media.example.org"} <= set(policy[directive])
    assert policy["script-src"] == ["'self'"]


def test_every_answer_says_nosniff_and_refuses_framing(client: TestClient, actors: Actors) -> None:
    answers = [
        client.get("/titles", headers=actors.editor),
        client.get("/titles/999999", headers=actors.editor),
        client.get("/me"),  # 401
        client.get("/healthz"),
        client.get("/web/static/js/common.js"),
        client.get("/d/garbage/master.m3u8"),
    ]
    for response in answers:
        _assert_common(response.headers)
    api_policy = _directives(answers[0].headers["content-security-policy"])
    assert api_policy["default-src"] == ["'none'"]  # a JSON answer opened as a page runs nothing
    docs = client.get("/docs")  # Swagger UI keeps its CDN scripts but may not be framed
    assert docs.status_code == 200 and docs.headers["x-content-type-options"] == "nosniff"
    assert _directives(docs.headers["content-security-policy"]) == {"frame-ancestors": ["'none'"]}


def test_https_answers_carry_hsts(app, actors: Actors) -> None:  # type: ignore[no-untyped-def]
    with TestClient(app, base_url="https://catalogue.example") as client:
        page = client.get("/web/sign-in")
        assert page.headers["strict-transport-security"].startswith("max-age=31536000")
        assert client.get("/healthz").headers["strict-transport-security"]


def _sign_in(client: TestClient, actors: Actors, scheme: str, **headers: str) -> Any:
    token = actors.editor["Authorization"].removeprefix("Bearer ")
    return client.post(
        "/web/sign-in",
        data={"token": token},
        headers={"Origin": f"{scheme}://127.0.0.1", **headers},
        follow_redirects=False,
    )


def test_forwarded_headers_are_believed_only_from_configured_proxies(
    database: Database, actors: Actors, session: Session
) -> None:
    settings = database.settings.model_copy(update={"trusted_proxies": ["10.0.0.0/24"]})
    app = create_app(settings, database.engine)
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"}
    # A proxy in the configured network: the request was HTTPS, from the partner's address.
    with TestClient(app, base_url="http://127.0.0.1", client=("10.0.0.5", 4000)) as proxied:
        signed_in = _sign_in(proxied, actors, "https", **forwarded)
        assert signed_in.status_code == 303, signed_in.text
        assert "Secure" in signed_in.headers["set-cookie"]
        assert signed_in.headers["strict-transport-security"].startswith("max-age=")
    addresses = session.exec(select(WebSession.client_address)).all()
    assert addresses == ["203.0.113.7"]
    # Anyone else sending the same headers: plain HTTP from its own address.
    with TestClient(app, base_url="http://127.0.0.1", client=("10.0.1.5", 4000)) as direct:
        assert _sign_in(direct, actors, "https", **forwarded).status_code == 403  # not https
        signed_in = _sign_in(direct, actors, "http", **forwarded)
        assert signed_in.status_code == 303, signed_in.text
        assert "Secure" not in signed_in.headers["set-cookie"]  # plain HTTP on localhost
        assert "strict-transport-security" not in signed_in.headers
    session.expire_all()
    addresses = session.exec(select(WebSession.client_address)).all()
    assert sorted(a or "" for a in addresses) == ["10.0.1.5", "203.0.113.7"]


def _serve(data_dir: Path, **env: str) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    environment = {k: v for k, v in os.environ.items() if not k.startswith("CATALOGUE_")}
    environment |= {"CATALOGUE_DATA_DIR": str(data_dir), **env}
    server = subprocess.Popen(
        [sys.executable, "-m", "catalogue.cli", "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=environment,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if httpx.get(f"{url}/healthz").status_code == 200:
                return server, url
        except httpx.TransportError:
            time.sleep(0.1)
    server.terminate()
    pytest.fail("catalogue serve did not answer /healthz")


@pytest.mark.parametrize(("trusted", "hsts"), [("", False), ("127.0.0.1", True)])
def test_catalogue_serve_trusts_no_proxy_unless_told(
    tmp_path: Path, trusted: str, hsts: bool
) -> None:
    """uvicorn alone would believe X-Forwarded-* from 127.0.0.1; the service believes only
    CATALOGUE_TRUSTED_PROXIES (none by default)."""
    server, url = _serve(tmp_path, CATALOGUE_TRUSTED_PROXIES=trusted)
    try:
        page = httpx.get(f"{url}/web/sign-in", headers={"X-Forwarded-Proto": "https"})
        assert page.status_code == 200
        assert ("strict-transport-security" in page.headers) is hsts
    finally:
        server.terminate()
        server.wait(20)


# --- in Chromium: the pages work under the policy and report no violation --------------------


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> pipeline.LadderOutput:
    folder = tmp_path_factory.mktemp("renditions")
    master = testmedia.multi_language_mkv(folder)
    return pipeline.transcode(TranscoderConfig(), master, folder / "out", TINY_LADDER)


def _playable_title(site: Site, made: pipeline.LadderOutput, partner: str) -> tuple[int, int]:
    """A title `partner` may see, given a ready asset with renditions: (title id, asset id)."""
    titles = httpx.get(
        site.url("/titles"), headers={"Authorization": f"Bearer {site.tokens[partner]}"}
    ).json()["items"]
    title_id = int(titles[0]["id"])
    with Session(site.engine) as session:
        asset = Asset(title_id=title_id, kind=AssetKind.main, state=AssetState.ready,
                      original_filename="master.mkv", size=1, storage_key="assets/x/master.mkv")  # fmt: skip
        session.add(asset)
        session.flush()
        assert asset.id is not None
        prefix = renditions_prefix(asset.id)
        copy = Path(site.settings.data_dir) / f"made-{asset.id}"
        shutil.copytree(made.directory, copy)
        make_storage(site.settings).publish(copy, prefix, last=[made.master_playlist])
        record(session, asset.id, None, prefix, made, then=AFTER_PUBLISH)
        session.commit()
        return title_id, asset.id


@pytest.fixture
def violations() -> list[str]:
    return []


def _watch(page: Page, violations: list[str]) -> Page:
    def on_console(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            violations.append(f"{page.url}: {message.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: violations.append(f"{page.url}: {error}"))
    return page


def test_web_pages_work_under_the_policy_without_violations(
    site: Site, browser: Browser, made: pipeline.LadderOutput, violations: list[str]
) -> None:
    title_id, asset_id = _playable_title(site, made, "partner-almaty")

    editor = new_context(browser)
    page = _watch(sign_in(editor, site, "demo-editor"), violations)
    page.goto(site.url("/web/"))
    expect(page.locator(".card h2").first).to_be_visible()
    page.goto(site.url(f"/web/titles/{title_id}"))
    page.wait_for_function("() => window.catalogueHls && window.catalogueHls.levels.length > 0")
    page.evaluate("() => { const v = document.getElementById('video'); v.muted = true; v.play(); }")
    page.wait_for_function(
        "() => document.getElementById('video').currentTime > 0.5", timeout=30_000
    )
    page.goto(site.url(f"/web/titles/{title_id}/upload"))
    expect(page.locator("#file")).to_be_visible()
    page.goto(site.url("/web/jobs"))
    expect(page.locator("form.filters")).to_be_visible()
    editor.close()

    programmer = new_context(browser)
    page = _watch(sign_in(programmer, site, "demo-programmer"), violations)
    page.goto(site.url("/web/plans"))
    expect(page.locator("#new-plan")).to_be_visible()
    programmer.close()

    partner = new_context(browser)
    page = _watch(sign_in(partner, site, "partner-almaty"), violations)
    page.goto(site.url("/web/partner"))
    box = page.locator(f".delivery[data-asset-id='{asset_id}']")
    box.locator("button.preview").click()
    video = f".delivery[data-asset-id='{asset_id}'] video"
    page.wait_for_function(
        f"() => {{ const v = document.querySelector({video!r}); return v && v.readyState >= 1; }}",
        timeout=30_000,
    )
    package = page.locator(f".package[data-title-id='{title_id}']")
    package.locator("button.get-package").click()
    expect(package.locator("table.package-files tbody tr").first).to_be_visible()
    partner.close()

    assert violations == []
