"""A real uvicorn server in a thread over a fresh data directory with the demo catalogue, a tiny
rendition ladder, short job polls, and a headless Debian Chromium driven by Playwright."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import uvicorn
from playwright.sync_api import Browser, BrowserContext, Page
from sqlalchemy.engine import Engine
from sqlmodel import Session

from catalogue import demo
from catalogue.api.app import create_app
from catalogue.settings import Settings
from tests._tiny_ladder import TINY_LADDER
from transcoder.profiles import (
    ladder_to_dict,
)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--autoplay-policy=no-user-gesture-required",
]  # fmt: skip
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "web"

@dataclass
class Site:
    base_url: str
    settings: Settings
    engine: Engine
    tokens: dict[str, str]  # demo user name -> API token

    def url(self, path: str) -> str:
        return self.base_url + path


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def site_settings(base: Settings, directory: Path, **overrides: object) -> Settings:
    ladder = directory / "web-tiny-ladder.json"
    ladder.write_text(json.dumps(ladder_to_dict(TINY_LADDER)))
    values = {
        "transcode_ladder": ladder,
        "job_workers": 2,
        "job_poll_s": 0.2,
        "job_heartbeat_s": 0.3,
        "job_backoff_base_s": 0.0,
        **overrides,
    }
    return Settings(**{**base.model_dump(), **values}, _env_file=None)  # type: ignore[call-arg]


@contextmanager
def running_site(settings: Settings, engine: Engine) -> Iterator[Site]:
    with Session(engine) as session:
        demo.load(session)
        tokens = {name: token for name, _role, token in demo.issue_demo_tokens(session)}
    port = _free_port()
    config = uvicorn.Config(
        create_app(settings, engine), host="127.0.0.1", port=port, log_level="warning"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="web-test-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield Site(f"http://127.0.0.1:{port}", settings, engine, tokens)
    finally:
        server.should_exit = True
        thread.join(timeout=30)


def sign_in(context: BrowserContext, site: Site, user: str) -> Page:
    page = context.new_page()
    page.goto(site.url("/web/sign-in"))
    page.fill("#token", site.tokens[user])
    page.click("form[action='/web/sign-in'] button[type=submit]")
    page.wait_for_url(site.url("/web/"))
    return page


def screenshot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def new_context(browser: Browser, locale: str = "en-GB") -> BrowserContext:
    return browser.new_context(locale=locale, viewport={"width": 1280, "height": 900})
