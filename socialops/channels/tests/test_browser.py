"""In a real browser: connect a sandbox account from the Accounts page and see it listed."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from socialops.accounts.tests.test_browser import browser, log_in, page, shot  # noqa: F401
from socialops.channels.models import Channel

pytestmark = pytest.mark.browser


def test_it_connects_a_sandbox_account_in_the_ui(team, page: Page):  # noqa: F811
    log_in(page, "bob@example.com")
    page.goto("/w/acme/platform/accounts/")
    expect(page.locator("#accounts-empty")).to_be_visible()

    card = page.locator(".connect-card[data-connector='sandbox']")
    card.locator("input[name='sandbox-display_name']").fill("Acme 官方")
    card.locator("input[name='sandbox-handle']").fill("acme_official")
    card.locator("button[type=submit]").click()

    row = page.locator("#account-table tr[data-channel='acme_official']")
    expect(row).to_be_visible()
    expect(row.locator(".so-channel-status")).to_have_attribute("data-status", "connected")
    expect(row.locator(".so-simulated")).to_be_visible()
    expect(page.locator("#platform-nav .nav-link.active")).to_have_attribute(
        "href", "/w/acme/platform/accounts/"
    )
    shot(page, "channels-accounts.png")
    assert Channel.objects.get().handle == "acme_official"

    page.locator("#platform-nav a[href='/w/acme/platform/facade/']").click()
    expect(page.locator(".facade-card[data-channel='acme_official'] .facade-score")).to_be_visible()
    shot(page, "channels-facade.png")
