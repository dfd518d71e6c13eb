"""In a real browser: add an inbox author as a contact, see their timeline, work the queue."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from socialops.accounts.tests.test_browser import browser, log_in, page, shot  # noqa: F401
from socialops.contacts.models import Contact, EngagementTask
from socialops.core.clock import now

from .conftest import add_message

pytestmark = pytest.mark.browser


def test_it_adds_an_author_as_a_contact_and_works_the_engagement_queue(
    team,
    channel,
    page: Page,  # noqa: F811
):
    add_message(channel, author_remote_id="17", author_handle="wb016_6199", text="新品什么时候出？")
    EngagementTask.objects.create(
        workspace=team.workspace,
        channel=channel,
        platform=channel.platform,
        source="topic",
        post_remote_id="p1",
        post_text="今天试了示例品牌的新品，拍照很清楚",
        posted_at=now(),
        author_handle="wb024_5519",
        author_name="林艳",
        action="reply",
        reason="A post on the topic “新品”: reply to join in.",
    )
    log_in(page, "dave@example.com")

    page.goto(
        "/w/acme/interaction/contacts/new/?platform=sandbox&remote_id=17&handle=wb016_6199&name=刘超晨"
    )
    page.locator("#id_kind").select_option("expert")
    page.locator("#contact-form button[type=submit]").click()

    expect(page.locator("#contact-card h2")).to_have_text("刘超晨")
    expect(page.locator("#timeline [data-kind='message']")).to_contain_text("新品什么时候出")
    shot(page, "contacts-detail.png")
    assert Contact.objects.get().identities.get().remote_id == "17"

    page.goto("/w/acme/interaction/contacts/")
    expect(page.locator("#contact-list [data-contact]")).to_have_count(1)
    shot(page, "contacts-list.png")

    page.goto("/w/acme/interaction/engage/")
    card = page.locator("[data-task]").first
    card.locator("textarea").fill("谢谢分享！")
    card.locator("button[value=check]").click()
    expect(page.locator("[data-findings]")).to_be_visible()
    shot(page, "contacts-engage.png")
