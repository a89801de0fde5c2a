"""Every page on a phone (390x844) and a laptop (1366x768), in English, Chinese and Arabic: no
page scrolls sideways, the header stays compact, and the player fits the screen with its own
controls (one seek bar). Screenshots of each page go to test-artifacts/web/layout/."""

from __future__ import annotations

import re
import shutil
from datetime import date, time
from itertools import product
from pathlib import Path

import httpx
import pytest
from _web_server import ARTIFACTS, Site, sign_in
from playwright.sync_api import Browser, Page, expect
from sqlmodel import Session, col, select

from catalogue.handlers import AFTER_PUBLISH
from catalogue.media.transcode import record
from catalogue.models import Asset, AssetKind, AssetState, Title, Venue
from catalogue.models.tours import SolveState, TourPlan, TourScreening
from catalogue.storage import make_storage
from catalogue.storage.keys import renditions_prefix
from tests.support.ladder import TINY_LADDER
from transcoder import pipeline
from transcoder.config import TranscoderConfig
from transcoder.testmedia import generate_demo_clip

SIZES = {"phone": (390, 844), "laptop": (1366, 768)}
LANGUAGES = ("en", "zh", "ar")
SHOTS = ARTIFACTS / "layout"


def _playable_title(site: Site, tmp_path: Path) -> int:
    """A demo title with a real (tiny) rendition ladder, as the transcode job leaves it."""
    headers = {"Authorization": f"Bearer {site.tokens['demo-editor']}"}
    found = httpx.get(site.url("/titles"), params={"q": "Hutong"}, headers=headers).json()
    title_id = int(found["items"][0]["id"])
    clip = generate_demo_clip(tmp_path / "hutong.mp4", seconds=2, width=320, height=180)
    made = pipeline.transcode(TranscoderConfig(), clip, tmp_path / "out", TINY_LADDER)
    with Session(site.engine) as session:
        asset = Asset(title_id=title_id, kind=AssetKind.main, state=AssetState.ready,
                      original_filename=clip.name, size=clip.stat().st_size)  # fmt: skip
        session.add(asset)
        session.flush()
        assert asset.id is not None
        prefix = renditions_prefix(asset.id)
        copy = tmp_path / "publish"
        shutil.copytree(made.directory, copy)
        make_storage(site.settings).publish(copy, prefix, last=[made.master_playlist])
        record(session, asset.id, None, prefix, made, then=AFTER_PUBLISH)
        session.commit()
    return title_id


def _year_long_plan(site: Site) -> int:
    """A plan screening at every demo venue in each month of a year, as a planning job leaves
    it: the venues-by-month timeline gets twelve columns."""
    with Session(site.engine) as session:
        venues = session.exec(select(Venue).order_by(col(Venue.id))).all()
        top = select(Title).where(col(Title.parent_id).is_(None))
        titles = [t.id or 0 for t in session.exec(top).all()]
        plan = TourPlan(name="Year of screenings", starts_on=date(2027, 1, 1),
                        ends_on=date(2027, 12, 31), regions=["World"],
                        countries=sorted({v.country for v in venues}),
                        title_ids=titles, solve_status=SolveState.FEASIBLE)  # fmt: skip
        session.add(plan)
        session.flush()
        for month, (n, venue), week in product(range(1, 13), enumerate(venues), range(3)):
            title_id = titles[(month + n + week) % len(titles)]
            session.add(TourScreening(plan_id=plan.id or 0, key=f"s-{month}-{venue.id}-{week}",
                    title_id=title_id, venue_id=venue.id or 0,
                    day=date(2027, month, 1 + 7 * week + n % 7),
                    start_time=time(19, 30), time_zone=venue.time_zone, language="en",
                    mode="cinema", rendition="hd"))  # fmt: skip
        session.commit()
        return plan.id or 0


# The outermost elements that stick out of the screen, to say what to fix.
_WIDER = """() => [...document.querySelectorAll('body *')].filter((node) => {
  const right = (n) => n.getBoundingClientRect().right, left = (n) => n.getBoundingClientRect().left;
  const out = (n) => right(n) > innerWidth + 1 || left(n) < -1;
  return out(node) && !out(node.parentElement);
}).map((node) => node.tagName + '.' + node.className).slice(0, 8)"""


def _check(page: Page, name: str) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert width <= 0, f"{name} scrolls sideways by {width}px: {page.evaluate(_WIDER)}"
    page.screenshot(path=str(SHOTS / f"{name}.png"))


