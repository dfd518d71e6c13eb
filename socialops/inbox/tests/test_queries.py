"""The inbox list: filters, orders, keyset pages, a fixed number of queries; the detail reads."""

from __future__ import annotations

import base64
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from socialops.conftest import Team
from socialops.contacts.models import Contact, Identity
from socialops.core.clock import now
from socialops.inbox import queries
from socialops.inbox.models import Conversation, Label

from . import factories
from .conftest import many, other_channel

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english() -> Any:
    with translation.override("en"):
        yield


def _ids(team: Team, name: str = "dave", **params: Any) -> list[int]:
    access = team.access(name)
    filters = queries.Filters.parse(params, access.workspace)
    return [c.pk for c in queries.page(access, filters, size=200).items]


def test_it_lists_open_and_pending_newest_first_by_default(team: Team, channel: Any) -> None:
    found = many(channel, 4)
    Conversation.objects.filter(pk=found[0].pk).update(status="resolved")
    Conversation.objects.filter(pk=found[1].pk).update(status="pending")
    assert _ids(team) == [found[3].pk, found[2].pk, found[1].pk]
    assert _ids(team, status="resolved") == [found[0].pk]
    assert len(_ids(team, status="all")) == 4
    assert _ids(team, status="open,pending") == _ids(team)


def test_it_filters_by_each_field(team: Team, channel: Any, label: Label) -> None:
    second = factories.sandbox_channel(team, "acme_shop")
    dm = factories.conversation(channel, kind="dm", sentiment="negative", intent="complaint")
    mention = factories.conversation(second, kind="mention", priority=3, assignee=team.dave)
    comment = factories.conversation(channel, kind="comment", assignee=team.bob)
    comment.labels.add(label)
    assert _ids(team, kind="mention") == [mention.pk]
    assert _ids(team, channel_id=str(second.pk)) == [mention.pk]
    assert _ids(team, assignee="me") == [mention.pk]
    assert _ids(team, assignee="none") == [dm.pk]
    assert _ids(team, assignee=str(team.bob.pk)) == [comment.pk]
    assert _ids(team, priority="3") == [mention.pk]
    assert _ids(team, label_id=str(label.pk)) == [comment.pk]
    assert _ids(team, sentiment="negative") == [dm.pk]
    assert _ids(team, intent="complaint") == [dm.pk]


def test_it_searches_chinese_substrings_of_text_and_author(team: Team, channel: Any) -> None:
    refund = factories.conversation(channel, author="u1", author_name="李雷")
    factories.inbound(refund, "我想申请退款了，订单号 12345")
    other = factories.conversation(channel, author="u2", author_name="韩梅梅")
    factories.inbound(other, "新品什么时候上架？")
    assert _ids(team, q="退款") == [refund.pk]
    assert _ids(team, q="梅梅") == [other.pk]
    assert _ids(team, q="@h_u2") == [other.pk]
    assert _ids(team, q="不存在的词") == []


def test_it_orders_by_priority_and_by_waiting_longest(team: Team, channel: Any) -> None:
    old, middle, new = many(channel, 3)
    Conversation.objects.filter(pk=middle.pk).update(priority=3)
    Conversation.objects.filter(pk=new.pk).update(priority=2)
    assert _ids(team, sort="priority") == [middle.pk, new.pk, old.pk]
    never = factories.conversation(channel)  # no inbound yet: last
    assert _ids(team, sort="due") == [old.pk, middle.pk, new.pk, never.pk]


@pytest.mark.parametrize("sort", ["newest", "priority", "due"])
def test_it_walks_every_row_once_with_the_cursor(team: Team, channel: Any, sort: str) -> None:
    found = many(channel, 7)
    same_time = now() - timedelta(hours=1)
    for index, conversation in enumerate(found):
        # ties on every key but the id, so the cursor must break them
        Conversation.objects.filter(pk=conversation.pk).update(
            priority=index % 2, last_message_at=same_time, last_inbound_at=same_time
        )
    factories.conversation(channel)  # no inbound
    access = team.access("dave")
    filters = queries.Filters(sort=sort)
    seen: list[int] = []
    cursor = None
    for _page in range(10):
        result = queries.page(access, filters, cursor=cursor, size=3)
        seen += [c.pk for c in result.items]
        cursor = result.next_cursor
        if cursor is None:
            break
    everything = [c.pk for c in queries.page(access, filters, size=200).items]
    assert seen == everything and len(seen) == 8


def test_it_refuses_a_damaged_or_foreign_cursor(team: Team, channel: Any) -> None:
    many(channel, 3)
    access = team.access("dave")
    cursor = queries.page(access, queries.Filters(), size=1).next_cursor
    assert cursor
    naive = base64.urlsafe_b64encode(b'["newest","2026-01-01T08:00:00",1]').decode()
    for bad in ("nonsense", cursor[:-3], "W10", "WyJuZXdlc3QiLCJ4IiwxXQ", naive):
        with pytest.raises(ValidationError) as caught:
            queries.page(access, queries.Filters(), cursor=bad)
        assert "cursor" in caught.value.message_dict
    with pytest.raises(ValidationError):  # a newest-first cursor in the priority order
        queries.page(access, queries.Filters(sort="priority"), cursor=cursor)


def test_it_refuses_bad_filters_with_the_field(team: Team) -> None:
    with pytest.raises(ValidationError) as caught:
        queries.Filters.parse(
            {
                "status": "closed",
                "kind": "tweet",
                "assignee": str(team.charlie.pk),
                "priority": "7",
                "sort": "random",
                "q": "长" * 101,
                "channel_id": "x",
            },
            team.workspace,
        )
    assert set(caught.value.message_dict) == {
        "status",
        "kind",
        "assignee",
        "priority",
        "sort",
        "q",
        "channel_id",
    }


def test_it_lists_a_page_in_a_fixed_number_of_queries(
    team: Team, channel: Any, label: Label
) -> None:
    access = team.access("dave")
    assert access.user == team.dave  # loaded once, before counting

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            result = queries.page(access, queries.Filters())
            for conversation in result.items:
                _ = (
                    conversation.channel.platform,
                    conversation.assignee,
                    conversation.unread,  # type: ignore[attr-defined]
                )
                _ = [lab.name for lab in conversation.labels.all()]
        return len(captured)

    for conversation in many(channel, 3, assignee=team.dave):
        conversation.labels.add(label)
    small = count()
    for conversation in many(channel, 20, assignee=team.bob):
        conversation.labels.add(label)
    # the rows, their labels, the caller's presence marks, the SLA badges
    assert count() == small <= 4


def test_it_keeps_other_workspaces_out(team: Team, channel: Any) -> None:
    theirs = factories.conversation(other_channel(team))
    mine = factories.conversation(channel)
    assert _ids(team) == [mine.pk]
    with pytest.raises(Http404):
        queries.conversation(team.workspace, theirs.pk)


def test_it_finds_the_authors_other_conversations_and_contact(team: Team, channel: Any) -> None:
    contact = Contact.objects.create(workspace=team.workspace, name="王小明", kind="customer")
    Identity.objects.create(
        workspace=team.workspace, contact=contact, platform="weibo", remote_id="u42"
    )
    first = factories.conversation(channel, author="u42", status="resolved", contact=contact)
    current = factories.conversation(channel, author="u42", contact=contact)
    stranger = factories.conversation(channel, author="u7")
    assert [c.pk for c in queries.history(current)] == [first.pk]
    assert queries.history(stranger) == []
    card = queries.contact_card(current)
    assert card == contact
    assert [i.remote_id for i in card.identities.all()] == ["u42"]
    assert queries.contact_card(stranger) is None
