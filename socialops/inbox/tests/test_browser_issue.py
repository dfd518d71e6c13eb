"""The issue's browser test, end to end with nothing stubbed.

The sandbox audience comments on one of our posts and sends a DM; a sync (what the worker runs
every minute) brings both into the inbox, classified and assigned by the team's rule; the agent's
reply with a phrase the guidebook forbids is blocked in place; a clean reply goes out through the
sandbox connector and lands on the simulated network; the response-time clock shows as hit; the
author's contact card shows their history.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from socialops.accounts.tests.test_browser import browser, log_in, page, shot  # noqa: F401
from socialops.conftest import Team
from socialops.connectors.sandbox.models import MessageKind
from socialops.contacts.models import Contact, Identity
from socialops.content.models import EditorialRule
from socialops.inbox.models import AssignmentRule, Conversation, Message
from socialops.sla.actions import ensure_default_policies
from socialops.sla.models import Clock

from . import factories

pytestmark = pytest.mark.browser


def test_it_brings_in_classifies_assigns_guards_sends_and_times_a_reply(
    page: Page,  # noqa: F811
    team: Team,
    channel: Any,
) -> None:
    workspace = team.workspace
    ensure_default_policies(workspace)
    AssignmentRule.objects.create(
        workspace=workspace,
        name="私信和评论给张客服",
        strategy=AssignmentRule.Strategy.ROUND_ROBIN,
        member_ids=[team.dave.pk],
    )
    EditorialRule.objects.create(
        workspace=workspace,
        name="互动禁区",
        kind="forbidden_words",
        scope="replies",
        params={"words": [{"word": "无可奉告", "replacement": "核实后回复您", "pinyin": False}]},
    )
    fan = factories.persona(channel, 0)
    contact = Contact.objects.create(workspace=workspace, name="老粉丝小林", kind="fan")
    Identity.objects.create(
        workspace=workspace,
        contact=contact,
        platform=channel.platform,
        remote_id=str(fan.number),
        handle=fan.handle,
    )

    # the audience: a comment under our post, then a DM with a complaint, from the same fan
    post = factories.our_post(channel, "新品发布，欢迎体验")
    factories.audience_writes(
        channel, "新品什么时候到货？", kind=MessageKind.COMMENT, author=fan, post=post
    )
    factories.audience_writes(
        channel, "订单一周了还没发货，太慢了，我要投诉！", kind=MessageKind.DM, author=fan
    )
    result = factories.sync(channel)
    assert result is not None
    dm = Conversation.objects.get(channel=channel, kind="dm")
    comment = Conversation.objects.get(channel=channel, kind="comment")
    assert dm.intent == "complaint" and dm.sentiment == "negative"
    assert dm.assignee == team.dave and comment.assignee == team.dave
    assert dm.contact == contact

    # dave, an agent, sees both, classified and his
    log_in(page, team.dave.email)
    page.locator("#main-nav a[href='/w/acme/interaction/']").click()
    rows = page.locator("#inbox-list [data-row]")
    expect(rows).to_have_count(2)
    dm_row = page.locator(f"#inbox-list [data-row='{dm.pk}']")
    expect(dm_row.locator("[data-mark=intent]")).to_be_visible()
    expect(dm_row.locator("[data-mark=sentiment]")).to_be_visible()
    expect(dm_row.locator(f"[data-assignee='{team.dave.pk}']")).to_have_count(1)
    comment_row = page.locator(f"#inbox-list [data-row='{comment.pk}']")
    expect(comment_row.locator("[data-mark=intent]")).to_be_visible()

    dm_row.locator("[data-open]").click()
    expect(page).to_have_url(re.compile(rf"/interaction/c/{dm.pk}/"))
    expect(page.locator("#thread")).to_contain_text("我要投诉")

    # a reply with a phrase the guidebook forbids is marked as he types and blocked at send
    page.locator("#reply-text").fill("这个问题无可奉告")
    expect(page.locator("#lint-findings [data-severity=error]")).to_be_visible()
    page.locator("#reply-text").press("Control+Enter")
    expect(page.locator("#reply-error")).to_be_visible()
    assert not Message.objects.filter(conversation=dm, direction="out").exists()

    # a clean one is sent through the sandbox and lands there
    page.locator("#reply-text").fill("很抱歉让您久等，我们马上为您催促发货")
    page.locator("#reply-text").press("Control+Enter")
    sent = page.locator("#thread [data-direction=out][data-send-state=sent]")
    expect(sent).to_contain_text("马上为您催促发货")
    landed = [row.text for row in factories.sandbox_replies(channel)]
    assert "很抱歉让您久等，我们马上为您催促发货" in landed

    # the first-response clock is hit, in the list and in the context pane
    page.reload()
    expect(page.locator(f"#inbox-list [data-row='{dm.pk}'] [data-mark=sla]")).to_have_attribute(
        "data-state", "hit"
    )
    assert Clock.objects.filter(conversation=dm, metric="first_response", state="hit").exists()

    # the contact card names the fan and shows the comment as their history
    card = page.locator("#contact-card")
    expect(card.locator(f"[data-contact='{contact.pk}']")).to_be_visible()
    expect(page.locator("#context-pane")).to_contain_text("老粉丝小林")
    expect(page.locator(f"#context-pane [data-history='{comment.pk}']")).to_be_visible()
    shot(page, "inbox-issue-story.png")
