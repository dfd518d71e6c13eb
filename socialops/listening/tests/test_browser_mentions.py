"""The listening story in a browser: highlighted mentions, a filter, one put in the inbox, and an
alert acknowledged on the crisis board."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from socialops.accounts.tests.test_browser import browser, log_in, page, shot  # noqa: F401
from socialops.conftest import Team
from socialops.inbox.models import Conversation
from socialops.inbox.tests import factories
from socialops.listening.models import Alert

from .test_mentions_support import alert, mention, query

pytestmark = pytest.mark.browser


def test_it_highlights_filters_converts_and_acknowledges(page: Page, team: Team) -> None:  # noqa: F811
    workspace = team.workspace
    channel = factories.sandbox_channel(team, platform="weibo")
    brand = query(workspace, "安可")
    angry = mention(
        workspace, "安可的充电宝<script>发烫</script>，太差了，退款！", queries={brand: "安可"},
        sentiment="negative", intent="complaint", author_remote_id="501", author_handle="user501",
    )  # fmt: skip
    happy = mention(
        workspace, "安可耳机音质很棒，推荐", queries={brand: "安可"}, sentiment="positive"
    )
    crisis = alert(workspace, query=brand, kind="negative", mentions=[angry])

    log_in(page, team.dave.email)
    page.goto("/w/acme/interaction/listening/")
    stream = page.locator("#mention-stream")
    expect(stream.locator("[data-mention-id]")).to_have_count(2)
    text = stream.locator(f"#mention-{angry.pk} [data-field=text]")
    expect(text.locator("mark")).to_have_text("安可")
    expect(text).to_contain_text("<script>发烫</script>")  # shown as text, not run

    page.locator("#f-sentiment").select_option("negative")
    page.locator("#mention-filter [data-action=filter]").click()
    expect(page).to_have_url(re.compile(r"sentiment=negative"))
    expect(stream.locator("[data-mention-id]")).to_have_count(1)
    expect(stream.locator(f"#mention-{happy.pk}")).to_have_count(0)
    shot(page, "listening-mentions.png")

    stream.locator(f"#mention-{angry.pk} [data-action=to-conversation]").click()
    conversation = Conversation.objects.get(channel=channel)
    expect(page).to_have_url(re.compile(rf"/interaction/c/{conversation.pk}/"))
    expect(page.locator("#thread")).to_contain_text("退款")
    page.goto("/w/acme/interaction/")
    expect(page.locator(f"#inbox-list [data-row='{conversation.pk}']")).to_be_visible()

    page.goto("/w/acme/interaction/listening/alerts/")
    card = page.locator(f"#alert-{crisis.pk}")
    expect(card).to_have_attribute("data-state", "open")
    card.locator("[data-action=acknowledge]").click()
    expect(page.locator(f"#alert-{crisis.pk}")).to_have_attribute("data-state", "acknowledged")
    assert Alert.objects.get(pk=crisis.pk).acknowledged_by == team.dave
    shot(page, "listening-crisis-board.png")

    # the dashboard draws its charts from the same rows (ECharts from the static files)
    page.locator("#listening-subnav [data-subnav=dashboard]").click()
    expect(page.locator("[data-listening-chart=volume]")).to_have_attribute("data-rendered", "1")
    expect(page.locator("[data-listening-chart=sentiment]")).to_have_attribute("data-rendered", "1")
    expect(page.locator("#top-authors [data-author=user501]")).to_be_visible()
    shot(page, "listening-dashboard.png")
