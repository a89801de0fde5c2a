"""The tour planner page and the partner portal's screenings: a programmer plans a tour with live
progress, reads the calendar and the left-out reasons, sees a refused edit's reasons inline,
publishes and downloads the iCalendar; each partner sees the published screenings at its own
venues only."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from _web_server import (
    ARTIFACTS,
    Site,
    new_context,
    running_site,
    screenshot,
    sign_in,
    site_settings,
)
from playwright.sync_api import Browser, Page, expect
from sqlmodel import Session, select

from catalogue import demo
from catalogue.models import Asset, RenditionSet, Title, Venue

pytestmark = pytest.mark.slow  # a planning job (CP-SAT) behind a real server and browser

ALMATY = "almaty-arman"


@pytest.fixture
def planner_site(database, tmp_path: Path) -> Iterator[Site]:  # type: ignore[no-untyped-def]
    settings = site_settings(database.settings, tmp_path, tours_time_limit_s=5.0)
    with running_site(settings, database.engine) as running:
        _plannable(running)
        yield running


def _plannable(site: Site) -> None:
    """The demo catalogue made plannable without media: its subtitles, a finished rendition set
    per title (as a transcode leaves them), and the Almaty hall closed on Mondays."""
    with Session(site.engine) as session:
        demo.attach_subtitles(session, site.settings)
        made = datetime(2025, 1, 10, tzinfo=UTC)
        for title in session.exec(select(Title)).all():
            asset = Asset(
                title_id=title.id or 0,
                kind="main",
                state="ready",
                original_filename="m.mov",
                size=1,
            )
            session.add(asset)
            session.flush()
            session.add(
                RenditionSet(
                    asset_id=asset.id or 0,
                    prefix=f"renditions/{asset.id}",
                    master_playlist_key="master.m3u8",
                    delivery_video_key="delivery.mp4",
                    poster_key="poster.jpg",
                    storyboard_vtt_key="storyboard.vtt",
                    duration_s=6.0,
                    total_bytes=1,
                    created_at=made,
                    updated_at=made,
                )
            )
        venue = session.exec(select(Venue).where(Venue.slug == ALMATY)).one()
        venue.open_weekdays = [1, 2, 3, 4, 5, 6]  # closed on Mondays
        session.add(venue)
        session.commit()


def _monday_after(day: date) -> date:
    return day + timedelta(days=7 - day.weekday())


def _plan_from_page(page: Page, site: Site) -> int:
    page.click("header nav >> text=Tour planner")
    page.fill("#plan-name", "Central Asia test tour")
    page.fill("#plan-region", "Central Asia")
    page.fill("#plan-year", "2027")
    page.click("#new-plan button[type=submit]")
    expect(page.locator("#new-plan .progress")).to_be_visible()
    page.wait_for_url(re.compile(r".*/web/plans/\d+$"), timeout=90_000)
    return int(page.url.rsplit("/", 1)[1])


def test_web_planner_plan_edit_publish_and_partner_portal(
    planner_site: Site, browser: Browser, tmp_path: Path
) -> None:
    site = planner_site
    context = new_context(browser)
    page = sign_in(context, site, "demo-programmer")
    plan_id = _plan_from_page(page, site)

    chips = page.locator("#view-months .chip")
    expect(chips.first).to_be_visible()
    assert chips.count() >= 3
    expect(page.locator("table.reasons tr[data-code]").first).to_be_visible()
    # Reasons read as sentences, with no codes or raw evidence; the evidence is one click away.
    reasons = page.locator("table.reasons")
    expect(reasons.locator("p.why").first).to_contain_text(re.compile(r"\w+ \w+ \w+"))
    expect(reasons).not_to_contain_text(re.compile(r"NO_[A-Z_]+|:public_screening:|CAPACITY_"))
    whole_country = reasons.locator("tr", has_text="every title").filter(has_text="Tajikistan")
    expect(whole_country.locator("p.why")).to_have_text(
        "No title is screened in Tajikistan. Why, title by title:"
    )
    evidence = reasons.locator("details.evidence").first
    expect(evidence.locator("dl")).to_be_hidden()
    evidence.locator("summary").click()
    expect(evidence.locator("dl")).to_be_visible()
    expect(page.locator("table.screenings[data-country='KZ']")).to_be_visible()
    page.locator("#rules summary").click()
    expect(page.locator("#rules li[data-rule=per_venue]")).to_contain_text("at most once")
    expect(page.locator("#rules li[data-rule=audience]")).to_contain_text("every 100 seats")

    # Copies and required screenings are set on the page (they apply when planned again).
    inputs = page.locator("#plan-inputs")
    inputs.locator("#copies-count").fill("2")
    inputs.locator("form.add-copies button[type=submit]").click()
    expect(inputs.locator("ul.copies li[data-title-id]")).to_have_count(1)
    expect(inputs.locator("ul.copies")).to_contain_text("2 copies")
    inputs.locator("#request-where").select_option(label="Kazakhstan")
    inputs.locator("form.add-request button[type=submit]").click()
    expect(inputs.locator("ul.must-screen li[data-request-id]")).to_have_count(1)
    expect(inputs.locator("ul.must-screen")).to_contain_text("Kazakhstan")
    screenshot(page, "planner-inputs")
    screenshot(page, "planner-plan")
    page.click(".view-switch button[data-view=timeline]")
    expect(page.locator("table.timeline tr[data-venue-id]").first).to_be_visible()
    screenshot(page, "planner-timeline")
    page.click(".view-switch button[data-view=months]")

    # Move an Almaty screening onto a Monday, when the hall is closed: refused, reasons inline.
    row = page.locator("table.screenings tr[data-screening-id]", has_text="Arman Cinema Hall 1")
    screening_id = row.first.get_attribute("data-screening-id")
    page.click(f"#view-months .chip[data-screening-id='{screening_id}']")
    expect(page.locator("#edit-screening")).to_have_value(str(screening_id))
    day = page.locator(f"#edit-screening option[value='{screening_id}']").get_attribute("data-day")
    assert day is not None
    page.select_option("#edit-action", "move")
    page.fill("#edit-day", _monday_after(date.fromisoformat(day)).isoformat())
    page.click("#edit button[type=submit]")
    outcome = page.locator("#edit .outcome")
    expect(outcome).to_contain_text("Refused")
    expect(outcome.locator("li.reason").first).to_contain_text("calendar")
    expect(outcome).to_contain_text("Monday")
    expect(page.locator(f"#edit-screening option[value='{screening_id}']")).to_have_attribute(
        "data-day", day
    )  # nothing changed
    outcome.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "planner-refused.png"))

    # Forced, it is stored flagged; publishing then lists it and asks to confirm.
    page.check("#edit-force")
    page.click("#edit button[type=submit]")
    expect(outcome).to_contain_text("flagged")
    page.wait_for_load_state("load")
    expect(
        page.locator(f"table.screenings tr[data-screening-id='{screening_id}']")
    ).to_contain_text("breaks rules")
    page.click("button.status[data-to=published]")
    confirm = page.locator(".status-outcome")
    expect(confirm).to_contain_text("break the planner's rules")
    expect(confirm.locator("li.reason")).to_have_count(1)
    expect(confirm.locator("li.reason")).to_contain_text("Monday")
    expect(page.locator("#plan-state")).to_have_text("draft")
    screenshot(page, "planner-confirm-forced")
    confirm.locator("button.publish-anyway").click()
    expect(page.locator("#plan-state")).to_have_text("published")
    expect(
        page.locator(f"table.screenings tr[data-screening-id='{screening_id}']")
    ).to_contain_text("breaks rules")
    with page.expect_download() as download_info:
        page.click("a.download[href*='.ics']")
    ics = Path(download_info.value.path()).read_text(encoding="utf-8")
    assert ics.startswith("BEGIN:VCALENDAR") and "Arman Cinema Hall 1" in ics
    published = page.locator("table.screenings tr[data-state=published]")
    at_almaty_partner = published.filter(has_text=re.compile("Arman|Khan Shatyr")).count()
    assert at_almaty_partner > 0
    context.close()

    almaty = new_context(browser)
    portal = sign_in(almaty, site, "partner-almaty")
    portal.goto(site.url("/web/partner"))
    rows = portal.locator("#screenings tbody tr[data-screening-id]")
    expect(rows).to_have_count(at_almaty_partner)
    expect(rows.first).to_contain_text(re.compile("Arman|Khan Shatyr"))
    with portal.expect_download() as partner_download:
        portal.click("#screenings a.download[href*='/partner/screenings.ics']")
    partner_ics = Path(partner_download.value.path()).read_text(encoding="utf-8")
    assert partner_ics.count("BEGIN:VEVENT") == at_almaty_partner
    portal.locator("#screenings").scroll_into_view_if_needed()
    screenshot(portal, "partner-screenings")
    # Partners have no planner: its pages do not exist for them.
    assert portal.goto(site.url(f"/web/plans/{plan_id}")).status == 404  # type: ignore[union-attr]
    almaty.close()

    paris = new_context(browser)
    portal = sign_in(paris, site, "partner-paris")
    portal.goto(site.url("/web/partner"))
    expect(portal.locator("#screenings")).to_contain_text("No screenings published")
    expect(portal.locator("#screenings tr[data-screening-id]")).to_have_count(0)
    paris.close()


def test_web_planner_is_read_only_for_editors(planner_site: Site, browser: Browser) -> None:
    context = new_context(browser)
    page = sign_in(context, planner_site, "demo-editor")
    page.click("header nav >> text=Tour planner")
    expect(page.locator("h1")).to_have_text("Tour planner")
    expect(page.locator("#new-plan")).to_have_count(0)
    context.close()


def test_web_planner_sets_the_per_venue_rule(planner_site: Site, browser: Browser) -> None:
    """A programmer allows a second screening of a title at a venue on the new-plan form; the
    plan keeps the rule and shows it with the others."""
    context = new_context(browser)
    page = sign_in(context, planner_site, "demo-programmer")
    page.click("header nav >> text=Tour planner")
    expect(page.locator("#plan-per-venue")).to_have_value("1")
    page.fill("#plan-region", "KZ")
    page.fill("#plan-year", "2027")
    first = page.locator("#plan-titles option").first.get_attribute("value")
    page.select_option("#plan-titles", first)
    page.fill("#plan-per-venue", "2")
    page.click("#new-plan button[type=submit]")
    page.wait_for_url(re.compile(r".*/web/plans/\d+$"), timeout=90_000)
    page.locator("#rules summary").click()
    expect(page.locator("#rules li[data-rule=per_venue]")).to_have_text(
        "A title is screened at most 2 times at each venue, on different days."
    )
    context.close()
