"""In a real browser against a real server: a cookie kept from before a sign-out, or from before
its sign-in token was revoked, opens neither the pages nor the API (issue 13, item 2)."""

from __future__ import annotations

import httpx
from _web_server import Site, new_context
from playwright.sync_api import Browser, BrowserContext, Cookie, expect

from catalogue.auth.cookies import COOKIE_NAME


def _sign_in_with(context: BrowserContext, site: Site, token: str) -> Cookie:
    page = context.new_page()
    page.goto(site.url("/web/sign-in"))
    page.fill("#token", token)
    page.click("form[action='/web/sign-in'] button[type=submit]")
    page.wait_for_url(site.url("/web/"))
    expect(page.locator("form.sign-out")).to_be_visible()
    (cookie,) = [c for c in context.cookies() if c["name"] == COOKIE_NAME]
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    return cookie


def _replayed(browser: Browser, site: Site, cookie: Cookie) -> tuple[str, int]:
    """Where /web/ lands and what /me answers in a fresh browser holding only this cookie."""
    context = new_context(browser)
    context.add_cookies([{"name": cookie["name"], "value": cookie["value"], "url": site.url("/")}])
    page = context.new_page()
    page.goto(site.url("/web/"))
    me = page.request.get(site.url("/me")).status
    landed = page.url
    context.close()
    return landed, me


def test_web_old_cookie_refused_after_sign_out_and_token_revocation(
    site: Site, browser: Browser
) -> None:
    context = new_context(browser)
    cookie = _sign_in_with(context, site, site.tokens["demo-editor"])
    assert _replayed(browser, site, cookie) == (site.url("/web/"), 200)
    page = context.pages[0]
    page.click("form.sign-out button[type=submit]")
    page.wait_for_url(site.url("/web/sign-in"))
    context.close()
    assert _replayed(browser, site, cookie) == (site.url("/web/sign-in?next=/web/"), 401)

    editor = {"Authorization": f"Bearer {site.tokens['demo-editor']}"}
    issued = httpx.post(site.url("/me/tokens"), json={"name": "browser"}, headers=editor).json()
    context = new_context(browser)
    cookie = _sign_in_with(context, site, issued["token"])
    assert _replayed(browser, site, cookie) == (site.url("/web/"), 200)
    revoked = httpx.delete(site.url(f"/me/tokens/{issued['id']}"), headers=editor)
    assert revoked.status_code == 200
    page = context.pages[0]
    page.reload()
    expect(page).to_have_url(site.url("/web/sign-in?next=/web/"))
    context.close()
    assert _replayed(browser, site, cookie) == (site.url("/web/sign-in?next=/web/"), 401)
