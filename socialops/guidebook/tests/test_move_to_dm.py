"""Move to DM: the public invitation sent through the inbox, the 转私信 label and a note."""

from __future__ import annotations

from unittest import mock

import pytest
from django.core.exceptions import ValidationError

from socialops.accounts.queries import AccessDenied
from socialops.core.models import AuditEvent
from socialops.guidebook import actions
from socialops.guidebook.models import CannedReply
from socialops.inbox.models import Message, Note

from .conftest import make_conversation, reply_rule, words


@pytest.fixture
def invite(team):
    return actions.create_canned(
        access=team.access("bob"),
        title="致歉并转私信",
        body="{昵称}您好，非常抱歉！请私信我们，我们马上处理。",
        purpose="dm_invite",
    )


def _outbound(conversation):
    return list(conversation.messages.filter(direction=Message.Direction.OUTBOUND))


def test_it_sends_the_invitation_labels_and_notes_the_conversation(team, conversation, invite):
    message = actions.move_to_dm(
        access=team.access("dave"), conversation=conversation, reply=invite
    )

    assert message.text == "小明您好，非常抱歉！请私信我们，我们马上处理。"
    assert message.direction == Message.Direction.OUTBOUND
    assert message.sent_by == team.dave
    assert message.parent_remote_id == f"m-{conversation.pk}"
    assert message.idempotency_key
    assert message.send_state in {"sending", "sent", "failed", "unconfirmed"}
    conversation.refresh_from_db()
    assert [label.name for label in conversation.labels.all()] == ["转私信"]
    assert conversation.status == "pending"
    [note] = Note.objects.filter(conversation=conversation)
    assert "致歉并转私信" in note.text and note.author == team.dave
    invite.refresh_from_db()
    assert invite.usage_count == 1
    assert AuditEvent.objects.filter(action="inbox.moved_to_dm").count() == 1


def test_it_hands_the_committed_message_to_the_sender(team, conversation, invite):
    with mock.patch("socialops.inbox.actions._deliver", side_effect=lambda m: m) as deliver:
        message = actions.move_to_dm(
            access=team.access("dave"), conversation=conversation, reply=invite
        )

    [(handed,), _kwargs] = deliver.call_args
    assert handed.pk == message.pk
    assert handed.send_state == Message.SendState.SENDING


def test_it_sends_and_labels_once_per_idempotency_key(team, conversation, invite):
    first = actions.move_to_dm(
        access=team.access("dave"), conversation=conversation, reply=invite, idempotency_key="k1"
    )
    again = actions.move_to_dm(
        access=team.access("dave"), conversation=conversation, reply=invite, idempotency_key="k1"
    )

    assert again.pk == first.pk
    assert len(_outbound(conversation)) == 1
    assert Note.objects.filter(conversation=conversation).count() == 1
    invite.refresh_from_db()
    assert invite.usage_count == 1


def test_it_sends_the_agents_edit_and_blocks_what_the_guidebook_forbids(team, conversation, invite):
    reply_rule(team.workspace, "forbidden_words", words("垃圾"))

    with pytest.raises(ValidationError) as caught:
        actions.move_to_dm(
            access=team.access("dave"),
            conversation=conversation,
            reply=invite,
            text="垃圾快递，请私信",
        )
    assert "text" in caught.value.message_dict
    with pytest.raises(ValidationError):
        actions.move_to_dm(
            access=team.access("dave"),
            conversation=conversation,
            reply=invite,
            text="您好，请私信告诉我们订单号 {订单号}",
        )
    assert _outbound(conversation) == []
    assert not conversation.labels.exists()
    assert not Note.objects.exists()

    sent = actions.move_to_dm(
        access=team.access("dave"), conversation=conversation, reply=invite, text="您好，请私信我们"
    )
    assert sent.text == "您好，请私信我们"


def test_it_refuses_a_dm_a_reply_that_is_no_invitation_and_a_viewer(
    team, channel, conversation, invite
):
    dm = make_conversation(channel, kind="dm")
    thanks = actions.create_canned(access=team.access("bob"), title="感谢", body="谢谢")
    other = CannedReply.objects.create(
        workspace=team.other, title="x", body="私信", purpose="dm_invite"
    )

    with pytest.raises(ValidationError) as in_dm:
        actions.move_to_dm(access=team.access("dave"), conversation=dm, reply=invite)
    with pytest.raises(ValidationError) as not_invite:
        actions.move_to_dm(access=team.access("dave"), conversation=conversation, reply=thanks)
    with pytest.raises(ValidationError):
        actions.move_to_dm(access=team.access("dave"), conversation=conversation, reply=other)
    with pytest.raises(AccessDenied):
        actions.move_to_dm(access=team.access("erin"), conversation=conversation, reply=invite)

    assert "conversation" in in_dm.value.message_dict
    assert "reply" in not_invite.value.message_dict
    assert not Message.objects.filter(direction=Message.Direction.OUTBOUND).exists()
