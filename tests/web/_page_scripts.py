"""The pages as their scripts meet them, through TestClient: a signed-in page in a language, and
the API's refusals said by POST /web/explain."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, time

from _web_server import Site, new_context
from _web_server import sign_in as sign_in_browser
from fastapi.testclient import TestClient
from playwright.sync_api import Browser, BrowserContext, Page
from sqlmodel import Session, select

from catalogue.models import Partner, Title, Venue
from catalogue.models.tours import SolveState, TourPlan, TourScreening
from catalogue.tours import store
from catalogue.web import i18n

SITE = "https://testserver"  # the pages' own origin, as the CSRF and same-origin checks see it


def sign_in(client: TestClient, headers: dict[str, str], language: str) -> dict[str, str]:
    """Signs the user of `headers` in to the pages in `language`; the headers a page's script
    sends back (origin and CSRF token)."""
    client.cookies.clear()
    client.cookies.set(i18n.LANGUAGE_COOKIE, language)
    token = headers["Authorization"].removeprefix("Bearer ")
    signed = client.post(
        "/web/sign-in", data={"token": token}, headers={"Origin": SITE}, follow_redirects=False
    )
    assert signed.status_code == 303
    csrf = re.search(r'<meta name="csrf-token" content="([^"]+)"', client.get("/web/").text)
    assert csrf is not None
    return {"Origin": SITE, "X-CSRF-Token": csrf.group(1)}


def explained(
    client: TestClient, script: dict[str, str], answers: list[tuple[int, str]]
) -> list[dict[str, str | None]]:
    """What POST /web/explain says of the API's answers (status, English detail)."""
    sent = [{"status": status, "detail": detail} for status, detail in answers]
    said = client.post("/web/explain", json=sent, headers=script)
    assert said.status_code == 200, said.text
    return list(said.json())


def first_partner_and_title(site: Site) -> tuple[int, int]:
    with Session(site.engine) as session:
        partner = session.exec(select(Partner)).first()
        title = session.exec(select(Title)).first()
        assert partner is not None and partner.id is not None
        assert title is not None and title.id is not None
        return partner.id, title.id


def moving_on_plan_page(
    browser: Browser, site: Site, plan_id: int, screening_id: int, day: date
) -> tuple[BrowserContext, Page]:
    """The plan page in Chinese for the programmer, its edit form set to move `screening_id`
    to `day` (not sent)."""
    context = new_context(browser, locale="zh-CN")
    page = sign_in_browser(context, site, "demo-programmer")
    page.goto(site.url(f"/web/plans/{plan_id}"))
    page.select_option("#edit-screening", str(screening_id))
    page.select_option("#edit-action", "move")
    page.fill("#edit-day", day.isoformat())
    return context, page


def draft_plan_at_hall(
    session: Session,
    partner_id: int,
    title_id: int,
    days: Sequence[date],
    hall: Venue,
) -> tuple[int, list[int]]:
    """A draft 2027 plan for Kazakhstan screening the title at `hall` (added here) at 19:00 (its
    slot) on each of `days`: the plan's id and its screenings' ids."""
    session.add(hall)
    session.flush()
    plan = TourPlan(name="Spring", starts_on=date(2027, 1, 1), ends_on=date(2027, 12, 31),
                    countries=["KZ"], title_ids=[title_id], solve_status=SolveState.FEASIBLE)  # fmt: skip
    session.add(plan)
    session.flush()
    ids = []
    for day in days:
        row = TourScreening(plan_id=plan.id or 0, key="", title_id=title_id,
                            venue_id=hall.id or 0, day=day, start_time=time(19, 0),
                            time_zone="Asia/Almaty", language="kk", mode="subtitles",
                            rendition="hls")  # fmt: skip
        row.key = store.to_screening(row).id  # as the planner names it
        session.add(row)
        session.flush()
        ids.append(row.id or 0)
    session.commit()
    return plan.id or 0, ids
