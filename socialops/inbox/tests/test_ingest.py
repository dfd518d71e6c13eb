"""Ingestion from the sandbox: threading, dedupe, classification, counters, priority, status."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine
from django.utils import translation

from socialops import classify
from socialops.classify import Classification
from socialops.connectors.sandbox.models import MessageKind
from socialops.core.clock import now
from socialops.inbox.models import Conversation, Message, SyncCursor

from .factories import (
    audience_writes,
    minutes,
    our_post,
    persona,
    quiet_until,
    sandbox_channel,
    sync,
)

T0 = datetime(2026, 8, 3, 2, 1, tzinfo=UTC)  # 10:01 in Asia/Shanghai


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def clock() -> Iterator[Any]:
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


class Keywords:
    """A classifier the tests control: complaint when 投诉 appears, spam on 加微信."""

    def classify(self, text: str, *, lang: str = "") -> Classification:
        if "投诉" in text:
            return Classification("zh", "negative", "complaint", scores={"complaint": 0.8})
        if "加微信" in text:
            return Classification("zh", "neutral", "spam", scores={"spam": 0.95})
        return Classification("zh", "neutral", "question", scores={"question": 0.6})


@pytest.fixture(autouse=True)
def keywords() -> Iterator[None]:
    before = classify._current
    classify.use(Keywords())
    yield
    classify.use(before)


def test_it_threads_comments_per_author_under_a_post(team, clock):
    channel = sandbox_channel(team)
    post = our_post(channel)
    li, wang = persona(channel, 0), persona(channel, 1)
    audience_writes(channel, "好看", kind=MessageKind.COMMENT, author=li, post=post)
    audience_writes(channel, "多少钱?", kind=MessageKind.COMMENT, author=li, post=post)
    audience_writes(channel, "支持", kind=MessageKind.COMMENT, author=wang, post=post)

    result = sync(channel)

    assert (result.fetched, result.stored, result.conversations) == (3, 3, 2)
    threads = {c.author_handle: c for c in Conversation.objects.filter(kind="comment")}
    assert threads[li.handle].message_count == 2
    assert threads[li.handle].preview == "多少钱?"
    assert threads[li.handle].thread_key == f"{post.number}:{li.number}"
    assert threads[li.handle].post_remote_id == str(post.number)
    assert threads[wang.handle].message_count == 1


def test_it_stores_a_message_once_when_synced_twice(team, clock):
    channel = sandbox_channel(team)
    audience_writes(channel, "在吗")
    sync(channel)
    SyncCursor.objects.filter(channel=channel).update(cursor="")  # as if the cursor was lost

    again = sync(channel)

    assert (again.fetched, again.stored, again.duplicates) == (1, 0, 1)
    assert Message.objects.count() == 1
    assert Conversation.objects.get().message_count == 1


def test_it_keeps_a_dm_thread_per_person_and_classifies_on_arrival(team, clock):
    channel = sandbox_channel(team)
    li = persona(channel, 0)
    audience_writes(channel, "你好", author=li)
    audience_writes(channel, "我要投诉，快递三天没动", author=li)

    sync(channel)

    conversation = Conversation.objects.get()
    assert (conversation.kind, conversation.thread_key) == ("dm", str(li.number))
    assert (conversation.intent, conversation.sentiment, conversation.lang) == (
        "complaint",
        "negative",
        "zh",
    )
    assert conversation.priority == Conversation.Priority.HIGH
    assert conversation.unanswered and conversation.status == "open"
    newest = Message.objects.order_by("created_at", "id").reverse()[0]
    assert newest.scores == {"complaint": 0.8}
    assert newest.direction == "in" and newest.send_state == "received"


def test_it_gives_a_mention_its_own_conversation(team, clock):
    channel = sandbox_channel(team)
    audience_writes(channel, "@acme_help 新品什么时候上?", kind=MessageKind.MENTION)
    audience_writes(channel, "@acme_help 门店在哪", kind=MessageKind.MENTION)

    sync(channel)

    mentions = Conversation.objects.filter(kind="mention")
    assert mentions.count() == 2
    assert {c.message_count for c in mentions} == {1}


def test_it_puts_an_answer_to_our_reply_in_the_same_conversation(team, clock):
    from socialops.inbox import sending

    from .factories import reply

    channel = sandbox_channel(team)
    li = persona(channel, 0)
    asked = audience_writes(channel, "@acme_help 有货吗", kind=MessageKind.MENTION, author=li)
    sync(channel)
    conversation = Conversation.objects.get()
    sent = sending.deliver(reply(conversation, "有的").pk)
    answer = asked.answers.get()  # our reply on the network
    assert sent.remote_id == str(answer.number)
    clock.shift(minutes(5))
    quiet_until(channel, now())
    audience_writes(
        channel, "谢谢", kind=MessageKind.COMMENT, author=li, post=asked.post, parent=answer
    )

    sync(channel)

    assert Conversation.objects.count() == 1
    conversation.refresh_from_db()
    assert conversation.message_count == 3
    assert conversation.preview == "谢谢" and conversation.unanswered


def test_it_raises_priority_for_contacts_and_links_them(team, clock):
    from socialops.contacts.models import Contact, Identity

    channel = sandbox_channel(team)
    vip, expert = persona(channel, 0), persona(channel, 1)
    for account, importance in ((vip, Contact.Importance.VIP), (expert, Contact.Importance.HIGH)):
        contact = Contact.objects.create(
            workspace=team.workspace, name=account.display_name, importance=importance
        )
        Identity.objects.create(
            workspace=team.workspace,
            contact=contact,
            platform="weibo",
            remote_id=str(account.number),
        )
    audience_writes(channel, "你好", author=vip)
    audience_writes(channel, "你好", author=expert)
    audience_writes(channel, "你好", author=persona(channel, 2))

    sync(channel)

    by_author = {c.author_remote_id: c for c in Conversation.objects.select_related("contact")}
    assert by_author[str(vip.number)].priority == Conversation.Priority.URGENT
    assert by_author[str(vip.number)].contact == Contact.objects.get(name=vip.display_name)
    assert by_author[str(expert.number)].priority == Conversation.Priority.HIGH
    assert by_author[str(persona(channel, 2).number)].priority == Conversation.Priority.NORMAL
    assert by_author[str(persona(channel, 2).number)].contact is None


def test_it_marks_confident_spam_and_leaves_it_unassigned(team, clock, monkeypatch):
    assigned: list[Conversation] = []
    monkeypatch.setattr("socialops.inbox.assignment.assign_on_arrival", assigned.append)
    channel = sandbox_channel(team)
    audience_writes(channel, "加微信领红包", author=persona(channel, 0))
    audience_writes(channel, "你好", author=persona(channel, 1))

    sync(channel)

    spam = Conversation.objects.get(intent="spam")
    assert spam.status == "spam"
    assert [c.author_remote_id for c in assigned] == [str(persona(channel, 1).number)]


def test_it_reopens_a_resolved_conversation_when_the_customer_writes_again(
    team, clock, monkeypatch
):
    changes = []
    monkeypatch.setattr(
        "socialops.sla.hooks.on_status_changed", lambda c, old: changes.append((c.status, old))
    )
    channel = sandbox_channel(team)
    li = persona(channel, 0)
    audience_writes(channel, "你好", author=li)
    sync(channel)
    Conversation.objects.update(status="resolved", resolved_at=T0)
    audience_writes(channel, "还有个问题", author=li)

    sync(channel)

    conversation = Conversation.objects.get()
    assert (conversation.status, conversation.resolved_at) == ("open", None)
    assert changes == [("open", "resolved")]


def test_it_tells_the_sla_and_the_assignment_about_arrivals(team, clock, monkeypatch):
    inbound: list[Message] = []
    arrivals: list[Conversation] = []
    priorities: list[Conversation] = []
    monkeypatch.setattr("socialops.sla.hooks.on_inbound", inbound.append)
    monkeypatch.setattr("socialops.sla.hooks.on_priority_changed", priorities.append)
    monkeypatch.setattr("socialops.inbox.assignment.assign_on_arrival", arrivals.append)
    channel = sandbox_channel(team)
    li = persona(channel, 0)
    audience_writes(channel, "你好", author=li)
    audience_writes(channel, "在吗", author=li)
    sync(channel)
    audience_writes(channel, "我要投诉", author=li)

    sync(channel)

    assert [m.text for m in inbound] == ["你好", "在吗", "我要投诉"]
    assert all(m.pk and m.conversation.pk for m in inbound)
    assert len(arrivals) == 1 and arrivals[0].lang == "zh"
    assert [c.priority for c in priorities] == [Conversation.Priority.HIGH]


def test_it_links_comments_to_our_publication(team, clock):
    from socialops.publishing.models import Publication
    from socialops.publishing.tests.factories import make_publication

    channel = sandbox_channel(team)
    post = our_post(channel)
    publication = make_publication(
        team.workspace,
        channel,
        state=Publication.State.PUBLISHED,
        remote_id=str(post.number),
    )
    audience_writes(channel, "好看", kind=MessageKind.COMMENT, post=post)

    sync(channel)

    assert Conversation.objects.get().publication_id == publication.pk
