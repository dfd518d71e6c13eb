"""Tracking in a real browser: the report's heatmap and a post's chart are drawn by ECharts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from socialops.accounts.tests.test_browser import browser, log_in, page, shot  # noqa: F401
from socialops.conftest import Team
from socialops.core.clock import now

from .tracking import published, sandbox_account, snapshot

pytestmark = pytest.mark.browser


def test_it_draws_the_report_and_a_posts_numbers(page: Page, team: Team) -> None:  # noqa: F811
    channel = sandbox_account(team)
    at = now() - timedelta(days=2)
    publication = published(channel, at=at, on_platform=False)
    for hours, impressions, likes in [(1, 120, 4), (6, 800, 25), (24, 1500, 60)]:
        snapshot(
            publication,
            at + timedelta(hours=hours),
            impressions=impressions,
            likes=likes,
            reposts=3,
            comments=2,
        )

    log_in(page, team.erin.email)
    page.goto(f"/w/acme/content/report/?channel={channel.pk}")
    expect(page.locator("#content-nav a.active")).to_have_attribute(
        "href", "/w/acme/content/report/"
    )
    expect(page.locator("[data-total=engagements]")).to_have_text("65")
    expect(page.locator("#by-hour canvas")).to_have_count(1)
    shot(page, "content-report.png")

    page.goto(f"/w/acme/content/posts/{publication.post_id}/")
    performance = page.locator("#post-performance")
    expect(performance.locator("[data-metric=impressions]")).to_have_text("1500")
    expect(performance.locator("[data-metric=engagement_rate]")).to_have_text("4.33%")
    expect(performance.locator(".so-chart canvas")).to_have_count(1)
    shot(page, "post-performance.png")
