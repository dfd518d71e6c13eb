"""Inbox writes: triage, notes, replies with the guidebook, bulk, views, labels, presence."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from socialops.conftest import Team, audit_count
from socialops.core.clock import now
from socialops.core.models import AuditEvent
from socialops.inbox import actions, queries
from socialops.inbox.models import Conversation, Label, Message, Note, SavedView

from . import factories
from .conftest import finding, many, other_channel

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english() -> Any:
    with translation.override("en"):
        yield


def test_it_assigns_to_a_member_who_may_reply_and_audits(team: Team, convo: Conversation) -> None:
    actions.assign(access=team.access("bob"), conversation=convo, assignee_id=team.dave.pk)
    convo.refresh_from_db()
    assert convo.assignee_id == team.dave.pk
    event = AuditEvent.objects.get(action="inbox.assigned")
    assert event.before == {"assignee": None} and event.after == {"assignee": team.dave.pk}
    assert event.actor == team.bob


def test_it_refuses_an_assignee_who_may_not_reply(team: Team, convo: Conversation) -> None:
    for name in ("carol", "erin", "charlie"):
        with pytest.raises(ValidationError) as caught:
            actions.assign(
                access=team.access("bob"), conversation=convo, assignee_id=team.user(name).pk
            )
        assert "assignee_id" in caught.value.message_dict
    convo.refresh_from_db()
    assert convo.assignee_id is None
    assert audit_count("inbox.assigned") == 0


def test_it_lets_only_repliers_triage(team: Team, convo: Conversation) -> None:
    with pytest.raises(PermissionDenied):
        actions.set_status(access=team.access("erin"), conversation=convo, status="resolved")
    with pytest.raises(PermissionDenied):
        actions.add_note(access=team.access("carol"), conversation=convo, text="看一下")


def test_it_tells_the_sla_about_status_and_priority(
    team: Team, convo: Conversation, monkeypatch: pytest.MonkeyPatch
) -> None:
    from socialops.sla import hooks

    calls: list[tuple[str, Any]] = []
    monkeypatch.setattr(hooks, "on_status_changed", lambda c, old: calls.append(("status", old)))
    monkeypatch.setattr(hooks, "on_priority_changed", lambda c: calls.append(("priority", c.pk)))
    access = team.access("dave")
    actions.set_status(access=access, conversation=convo, status="pending")
    actions.set_status(access=access, conversation=convo, status="pending")  # no change: no call
    actions.set_priority(access=access, conversation=convo, priority=3)
    assert calls == [("status", "open"), ("priority", convo.pk)]
    assert audit_count("inbox.status_changed") == 1
    assert audit_count("inbox.priority_changed") == 1


def test_it_stamps_and_clears_resolved_at(team: Team, convo: Conversation) -> None:
    access = team.access("dave")
    with time_machine.travel("2026-11-26 10:00 +0800", tick=False):
        actions.set_status(access=access, conversation=convo, status="resolved")
    convo.refresh_from_db()
    assert convo.resolved_at is not None and convo.resolved_at.hour == 2
    actions.set_status(access=access, conversation=convo, status="open")
    convo.refresh_from_db()
    assert convo.resolved_at is None


def test_it_refuses_an_unknown_status_or_priority(team: Team, convo: Conversation) -> None:
    with pytest.raises(ValidationError) as caught:
        actions.set_status(access=team.access("dave"), conversation=convo, status="closed")
    assert "status" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        actions.set_priority(access=team.access("dave"), conversation=convo, priority=9)
    assert "priority" in caught.value.message_dict


def test_it_adds_and_removes_labels_once(team: Team, convo: Conversation, label: Label) -> None:
    access = team.access("dave")
    actions.add_label(access=access, conversation=convo, label=label)
    actions.add_label(access=access, conversation=convo, label=label)
    assert list(convo.labels.all()) == [label]
    assert audit_count("inbox.labelled") == 1
    actions.remove_label(access=access, conversation=convo, label=label)
    assert not convo.labels.exists()
    assert audit_count("inbox.unlabelled") == 1


def test_it_refuses_another_workspaces_label(team: Team, convo: Conversation) -> None:
    theirs = Label.objects.create(workspace=team.other, name="竞品")
    with pytest.raises(ValidationError):
        actions.add_label(access=team.access("dave"), conversation=convo, label=theirs)
    assert not convo.labels.exists()


def test_it_adds_a_note_and_refuses_an_empty_one(team: Team, convo: Conversation) -> None:
    note = actions.add_note(access=team.access("dave"), conversation=convo, text="  已转物流  ")
    assert note.text == "已转物流" and note.author == team.dave
    with pytest.raises(ValidationError) as caught:
        actions.add_note(access=team.access("dave"), conversation=convo, text="   ")
    assert "text" in caught.value.message_dict
    assert Note.objects.count() == 1
    assert audit_count("inbox.note_added") == 1


# ---- replies -----------------------------------------------------------------------------------


def test_it_stores_a_reply_as_sending_then_delivers_it(
    team: Team, convo: Conversation, delivered: list[int], guidebook: list[Any]
) -> None:
    message = actions.reply(access=team.access("dave"), conversation=convo, text="您好，马上查")
    assert delivered == [message.pk]
    assert message.send_state == Message.SendState.SENT
    assert message.direction == Message.Direction.OUTBOUND
    assert message.sent_by == team.dave
    assert len(message.idempotency_key) == 32
    convo.refresh_from_db()
    assert convo.assignee_id == team.dave.pk  # an unassigned conversation goes to who answers
    assert convo.status == "open"  # "Send" keeps it open
    assert convo.preview == "您好，马上查" and convo.message_count == 2
    assert audit_count("inbox.replied") == 1


def test_it_keeps_the_reply_sending_while_there_is_no_sender(
    team: Team, convo: Conversation, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "socialops.inbox.sending", None)  # import fails
    message = actions.reply(access=team.access("dave"), conversation=convo, text="收到")
    assert message.send_state == Message.SendState.SENDING


def test_it_resolves_on_send_and_resolve(
    team: Team, convo: Conversation, delivered: list[int]
) -> None:
    actions.reply(
        access=team.access("dave"), conversation=convo, text="已补发", then_status="resolved"
    )
    convo.refresh_from_db()
    assert convo.status == "resolved" and convo.resolved_at is not None


def test_it_blocks_a_reply_the_guidebook_forbids(
    team: Team, convo: Conversation, delivered: list[int], guidebook: list[Any]
) -> None:
    guidebook.append(finding("error", "亲，退款找淘宝"))
    with pytest.raises(actions.ReplyBlocked) as caught:
        actions.reply(
            access=team.access("dave"),
            conversation=convo,
            text="亲，退款找淘宝",
            accept_warnings=True,
        )
    assert "text" in caught.value.message_dict
    assert [f.matched for f in caught.value.findings] == ["亲"]
    assert not Message.objects.filter(direction="out").exists()
    assert delivered == []
    assert audit_count("inbox.replied") == 0


def test_it_sends_with_warnings_only_when_accepted(
    team: Team, convo: Conversation, delivered: list[int], guidebook: list[Any]
) -> None:
    guidebook.append(finding("warning", "亲，稍等", "亲"))
    with pytest.raises(actions.ReplyBlocked) as caught:
        actions.reply(access=team.access("dave"), conversation=convo, text="亲，稍等")
    assert caught.value.warnings_only
    assert "accept_warnings" in caught.value.message_dict
    assert not Message.objects.filter(direction="out").exists()
    message = actions.reply(
        access=team.access("dave"), conversation=convo, text="亲，稍等", accept_warnings=True
    )
    assert [item["matched"] for item in message.lint] == ["亲"]
    assert message.lint[0]["severity"] == "warning"


def test_it_refuses_an_empty_reply_and_an_agentless_role(
    team: Team, convo: Conversation, delivered: list[int]
) -> None:
    with pytest.raises(ValidationError):
        actions.reply(access=team.access("dave"), conversation=convo, text="  ")
    with pytest.raises(PermissionDenied):
        actions.reply(access=team.access("erin"), conversation=convo, text="你好")
    assert delivered == []


def test_it_does_not_send_a_repeated_idempotency_key_twice(
    team: Team, convo: Conversation, delivered: list[int]
) -> None:
    first = actions.reply(
        access=team.access("dave"), conversation=convo, text="你好", idempotency_key="k-1"
    )
    again = actions.reply(
        access=team.access("dave"), conversation=convo, text="你好", idempotency_key="k-1"
    )
    assert first.pk == again.pk
    assert delivered == [first.pk]


def test_it_retries_a_failed_reply_but_never_an_unconfirmed_one(
    team: Team, convo: Conversation, delivered: list[int]
) -> None:
    failed = factories.reply(convo, state=Message.SendState.FAILED)
    unsure = factories.reply(convo, state=Message.SendState.UNCONFIRMED)
    sent = actions.retry_reply(access=team.access("dave"), message=failed)
    assert sent.send_state == Message.SendState.SENT
    assert delivered == [failed.pk]
    with pytest.raises(ValidationError):
        actions.retry_reply(access=team.access("dave"), message=unsure)
    assert delivered == [failed.pk]


# ---- bulk --------------------------------------------------------------------------------------


def test_it_changes_many_with_one_audit_row_each(team: Team, channel: Any) -> None:
    found = many(channel, 3)
    changed = actions.bulk(
        access=team.access("dave"),
        conversation_ids=[c.pk for c in found],
        action="status",
        value="resolved",
    )
    assert changed == 3
    assert set(Conversation.objects.values_list("status", flat=True)) == {"resolved"}
    assert audit_count("inbox.status_changed") == 3


def test_it_changes_nothing_when_one_id_is_foreign(team: Team, channel: Any) -> None:
    found = many(channel, 2)
    theirs = factories.conversation(other_channel(team))
    with pytest.raises(ValidationError) as caught:
        actions.bulk(
            access=team.access("dave"),
            conversation_ids=[found[0].pk, theirs.pk, found[1].pk],
            action="status",
            value="spam",
        )
    assert "ids" in caught.value.message_dict
    assert set(Conversation.objects.values_list("status", flat=True)) == {"open"}


def test_it_rolls_back_the_whole_bulk_when_one_change_fails(
    team: Team, channel: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    found = many(channel, 3)
    from socialops.sla import hooks

    def fail_on_third(conversation: Conversation, old: str) -> None:
        if conversation.pk == found[2].pk:
            raise ValidationError({"status": "the SLA refused"})

    monkeypatch.setattr(hooks, "on_status_changed", fail_on_third)
    with pytest.raises(ValidationError):
        actions.bulk(
            access=team.access("dave"),
            conversation_ids=[c.pk for c in found],
            action="status",
            value="resolved",
        )
    assert set(Conversation.objects.values_list("status", flat=True)) == {"open"}
    assert audit_count("inbox.status_changed") == 0


def test_it_refuses_a_bulk_assign_to_a_non_replier(team: Team, channel: Any) -> None:
    found = many(channel, 2)
    with pytest.raises(ValidationError):
        actions.bulk(
            access=team.access("bob"),
            conversation_ids=[c.pk for c in found],
            action="assign",
            value=team.erin.pk,
        )
    assert not Conversation.objects.filter(assignee__isnull=False).exists()


# ---- labels, saved views -------------------------------------------------------------------


def test_it_keeps_label_names_unique_and_colours_valid(team: Team) -> None:
    access = team.access("bob")
    actions.create_label(access=access, name=" 物流  问题 ", color="#AABBCC")
    assert Label.objects.get().name == "物流 问题"
    with pytest.raises(ValidationError) as caught:
        actions.create_label(access=access, name="物流 问题", color="red")
    assert set(caught.value.message_dict) == {"name", "color"}
    with pytest.raises(PermissionDenied):
        actions.create_label(access=team.access("dave"), name="投诉")


def test_it_saves_own_and_shared_views(team: Team) -> None:
    mine = actions.create_view(
        access=team.access("dave"),
        name="我的投诉",
        filters={"intent": "complaint", "assignee": "me"},
    )
    assert mine.user == team.dave and mine.filters == {"assignee": "me", "intent": "complaint"}
    with pytest.raises(PermissionDenied):
        actions.create_view(access=team.access("dave"), name="团队", filters={}, shared=True)
    shared = actions.create_view(
        access=team.access("bob"), name="紧急", filters={"priority": "3"}, shared=True
    )
    assert shared.user is None
    assert {v.name for v in queries.saved_views(team.access("dave"))} == {"我的投诉", "紧急"}
    assert {v.name for v in queries.saved_views(team.access("carol"))} == {"紧急"}
    with pytest.raises(ValidationError) as caught:
        actions.create_view(access=team.access("dave"), name="坏", filters={"sort": "random"})
    assert "filters.sort" in caught.value.message_dict
    with pytest.raises(ValidationError):
        actions.delete_view(access=team.access("carol"), view=mine)
    actions.delete_view(access=team.access("dave"), view=mine)
    assert SavedView.objects.count() == 1


# ---- presence ---------------------------------------------------------------------------------


def test_it_warns_about_others_replying_in_the_last_30_seconds(
    team: Team, convo: Conversation
) -> None:
    with time_machine.travel(now(), tick=False) as traveller:
        actions.touch_presence(convo, team.bob, typing=True)
        actions.touch_presence(convo, team.dave, typing=False)
        others = queries.others_present(convo, team.dave)
        assert [(p.user, p.typing) for p in others] == [(team.bob, True)]
        assert queries.others_present(convo, team.bob)[0].user == team.dave
        traveller.shift(31)
        assert queries.others_present(convo, team.dave) == []


def test_it_marks_unread_until_the_member_opens_it(team: Team, convo: Conversation) -> None:
    access = team.access("dave")
    found = queries.page(access, queries.Filters())
    assert found.items[0].unread  # type: ignore[attr-defined]
    actions.touch_presence(convo, team.dave, typing=False)
    assert not queries.page(access, queries.Filters()).items[0].unread  # type: ignore[attr-defined]
    assert queries.page(team.access("bob"), queries.Filters()).items[0].unread  # type: ignore[attr-defined]
