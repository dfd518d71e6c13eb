"""The notification bell in a real browser: the count, the htmx dropdown, mark all read."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from socialops.accounts.tests.test_browser import browser, log_in, page, shot  # noqa: F401
from socialops.conftest import Team
from socialops.core.models import Notification
from socialops.core.notify import notify

pytestmark = pytest.mark.browser


def test_it_shows_unread_notifications_in_the_bell_and_marks_them_read(
    page: Page,  # noqa: F811 - the fixture imported above
    team: Team,
) -> None:
    for title in ("审核请求：新品上市", "已通过：周末活动"):
        notify([team.carol], kind="post.review_requested", title=title, url="/notifications/")
    log_in(page, team.carol.email)

    count = page.locator("#notification-count")
    expect(count).to_be_visible()
    expect(count).to_contain_text("2")
    page.locator("#notification-toggle").click()
    menu = page.locator("#notification-menu")
    expect(menu.locator("[data-notification]")).to_have_count(2)
    expect(menu).to_contain_text("审核请求：新品上市")
    shot(page, "notifications-bell.png")

    menu.locator("#notifications-read-all").click()
    expect(menu.locator("[data-unread=true]")).to_have_count(0)
    expect(count).to_be_hidden()
    assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_it_opens_a_notification_from_the_page(
    page: Page,  # noqa: F811 - the fixture imported above
    team: Team,
) -> None:
    notify([team.carol], kind="post.approved", title="已通过：新品", url="/notifications/")
    log_in(page, team.carol.email)

    page.goto("/notifications/")
    page.locator("#notification-list [data-notification]").first.click()

    expect(page.locator("#notification-list [data-unread=true]")).to_have_count(0)
    expect(page.locator("#notification-count")).to_be_hidden()
