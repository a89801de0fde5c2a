"""A real uvicorn server in a thread over a fresh data directory with the demo catalogue, a tiny
rendition ladder, short job polls, and a headless Debian Chromium driven by Playwright."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import _web_jobs
from playwright.sync_api import Browser, BrowserContext, Page
from sqlalchemy.engine import Engine
from sqlmodel import Session

from catalogue import demo
from catalogue.app import create_app
from catalogue.handlers import HANDLERS
from catalogue.settings import Settings
from tests.support.ladder import write_tiny_ladder
from tests.support.server import serving

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


def site_settings(base: Settings, directory: Path, **overrides: object) -> Settings:
    values = {
        "transcode_ladder": write_tiny_ladder(directory),
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
    # The product's job kinds, and the one the jobs page test queues.
    handlers = {**HANDLERS, _web_jobs.KIND: _web_jobs.HANDLER}
    with serving(create_app(settings, engine, handlers)) as base_url:
        yield Site(base_url, settings, engine, tokens)


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
