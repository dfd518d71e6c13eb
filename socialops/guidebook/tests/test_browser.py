"""The guidebook in a real browser: the team's norms to read, and a reply tried against them."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from socialops.accounts.tests.test_browser import browser, log_in, page, shot  # noqa: F401
from socialops.channels.actions import connect_channel
from socialops.conftest import Team
from socialops.guidebook.actions import ensure_default_guidebook

pytestmark = pytest.mark.browser


def test_it_shows_the_norms_and_checks_a_reply_as_it_is_typed(
    page: Page,  # noqa: F811
    team: Team,
) -> None:
    ensure_default_guidebook(team.workspace)
    connect_channel(
        access=team.access("alice"),
        connector="sandbox",
        fields={"display_name": "Acme 客服", "handle": "acme_help"},
        platform="weibo",
    )

    log_in(page, team.dave.email)
    page.goto("/w/acme/interaction/guidebook/")
    expect(page.locator("[data-key]").first).to_be_visible()
    expect(page.locator("#reply-rules")).to_contain_text("广告法绝对化用语")

    page.locator("#check-kind").select_option("comment")
    page.locator("#check-text").fill("我们的价格全网最低，欢迎咨询")
    finding = page.locator("#reply-check-result #lint-findings li").first
    expect(finding).to_have_attribute("data-severity", "warning")
    expect(page.locator("#reply-check-result mark")).to_contain_text("全网最低")
    shot(page, "guidebook.png")

    page.locator("#check-text").fill("感谢您的关注，欢迎咨询")
    summary = page.locator("#reply-check-result #lint-summary")
    expect(summary).to_have_attribute("data-warnings", "0")
    expect(page.locator("#reply-check-result #lint-findings li")).to_have_count(0)
