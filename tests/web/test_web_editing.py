"""An editor creates a title in the pages, translates it, adds an episode and publishes it;
a form that does not hold together comes back with its problems named and nothing saved."""

from __future__ import annotations

import httpx
from _web_server import Site, new_context, screenshot, sign_in
from playwright.sync_api import Browser, expect


def _api(site: Site, path: str) -> httpx.Response:
    headers = {"Authorization": f"Bearer {site.tokens['demo-editor']}"}
    return httpx.get(site.url(path), headers=headers)


def test_web_editor_creates_translates_adds_an_episode_and_publishes(
    site: Site, browser: Browser
) -> None:
    context = new_context(browser)
    page = sign_in(context, site, "demo-editor")
    page.click("a.new-title")
    page.select_option("#kind", "drama")
    page.fill("#original_title", "草原之风")
    page.fill("#original_language", "zh-Hans")
    page.fill("#production_year", "1700")  # before cinema: refused
    page.click("form.title-form button[type=submit]")
    expect(page.locator(".message.error .problems")).to_contain_text("Production year")
    expect(page.locator("#original_title")).to_have_value("草原之风")  # what was typed stays
    before = _api(site, "/titles?q=草原之风&status=draft").json()["total"]
    assert before == 0  # nothing half-saved

    page.fill("#production_year", "2024")
    page.fill("#genres", "drama, road movie")
    page.fill("#loc-language-1", "en")
    page.fill("#loc-title-1", "Steppe Wind")
    page.fill("#loc-synopsis-1", "Two sisters cross the steppe.")
    page.click("form.title-form button[type=submit]")
    expect(page.locator("h1")).to_have_text("Steppe Wind")
    title_id = int(page.url.rstrip("/").rsplit("/", 1)[1])
    stored = _api(site, f"/titles/{title_id}").json()
    assert stored["genres"] == ["drama", "road movie"] and stored["status"] == "draft"
    assert [(loc["language"], loc["title"]) for loc in stored["localizations"]] == [
        ("en", "Steppe Wind")
    ]

    page.click(".edit-actions a")
    page.fill("#loc-language-2", "ru")
    page.fill("#loc-title-2", "Степной ветер")
    page.fill("#production_year", "")  # a cleared box clears the fact
    page.click("form.title-form button[type=submit]")
    expect(page.locator("h1")).to_have_text("Steppe Wind")
    edited = _api(site, f"/titles/{title_id}").json()
    assert sorted(loc["language"] for loc in edited["localizations"]) == ["en", "ru"]
    assert edited["production_year"] is None and edited["genres"] == ["drama", "road movie"]

    page.goto(site.url(f"/web/titles/{title_id}/edit"))
    page.fill("#episode_number", "1")
    page.fill("#episode_title", "第一集")
    page.click("form.add-episode button[type=submit]")
    episodes = _api(site, f"/titles/{title_id}/episodes").json()
    assert [(e["season_number"], e["episode_number"], e["original_title"]) for e in episodes] == [
        (1, 1, "第一集")
    ]

    page.goto(site.url(f"/web/titles/{title_id}/edit"))
    page.click("button.status-published")
    expect(page.locator(".workflow")).to_contain_text("published")
    assert _api(site, f"/titles/{title_id}").json()["status"] == "published"
    screenshot(page, "title-edit")
    context.close()


def test_web_editing_needs_the_csrf_token_and_an_editor(site: Site, browser: Browser) -> None:
    context = new_context(browser)
    page = sign_in(context, site, "demo-editor")
    forged = page.request.post(
        site.url("/web/titles/new"),
        form={"kind": "drama", "original_title": "Forged", "original_language": "en"},
        headers={"Origin": site.base_url},
    )
    assert forged.status == 403 and "CSRF" in forged.text()
    context.close()
    context = new_context(browser)
    page = sign_in(context, site, "demo-programmer")
    assert page.goto(site.url("/web/titles/new")).status == 404  # type: ignore[union-attr]
    context.close()
