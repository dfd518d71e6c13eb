"""The query editor in a real browser: a caret under a mistake, a test run, a saved query."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from socialops.accounts.tests.test_browser import browser, log_in, page, shot  # noqa: F401
from socialops.conftest import Team
from socialops.core.clock import now
from socialops.listening.models import ListeningQuery, SamplePost

pytestmark = pytest.mark.browser


def test_it_writes_tests_and_saves_a_query(
    page: Page,  # noqa: F811 - the fixture imported above
    team: Team,
) -> None:
    for minutes, text in [
        (30, "我的华为手机屏幕碎了 <b>求助</b>"),
        (20, "华为招聘手机工程师"),
        (10, "新买的华为平板很好用"),
        (5, "苹果手机降价了"),
    ]:
        SamplePost.objects.create(
            workspace=team.workspace,
            platform="weibo",
            remote_id=str(minutes),
            text=text,
            author_handle="xiaoming",
            posted_at=now() - timedelta(minutes=minutes),
        )
    log_in(page, team.erin.email)
    page.goto(f"/w/{team.workspace.slug}/interaction/listening/queries/")
    page.locator("#query-new").click()

    page.locator("#id_name").fill("华为")
    page.locator("#id_text").press_sequentially("华为 AND (手机")
    error = page.locator("#query-check [data-ok=false]")
    expect(error).to_have_attribute("data-position", "7")
    expect(error.locator("[data-caret]")).to_contain_text("^")

    page.locator("#id_text").press_sequentially(" OR 平板) -招聘")
    expect(page.locator("#query-check [data-ok=true]")).to_be_visible()
    page.locator("#query-test").click()

    result = page.locator("#query-preview-result")
    expect(result).to_have_attribute("data-matched", "2")
    hits = result.locator("[data-hit]")
    expect(hits).to_have_count(2)
    expect(hits.nth(0).locator("mark")).to_have_text(["华为平板"])  # adjacent spans merge
    expect(hits.nth(1).locator("[data-highlighted]")).to_contain_text("<b>求助</b>")
    expect(hits.nth(1).locator("b")).to_have_count(0)  # shown as text, never as markup
    shot(page, "listening-query-editor.png")

    page.locator("#query-save").click()

    expect(page.locator("#query-list [data-query]")).to_have_count(1)
    saved = ListeningQuery.objects.get()
    assert saved.text == "华为 AND (手机 OR 平板) -招聘"
    assert saved.created_by == team.erin
