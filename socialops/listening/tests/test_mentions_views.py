"""The mention stream page: highlights, filters, "load more", "N new", and its actions."""

from __future__ import annotations

import re

from django.urls import reverse

from socialops.conftest import audit_count
from socialops.contacts.models import Contact, EngagementTask
from socialops.inbox.models import Conversation
from socialops.inbox.tests import factories
from socialops.listening import mentions as reads

from .test_mentions_support import mention, query

URL = "/w/acme/interaction/listening/"


def _found(pattern: str, html: str) -> str:
    match = re.search(pattern, html)
    assert match is not None, pattern
    return match.group(1)


def _ids(html: str) -> list[int]:
    return [int(found) for found in re.findall(r'data-mention-id="(\d+)"', html)]


def test_it_shows_mentions_highlighted_and_escaped(team):
    brand = query(team.workspace, "安可")
    row = mention(
        team.workspace, "<script>alert(1)</script>安可&安可", queries={brand: "安可"},
        author_type="media", duplicates=4,
    )  # fmt: skip

    response = team.browser("dave").get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;<mark>安可</mark>&amp;<mark>安可</mark>" in html
    assert _ids(html) == [row.pk]
    assert 'data-duplicates="4"' in html and 'data-author-type="media"' in html
    assert f'data-query-id="{brand.pk}"' in html
    assert 'id="listening-subnav"' in html


def test_it_filters_and_says_what_is_wrong_with_a_filter(team):
    good = mention(team.workspace, "安可很好", sentiment="positive")
    bad = mention(team.workspace, "安可很差", sentiment="negative")
    client = team.browser("dave")

    assert _ids(client.get(URL, {"sentiment": "negative"}).content.decode()) == [bad.pk]
    assert _ids(client.get(URL, {"q": "很好"}).content.decode()) == [good.pk]
    refused = client.get(URL, {"sentiment": "furious"})
    assert refused.status_code == 422
    assert "is-invalid" in refused.content.decode()


def test_it_loads_more_and_counts_new_ones(team):
    made = [mention(team.workspace, f"第{i}条") for i in range(reads.PAGE_SIZE + 5)]
    client = team.browser("dave")
    first = client.get(URL).content.decode()
    shown = _ids(first)
    assert len(shown) == reads.PAGE_SIZE
    after = _found(r"after=([\w\-]+)", first)
    more = client.get(URL, {"after": after}, HTTP_HX_REQUEST="true").content.decode()
    assert sorted(shown + _ids(more)) == sorted(m.pk for m in made)
    assert "<html" not in more

    newest = _found(r"since=(\d+)", first)
    assert int(newest) == max(m.pk for m in made)
    mention(team.workspace, "刚刚发生的")
    mention(team.workspace, "又一条")
    fresh = client.get(reverse("listening_mentions_new", args=["acme"]), {"since": newest})
    assert 'data-new-count="2"' in fresh.content.decode()


def test_it_turns_a_mention_into_work_from_the_page(team):
    channel = factories.sandbox_channel(team, platform="weibo")
    row = mention(team.workspace, "安可怎么退货？", author_remote_id="55", author_handle="buyer55")
    client = team.browser("dave")

    to_inbox = client.post(reverse("listening_mention_conversation", args=["acme", row.pk]))
    conversation = Conversation.objects.get(channel=channel)
    assert to_inbox.status_code == 302
    assert to_inbox["Location"] == reverse("inbox_conversation", args=["acme", conversation.pk])

    client.post(reverse("listening_mention_task", args=["acme", row.pk]), {"next": URL})
    assert EngagementTask.objects.filter(post_remote_id=row.remote_id).count() == 1

    done = client.post(
        reverse("listening_mention_contact", args=["acme", row.pk]),
        {"kind": "customer", "next": "https://evil.example/"},
    )
    assert done["Location"] == URL  # never sent off-site
    assert Contact.objects.get().kind == "customer"
    assert audit_count("listening.mention_to_contact") == 1


def test_it_turns_away_who_may_not(team):
    row = mention(team.workspace, "安可")
    erin = team.browser("erin")  # analyst: reads listening, does not answer the public
    assert erin.get(URL).status_code == 200
    assert (
        erin.post(reverse("listening_mention_conversation", args=["acme", row.pk])).status_code
        == 403
    )
    assert erin.post(reverse("listening_mention_task", args=["acme", row.pk])).status_code == 403
    assert team.browser("charlie").get(URL).status_code == 404
    assert not Conversation.objects.exists() and not EngagementTask.objects.exists()


def test_it_draws_the_dashboard(team):
    mention(team.workspace, "安可")
    response = team.browser("erin").get(reverse("listening_dashboard", args=["acme"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="listening-dashboard"' in html and "vendor/echarts/echarts.min.js" in html
    assert 'data-listening-chart="volume"' in html
