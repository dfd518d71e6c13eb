"""The three-pane inbox in a real browser, driven from the keyboard."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from socialops.accounts.tests.test_browser import browser, log_in, page, shot  # noqa: F401
from socialops.conftest import Team
from socialops.inbox import actions
from socialops.inbox.models import Conversation, Message

from . import factories
from .conftest import finding

pytestmark = pytest.mark.browser


def test_it_triages_and_replies_from_the_keyboard(
    page: Page,  # noqa: F811
    team: Team,
    channel: Any,
    delivered: list[int],
    guidebook: list[Any],
) -> None:
    made = []
    for index, (name, text) in enumerate(
        [("李雷", "想申请退款"), ("韩梅梅", "什么时候发货？"), ("王小明", "赠品没收到")]
    ):
        conversation = factories.conversation(channel, author=f"u{index}", author_name=name)
        factories.inbound(conversation, text)
        made.append(conversation)
    newest = made[-1]  # the list's first row
    second = made[1]

    log_in(page, team.dave.email)
    page.locator("#main-nav a[href='/w/acme/interaction/']").click()  # 互动
    expect(page).to_have_url(re.compile(r"/w/acme/interaction/$"))
    rows = page.locator("#inbox-list [data-row]")
    expect(rows).to_have_count(3)
    expect(page.locator("html[data-inbox-keys=on]")).to_have_count(1)  # the shortcuts are live

    page.keyboard.press("j")
    expect(rows.nth(0)).to_have_class(re.compile("kb-focus"))
    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("k")
    expect(rows.nth(1)).to_have_class(re.compile("kb-focus"))
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/interaction/c/{second.pk}/"))
    expect(page.locator("html[data-inbox-keys=on]")).to_have_count(1)
    expect(page.locator("#thread")).to_contain_text("什么时候发货？")
    expect(page.locator("#context-pane")).to_contain_text("韩梅梅")

    # bob opens it too and starts typing: the collision warning appears within a poll
    actions.touch_presence(second, team.bob, typing=True)
    expect(page.locator(f"#presence [data-user='{team.bob.pk}'][data-typing='1']")).to_be_visible(
        timeout=10_000
    )

    page.keyboard.press("a")
    expect(page.locator("#assign-me-form")).to_have_count(0)
    expect(page.locator("html[data-inbox-keys=on]")).to_have_count(1)
    second.refresh_from_db()
    assert second.assignee == team.dave

    guidebook.append(finding("error", "亲，马上发货", "亲"))
    page.keyboard.press("r")
    expect(page.locator("#reply-text")).to_be_focused()
    page.keyboard.type("亲，马上发货")
    expect(page.locator("#lint-findings [data-severity=error]")).to_be_visible()
    page.keyboard.press("Control+Enter")
    expect(page.locator("#reply-error")).to_be_visible()
    assert not Message.objects.filter(direction="out").exists()

    guidebook.clear()
    page.locator("#reply-text").fill("您好，今天发货")
    page.keyboard.press("Control+Enter")
    expect(page.locator("#thread [data-direction=out][data-send-state=sent]")).to_contain_text(
        "您好，今天发货"
    )
    shot(page, "inbox-three-panes.png")
    expect(page.locator("html[data-inbox-keys=on]")).to_have_count(1)

    page.keyboard.press("e")
    expect(page.locator("#thread-status")).to_have_attribute("data-status", "resolved")
    assert Conversation.objects.get(pk=second.pk).status == "resolved"
    expect(page.locator("#inbox-list [data-row]")).to_have_count(2)
    expect(page.locator("html[data-inbox-keys=on]")).to_have_count(1)

    page.keyboard.press("/")
    expect(page.locator("#inbox-search")).to_be_focused()
    page.keyboard.type("赠品")
    page.keyboard.press("Enter")
    expect(page.locator("#inbox-list [data-row]")).to_have_count(1)
    expect(page.locator(f"#inbox-list [data-row='{newest.pk}']")).to_be_visible()
    expect(page.locator("html[data-inbox-keys=on]")).to_have_count(1)

    page.keyboard.press("?")
    expect(page.locator("#shortcuts")).to_be_visible()


def test_it_fits_a_phone(
    browser: Any,  # noqa: F811
    live_server: Any,
    team: Team,
    channel: Any,
) -> None:
    from socialops.accounts.tests.test_browser import (
        PHONE,
        _context,
        log_in_phone,
        no_horizontal_overflow,
    )

    conversation = factories.conversation(channel, author="u9", author_name="很长的名字" * 4)
    factories.inbound(conversation, "这是一条很长的消息，" * 30)
    context = _context(
        browser, live_server, viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2
    )
    phone = context.new_page()
    phone.goto("/login/")
    log_in_phone(phone, team.dave.email)
    phone.goto("/w/acme/interaction/")
    expect(phone.locator("#inbox-list [data-row]")).to_have_count(1)
    assert no_horizontal_overflow(phone)
    phone.locator(f"#inbox-list [data-row='{conversation.pk}'] [data-open]").click()
    expect(phone.locator("#thread")).to_be_visible()
    expect(phone.locator("#inbox-list-pane")).to_be_hidden()  # one pane at a time
    expect(phone.locator("#reply-text")).to_be_visible()
    assert no_horizontal_overflow(phone)
    shot(phone, "inbox-phone.png")
    context.close()
