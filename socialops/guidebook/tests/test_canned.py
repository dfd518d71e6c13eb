"""Canned replies: variables filled in, kinds, usage, and the guidebook's check on save."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from socialops.accounts.queries import AccessDenied
from socialops.core.models import AuditEvent
from socialops.guidebook import actions
from socialops.guidebook.canned import canned_for, render_canned
from socialops.guidebook.models import CannedReply

from .conftest import reply_rule, words


def _canned(team, **fields):
    values = {"title": "致歉", "body": "抱歉", **fields}
    return actions.create_canned(access=team.access("bob"), **values)


def test_it_fills_in_variables_and_their_chinese_aliases(team, conversation):
    reply = _canned(
        team,
        body="{nickname}/{昵称} @{handle} 来自 {account}，"
        "我是{客服}（{agent}）。订单 {订单号} {unknown}",
    )

    text = render_canned(reply, conversation=conversation, agent=team.dave)

    assert text == "小明/小明 @xiaoming 来自 Acme 官方，我是Dave（Dave）。订单 {订单号} {unknown}"


def test_it_uses_the_handle_when_there_is_no_name_and_leaves_empty_values_visible(
    team, conversation
):
    conversation.author_name = ""
    reply = _canned(team, body="{nickname} {order_number}")

    assert render_canned(reply, conversation=conversation, agent=None) == "xiaoming {order_number}"
    assert render_canned(reply, conversation=None, agent=None) == "{nickname} {order_number}"


def test_it_offers_the_replies_of_a_kind_most_used_first(team):
    both = _canned(team, title="B", kinds=["comment", "dm"])
    dm_only = _canned(team, title="A", kinds=["dm"])
    every = _canned(team, title="C")
    CannedReply.objects.filter(pk=every.pk).update(usage_count=5)
    _canned(team, title="D", kinds=["mention"]).delete()

    assert canned_for(team.workspace, "dm") == [every, dm_only, both]
    assert canned_for(team.workspace, "comment") == [every, both]
    assert canned_for(team.other, "dm") == []


def test_it_counts_uses(team):
    reply = _canned(team)

    actions.record_canned_use(reply=reply)
    actions.record_canned_use(reply=reply)

    reply.refresh_from_db()
    assert reply.usage_count == 2
    assert reply.last_used_at is not None


def test_it_refuses_a_body_the_guidebook_forbids(team):
    reply_rule(team.workspace, "forbidden_words", words("垃圾"))
    reply_rule(team.workspace, "forbidden_words", words("随便"), severity="warning")

    with pytest.raises(ValidationError) as caught:
        _canned(team, body="{昵称}您好，这不是垃圾")

    assert "Forbidden word “垃圾”" in caught.value.message_dict["body"][0]
    assert not CannedReply.objects.exists()
    assert _canned(team, body="{昵称}您好，随便看看 {订单号}").pk  # warnings and placeholders pass


def test_it_checks_a_body_only_against_the_rules_of_its_kinds(team):
    reply_rule(team.workspace, "forbidden_words", words("私信"), reply_kinds=["comment"])

    assert _canned(team, body="请私信我们", kinds=["dm"]).pk
    with pytest.raises(ValidationError):
        _canned(team, title="公开", body="请私信我们", kinds=["comment"])


def test_it_validates_title_shortcut_kinds_and_purpose(team):
    _canned(team, shortcut="sorry")

    with pytest.raises(ValidationError) as caught:
        _canned(team, title=" ", shortcut="/Sorry", kinds=["tweet"], purpose="spam")

    assert set(caught.value.message_dict) == {"title", "shortcut", "kinds", "purpose"}


def test_it_updates_and_deletes_with_an_audit_trail(team):
    reply = _canned(team, shortcut="/Hi")
    assert reply.shortcut == "hi"

    actions.update_canned(
        access=team.access("bob"), reply=reply, body="您好！", purpose="dm_invite"
    )
    actions.delete_canned(access=team.access("bob"), reply=reply)

    events = list(AuditEvent.objects.filter(action__startswith="guidebook.canned").order_by("id"))
    assert [e.action for e in events] == [
        "guidebook.canned_created",
        "guidebook.canned_updated",
        "guidebook.canned_deleted",
    ]
    assert ((events[1].before or {})["body"], (events[1].after or {})["body"]) == ("抱歉", "您好！")
    assert (events[1].after or {})["purpose"] == "dm_invite"
    assert not CannedReply.objects.exists()


def test_it_lets_only_inbox_managers_change_canned_replies(team):
    with pytest.raises(AccessDenied):
        actions.create_canned(access=team.access("dave"), title="x", body="y")
