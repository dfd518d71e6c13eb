"""The tasks page in a real browser: a manager copies a Douban task and pastes its link."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from socialops.accounts.tests.test_browser import browser, log_in, page, shot  # noqa: F401
from socialops.conftest import Team
from socialops.core.clock import now
from socialops.publishing.models import Publication

from .factories import make_publication, manual_channel

pytestmark = pytest.mark.browser

LINK = "https://www.douban.com/note/765432198/"


def test_it_publishes_a_manual_task_by_pasting_its_link(page: Page, team: Team) -> None:  # noqa: F811
    channel = manual_channel(team, platform="douban", handle="acme_douban")
    text = "豆瓣日记：秋季新品试用\n欢迎留言交流"
    publication = make_publication(
        team.workspace,
        channel,
        author=team.carol,
        state=Publication.State.MANUAL,
        at=now(),
        body=text,
        remote_extra={"task": {"platform": "douban", "text": text}},
    )

    log_in(page, team.bob.email)
    page.goto("/w/acme/content/")
    expect(page.locator("#nav-tasks-count")).to_have_text("1")
    page.locator("#nav-tasks").click()
    task = page.locator(f"#task-{publication.pk}")
    expect(task.locator(".task-text")).to_have_text(text)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    task.locator(".copy-button").first.click()
    expect(task.locator(".copy-button").first).to_have_attribute("data-state", "copied")
    assert page.evaluate("navigator.clipboard.readText()") == text
    shot(page, "publishing-tasks.png")

    field = task.locator("input[name=url]")
    field.fill("https://www.xiaohongshu.com/explore/1")
    task.locator("button[type=submit]").click()
    expect(page.locator(f"#task-{publication.pk} .invalid-feedback")).to_contain_text("douban.com")

    page.locator(f"#task-{publication.pk} input[name=url]").fill(LINK)
    page.locator(f"#task-{publication.pk} button[type=submit]").click()
    expect(page.locator("#no-manual-tasks")).to_be_visible()
    expect(page.locator("#nav-tasks-count")).to_have_count(0)

    page.goto(f"/w/acme/content/posts/{publication.post_id}/")
    row = page.locator(f"#publications tr[data-publication='{publication.pk}']")
    expect(row).to_have_attribute("data-state", "published")
    expect(row.locator(".publication-link")).to_have_attribute("href", LINK)
