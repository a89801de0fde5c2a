"""Signing in, the catalogue and its search, what a partner may see, and the Arabic layout, in a
real browser against a real server."""

from __future__ import annotations

import httpx
from _web_server import Site, new_context, screenshot, sign_in
from playwright.sync_api import Browser, expect


def _card_titles(page) -> list[str]:  # type: ignore[no-untyped-def]
    return page.locator(".card h2").all_inner_texts()


def test_web_sign_in_search_and_title_page(site: Site, browser: Browser) -> None:
    context = new_context(browser)
    page = context.new_page()
    page.goto(site.url("/web/"))
    expect(page).to_have_url(site.url("/web/sign-in?next=/web/"))
    page.fill("#token", "cat_not-a-real-token")
    page.click("form[action='/web/sign-in'] button[type=submit]")
    expect(page.locator(".message.error")).to_contain_text("unknown, revoked or expired")
    screenshot(page, "sign-in")
    context.close()

    context = new_context(browser)
    page = sign_in(context, site, "demo-editor")
    everything = _card_titles(page)
    assert "Echoes of the Silk Road" in everything and len(everything) == 7
    page.fill("#q", "silk road")
    page.click("form.filters button[type=submit]")
    expect(page.locator(".card h2")).to_have_count(1)
    assert _card_titles(page) == ["Echoes of the Silk Road"]
    page.fill("#q", "")
    page.select_option("#kind", "drama")
    page.click("form.filters button[type=submit]")
    assert sorted(_card_titles(page)) == ["Harbour Lights of Quanzhou", "Morning in Hutong Lane"]
    screenshot(page, "catalogue")

    page.click("text=Morning in Hutong Lane")
    expect(page.locator("h1")).to_have_text("Morning in Hutong Lane")
    expect(page.locator(".original")).to_have_text("胡同里的早晨")
    expect(page.locator("a", has_text="Upload a master")).to_be_visible()
    # Staff see the rights windows (the demo licenses it to Almaty, exclusively).
    expect(page.locator("table.windows tbody tr")).to_have_count(1)
    expect(page.locator("table.windows")).to_contain_text("Kazakhstan")
    expect(page.locator("table.windows")).to_contain_text("exclusive")
    screenshot(page, "title")
    context.close()


def test_web_catalogue_names_a_wrong_filter(site: Site, browser: Browser) -> None:
    context = new_context(browser)
    page = sign_in(context, site, "demo-programmer")
    page.goto(site.url("/web/?year_from=2024&year_to=2001&language=not a tag"))
    errors = page.locator(".message.error").all_inner_texts()
    assert "not a tag is not a language code; use e.g. en, zh-Hans, kk, ru, es-419." in errors
    assert "“From year” is later than “To year”." in errors
    context.close()


def test_web_partner_sees_only_its_titles_and_no_staff_pages(site: Site, browser: Browser) -> None:
    context = new_context(browser)
    page = sign_in(context, site, "partner-almaty")
    api = httpx.get(
        site.url("/titles?limit=100&sort=title"),
        headers={"Authorization": f"Bearer {site.tokens['partner-almaty']}"},
    ).json()
    # Exactly what the API lets this partner see (published, and licensed once rights apply).
    shown = sorted(page.locator(".card > a").evaluate_all("(as) => as.map((a) => a.href)"))
    assert shown == sorted(site.url(f"/web/titles/{t['id']}") for t in api["items"])
    assert "Road to Tiangong" not in _card_titles(page)
    expect(page.locator("header nav a", has_text="Jobs")).to_have_count(0)
    expect(page.locator("#status")).to_have_count(0)  # no workflow filter for partners
    screenshot(page, "partner-catalogue")
    page.click(".card h2 >> nth=0")
    expect(page.locator("table.windows")).to_have_count(0)  # rights windows are staff only

    draft = httpx.get(
        site.url("/titles?status=draft"),
        headers={"Authorization": f"Bearer {site.tokens['demo-editor']}"},
    ).json()["items"][0]["id"]
    for path in (f"/web/titles/{draft}", "/web/jobs", f"/web/titles/{draft}/upload"):
        response = page.goto(site.url(path))
        assert response is not None and response.status == 404, path
        expect(page.locator("h1")).to_have_text("Not found")
    context.close()


def test_web_arabic_is_right_to_left_and_fits(site: Site, browser: Browser) -> None:
    context = browser.new_context(locale="ar", viewport={"width": 820, "height": 1100})
    page = sign_in(context, site, "demo-programmer")
    html = page.locator("html")
    expect(html).to_have_attribute("dir", "rtl")
    expect(html).to_have_attribute("lang", "ar")
    expect(page.locator("h1")).to_have_text("الفهرس")
    assert "أصداء طريق الحرير" in _card_titles(page)
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    # The brand sits on the right in a right-to-left page; nothing runs off the side.
    brand = page.locator(".brand").bounding_box()
    assert brand is not None and brand["x"] > 820 / 2
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "catalogue-ar")
    page.click("text=حفل عيد الربيع 2025")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "title-ar")
    context.close()


def test_web_language_follows_browser_then_the_users_choice(site: Site, browser: Browser) -> None:
    context = browser.new_context(locale="ru-RU", viewport={"width": 768, "height": 1024})
    page = sign_in(context, site, "demo-editor")
    expect(page.locator("h1")).to_have_text("Каталог")
    page.select_option("#language-choice", "zh")
    page.click("form.language button")
    expect(page.locator("h1")).to_have_text("目录")
    assert "胡同里的早晨" in _card_titles(page)
    screenshot(page, "catalogue-zh-tablet")
    context.close()
    # Kept as the user's setting: another browser speaking Spanish still gets Chinese.
    context = browser.new_context(locale="es-ES")
    page = sign_in(context, site, "demo-editor")
    expect(page.locator("h1")).to_have_text("目录")
    context.close()
