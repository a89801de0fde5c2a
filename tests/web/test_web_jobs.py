"""The jobs page: live progress over server-sent events, cancel and retry, staff only."""

from __future__ import annotations

import _web_jobs
from _web_server import Site, new_context, screenshot, sign_in
from playwright.sync_api import Browser, expect
from sqlmodel import Session

from catalogue.jobs import enqueue


def _queue_steps(site: Site, steps: int) -> int:
    with Session(site.engine) as session:
        job = enqueue(session, _web_jobs.KIND, _web_jobs.HANDLER, {"steps": steps})
        session.commit()
        assert job.id is not None
        return job.id


def test_web_jobs_progress_live_then_cancel_and_retry(site: Site, browser: Browser) -> None:
    job_id = _queue_steps(site, 200)
    context = new_context(browser)
    page = sign_in(context, site, "demo-editor")
    page.click("header nav >> text=Jobs")
    row = page.locator(f"tr[data-job-id='{job_id}']")
    expect(row).to_be_visible()
    page.evaluate("window.notReloaded = true")
    # Progress moves on the page without a reload: the server-sent events update the row.
    page.wait_for_function(
        f"() => document.querySelector(\"tr[data-job-id='{job_id}'] progress\").value > 2",
        timeout=30_000,
    )
    expect(row).to_have_attribute("data-status", "running")
    expect(row.locator(".message")).to_contain_text("step")
    assert page.evaluate("window.notReloaded") is True
    expect(row.locator("button.retry")).to_be_hidden()  # nothing to retry while it runs
    screenshot(page, "jobs")

    row.locator("button.cancel").click()
    expect(row).to_have_attribute("data-status", "cancelled", timeout=20_000)
    expect(row.locator(".state")).to_have_text("cancelled")
    expect(row.locator("button.cancel")).to_be_hidden()
    row.locator("button.retry").click()
    expect(row).to_have_attribute("data-status", "running", timeout=20_000)
    page.wait_for_function(
        f"() => document.querySelector(\"tr[data-job-id='{job_id}'] progress\").value > 1",
        timeout=30_000,
    )
    row.locator("button.cancel").click()  # leave no work behind
    expect(row).to_have_attribute("data-status", "cancelled", timeout=20_000)
    context.close()


def test_web_jobs_page_is_read_only_for_programmers(site: Site, browser: Browser) -> None:
    job_id = _queue_steps(site, 1)
    context = new_context(browser)
    page = sign_in(context, site, "demo-programmer")
    page.goto(site.url("/web/jobs"))
    expect(page.locator(f"tr[data-job-id='{job_id}']")).to_be_visible()
    expect(page.locator("button.cancel, button.retry")).to_have_count(0)
    context.close()