@pytest.mark.slow
def test_web_every_page_fits_phones_and_laptops_in_three_languages(
    site: Site, browser: Browser, tmp_path: Path
) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    title_id = _playable_title(site, tmp_path)
    plan_id = _year_long_plan(site)
    staff_pages = {
        "catalogue": "/web/",
        "title": f"/web/titles/{title_id}",
        "upload": f"/web/titles/{title_id}/upload",
        "edit": f"/web/titles/{title_id}/edit",
        "jobs": "/web/jobs",
        "plans": "/web/plans",
    }
    # The programmer's plan page has the edit forms; its timeline a column per month.
    plan_pages = {"plan": f"/web/plans/{plan_id}"}
    # One browser context per visitor, reused: the language cookie and the viewport change.
    visitors = {None: {"sign-in": "/web/sign-in"}, "demo-editor": staff_pages,
                "demo-programmer": plan_pages, "partner-almaty": {"partner": "/web/partner"}}  # fmt: skip
    for user, pages in visitors.items():
        context = browser.new_context()
        page = sign_in(context, site, user) if user else context.new_page()
        for language in LANGUAGES:
            context.add_cookies(
                [{"name": "catalogue_lang", "value": language, "url": site.base_url}]
            )
            for size, (width, height) in SIZES.items():
                page.set_viewport_size({"width": width, "height": height})
                for name, path in pages.items():
                    page.goto(site.url(path))
                    header = page.locator("header.top").bounding_box()
                    assert header is not None and header["height"] <= 120, (name, size, header)
                    if name == "title":
                        _check_player(page, height, play=(language, size) == ("en", "laptop"))
                    _check(page, f"{language}-{size}-{name}")
                    if name == "plan":
                        _check_timeline(page, height)
                        _check(page, f"{language}-{size}-timeline")
        if user == "partner-almaty":
            _check_package(page, title_id)
        context.close()


def _check_timeline(page: Page, height: int) -> None:
    """Twelve months of venues scroll inside their own box, whose sideways scrollbar fits on the
    screen (not below nine tall rows), with the venue names kept in view."""
    page.click(".view-switch button[data-view=timeline]")
    expect(page.locator("table.timeline tr[data-venue-id]")).to_have_count(9)
    scroller = page.evaluate("""() => {
      const box = document.querySelector('table.timeline').parentElement;
      return {height: box.getBoundingClientRect().height, overflow: getComputedStyle(box).overflowX};
    }""")
    assert scroller["height"] <= height and scroller["overflow"] == "auto", scroller
    venue = page.locator("table.timeline th[scope=row]").first
    page.locator(".timeline-wrap").scroll_into_view_if_needed()
    page.locator(".timeline-wrap").evaluate(
        "(box) => { box.scrollLeft = box.scrollWidth * (getComputedStyle(box).direction === 'rtl' ? -1 : 1); }"
    )
    expect(venue).to_be_in_viewport()


def _check_package(page: Page, title_id: int) -> None:
    """The partner's delivery package: files with sizes and checksums, no HLS segments."""
    box = page.locator(f".licence[data-title-id='{title_id}'] .package")
    box.locator("button.get-package").click()
    files = box.locator("table.package-files tbody tr")
    expect(files.first).to_be_visible()
    names = files.locator("td:first-child a").all_inner_texts()
    assert names[-2:] == ["manifest.json", "manifest.sha256"] and any(
        n.endswith(".mp4") for n in names
    )
    assert not [n for n in names if n.endswith((".m4s", ".m3u8", ".ts"))]
    assert all(len(sum) == 64 for sum in files.locator("code.sha256").all_inner_texts())
    expect(box.locator("a.zip")).to_have_attribute("href", re.compile(r"/p/[^/]+/package\.zip$"))


def _check_player(page: Page, height: int, play: bool) -> None:
    player = page.locator(".player")
    expect(player).to_be_visible()
    assert page.locator(".player input[type=range]").count() == 1  # one seek bar
    assert page.evaluate("() => document.getElementById('video').controls") is False
    player.evaluate("(node) => node.scrollIntoView({block: 'start'})")
    box = player.bounding_box()
    assert box is not None and box["height"] <= height, box  # the whole player fits the screen
    for control in ("button.play", "#seek", "#quality", "#subtitles"):
        expect(page.locator(f".player {control}")).to_be_in_viewport(ratio=1)
    if not play:
        return
    page.click(".player button.play")
    page.evaluate("() => { document.getElementById('video').muted = true; }")
    page.wait_for_function("() => document.getElementById('video').currentTime > 0.2")
