"""A form the page's script sends to the API (a screening added on the plan page) with a value
the API refuses (422, pydantic's English): the page says the problem in the reader's language,
as the server-rendered forms do."""

from __future__ import annotations

from datetime import date

from _web_server import Site, sign_in
from playwright.sync_api import Browser, expect
from sqlmodel import Session, col, select

from catalogue.models import Title
from catalogue.models.tours import SolveState, TourPlan
from catalogue.web import i18n
from catalogue.web.explain import N_

LANGUAGE_SENTENCE = N_("%(value)s is not a language code; use e.g. en, zh-Hans, kk, ru, es-419.")


def test_web_a_value_the_api_refuses_is_said_in_the_readers_language(
    site: Site, browser: Browser
) -> None:
    with Session(site.engine) as session:
        title = session.exec(select(Title).where(col(Title.parent_id).is_(None))).first()
        assert title is not None and title.id is not None
        plan = TourPlan(name="Tour", starts_on=date(2027, 1, 1), ends_on=date(2027, 12, 31),
                        regions=["KZ"], countries=["KZ"], title_ids=[title.id],
                        solve_status=SolveState.FEASIBLE)  # fmt: skip
        session.add(plan)
        session.commit()
        plan_id = plan.id
    context = browser.new_context()
    page = sign_in(context, site, "demo-programmer")
    for language in ("en", "zh", "ar"):
        context.add_cookies(
            [{"name": i18n.LANGUAGE_COOKIE, "value": language, "url": site.base_url}]
        )
        page.goto(site.url(f"/web/plans/{plan_id}"))
        page.select_option("#edit-action", "add")
        page.fill("#edit-day", "2027-03-03")
        page.fill("#edit-language", "not a tag!")
        page.click("#edit button[type=submit]")
        outcome = page.locator("#edit .outcome")
        expected = i18n.translations(language).gettext(LANGUAGE_SENTENCE) % {"value": "not a tag!"}
        expect(outcome).to_have_text(expected)
        assert language == "en" or expected != LANGUAGE_SENTENCE % {"value": "not a tag!"}
    context.close()
