"""An editor uploads a master in the browser, watches it become playable, attaches subtitles,
and plays it: real tus upload, real probe and transcode (tiny ladder), hls.js in Chromium."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import httpx
import pytest
from _web_server import Site, new_context, screenshot, sign_in
from playwright.sync_api import Browser, Page, expect

from transcoder.testmedia import generate_demo_clip

SUBTITLES = """1
00:00:00,200 --> 00:00:03,500
Доброе утро, переулок!

2
00:00:03,600 --> 00:00:05,800
Завтрак готов.
"""


def _title_id(site: Site, name: str) -> int:
    page = httpx.get(
        site.url("/titles"),
        params={"q": name},
        headers={"Authorization": f"Bearer {site.tokens['demo-editor']}"},
    ).json()
    return int(page["items"][0]["id"])


def _upload(page: Page, site: Site, title_id: int, clip: Path) -> None:
    page.goto(site.url(f"/web/titles/{title_id}/upload"))
    page.set_input_files("#file", str(clip))
    after = page.locator(".progress-box .after")
    expect(after.locator("a", has_text="Ready to play")).to_be_visible(timeout=180_000)
    assert page.locator(".progress-box progress").get_attribute("value") == "100"
    screenshot(page, "upload-done")


@pytest.mark.slow
def test_web_upload_then_play_with_quality_storyboard_and_subtitles(
    site: Site, browser: Browser, tmp_path: Path
) -> None:
    clip = generate_demo_clip(tmp_path / "hutong-morning.mp4", seconds=6, width=640, height=360)
    title_id = _title_id(site, "Hutong")
    context = new_context(browser)
    page = sign_in(context, site, "demo-editor")
    _upload(page, site, title_id, clip)

    # Subtitles: attach an SRT in Russian, publish it once QC passes; delivery rewrites the HLS.
    page.reload()
    page.set_input_files(
        "#subtitle-file",
        {"name": "hutong.ru.srt", "mimeType": "application/x-subrip", "buffer": SUBTITLES.encode()},
    )
    page.fill("#subtitle-language", "ru")
    page.click("form.attach button[type=submit]")
    row = page.locator("tr[data-track-id]")
    expect(row).to_have_count(1)
    expect(row.locator("td").nth(3)).to_contain_text("0 errors")
    row.locator("button.publish").click()
    expect(page.locator("tr[data-track-id][data-status=published]")).to_have_count(1)
    screenshot(page, "upload-subtitles")

    page.goto(site.url(f"/web/titles/{title_id}"))
    page.wait_for_function("() => window.catalogueHls && window.catalogueHls.levels.length === 2")
    expect(page.locator("#quality option")).to_have_count(3)  # automatic + two rungs
    page.evaluate("() => { const v = document.getElementById('video'); v.muted = true; v.play(); }")
    page.wait_for_function(
        "() => document.getElementById('video').currentTime > 1.5", timeout=30_000
    )

    page.select_option("#quality", "1")
    page.wait_for_function("() => window.catalogueHls.currentLevel === 1")

    # Storyboard: hovering the seek bar shows a frame from the sprite at that time.
    page.wait_for_function(
        "() => Number(document.querySelector('.player').dataset.storyboardCues) > 0"
    )
    page.locator("#seek").hover()
    thumb = page.locator(".player .thumb")
    expect(thumb).to_be_visible()
    assert "storyboard" in (thumb.locator(".frame").get_attribute("style") or "")

    # The published track is offered by the player, and choosing it shows its cue.
    deadline_ms = 60_000
    for _ in range(30):
        if page.locator("#subtitles option").count() == 2:
            break
        page.wait_for_timeout(deadline_ms // 30)
        page.reload()  # the delivery job rewrites the master playlist in the background
        page.wait_for_function(
            "() => window.catalogueHls && window.catalogueHls.levels.length === 2"
        )
    expect(page.locator("#subtitles option")).to_have_count(2)
    page.select_option("#subtitles", "0")
    page.evaluate(
        "() => { const v = document.getElementById('video'); v.muted = true; v.currentTime = 1; v.play(); }"
    )
    cue = page.wait_for_function(
        """() => {
          for (const track of document.getElementById('video').textTracks) {
            if (track.mode === 'showing' && track.activeCues && track.activeCues.length) {
              return track.activeCues[0].text;
            }
          }
          return null;
        }""",
        timeout=30_000,
    )
    assert cue.json_value() == "Доброе утро, переулок!"
    screenshot(page, "player")
    context.close()

    # A partner licensed for the title previews it and gets the delivery package with checksums
    # through signed links; a partner without a licence does not see it at all.
    context = new_context(browser)
    page = sign_in(context, site, "partner-almaty")
    page.click("header nav >> text=Our licences")
    entry = page.locator(f".licence[data-title-id='{title_id}']").first
    expect(entry).to_be_visible()
    entry.locator("button.preview").click()
    video = entry.locator("video.preview-video")
    expect(video).to_be_visible()
    video.evaluate("(v) => { v.muted = true; v.play(); }")
    page.wait_for_function(
        "() => document.querySelector('video.preview-video').currentTime > 1", timeout=30_000
    )
    entry.locator("button.get-package").click()
    mp4 = entry.locator("table.package-files a", has_text=".mp4")
    expect(mp4).to_have_attribute("href", re.compile(r"/p/[^/]+/main-\d+\.mp4$"))
    expect(entry.locator("table.package-files .sha256").first).to_have_text(
        re.compile(r"^[0-9a-f]{64}$")
    )
    expect(entry.locator("a.zip")).to_have_attribute("href", re.compile(r"/package\.zip$"))
    screenshot(page, "partner-portal")
    context.close()

    context = new_context(browser)
    page = sign_in(context, site, "partner-paris")
    page.goto(site.url("/web/partner"))
    expect(page.locator(f".licence[data-title-id='{title_id}']")).to_have_count(0)
    assert page.goto(site.url(f"/web/titles/{title_id}")).status == 404  # type: ignore[union-attr]
    context.close()


@pytest.mark.slow
def test_web_upload_resumes_after_a_page_reload(
    site: Site, browser: Browser, tmp_path: Path
) -> None:
    clip = generate_demo_clip(tmp_path / "silk-road.mp4", seconds=8, width=640, height=360)
    size = clip.stat().st_size
    title_id = _title_id(site, "Silk Road")
    context = new_context(browser)
    page = sign_in(context, site, "demo-editor")
    page.goto(site.url(f"/web/titles/{title_id}/upload"))
    # A slow line: about 4 s for the file, so the reload lands in the middle of the upload.
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": size / 4},
    )
    page.set_input_files("#file", str(clip))
    page.wait_for_function("() => document.querySelector('.progress-box progress').value > 20")
    page.reload()

    expect(page.locator(".resumable")).to_be_visible()  # "choose the same file again"
    expect(page.locator(".resumable li")).to_contain_text("silk-road.mp4")
    page.set_input_files("#file", str(clip))  # the same file: tus finds the upload and resumes
    expect(page.locator(".progress-box .after")).not_to_be_empty(timeout=60_000)
    asset_id = page.locator(".upload").get_attribute("data-asset-id")

    assets = httpx.get(
        site.url(f"/titles/{title_id}/assets"),
        headers={"Authorization": f"Bearer {site.tokens['demo-editor']}"},
    ).json()
    assert [a["id"] for a in assets] == [int(asset_id or 0)]  # resumed, not started again
    assert assets[0]["size"] == size
    assert assets[0]["sha256"] == hashlib.sha256(clip.read_bytes()).hexdigest()
    context.close()
