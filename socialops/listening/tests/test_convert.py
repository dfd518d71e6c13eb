"""A mention turned into an inbox conversation, an engagement task or a contact."""

from __future__ import annotations

from socialops.conftest import audit_count, error_of
from socialops.contacts.models import Contact, EngagementTask, Identity
from socialops.inbox.models import Conversation, Message
from socialops.inbox.tests import factories
from socialops.listening.models import Mention

from .test_mentions_support import mention, query


def test_it_puts_a_mention_in_the_inbox_through_arrival_once(team):
    channel = factories.sandbox_channel(team, platform="weibo")
    brand = query(team.workspace, "安可")
    row = mention(
        team.workspace, "安可的客服太慢了，我要投诉！", queries={brand: "安可"},
        author_remote_id="9001", author_handle="angry_fan", author_name="生气的粉丝",
    )  # fmt: skip
    api = team.api("dave")

    first = api.post(f"/listening/mentions/{row.pk}/conversation")

    assert first.status_code == 200, first.content
    conversation = Conversation.objects.get(pk=first.json()["conversation_id"])
    assert conversation.channel == channel
    assert conversation.kind == "mention"
    assert conversation.author_handle == "angry_fan"
    assert conversation.intent == "complaint"  # classified by arrival, like any mention
    message = Message.objects.get(conversation=conversation)
    assert message.remote_id == row.remote_id and message.text == row.text
    row.refresh_from_db()
    assert row.conversation == conversation
    assert audit_count("listening.mention_to_conversation") == 1

    again = api.post(f"/listening/mentions/{row.pk}/conversation")
    assert again.json()["conversation_id"] == conversation.pk
    assert Conversation.objects.count() == 1 and Message.objects.count() == 1
    assert audit_count("listening.mention_to_conversation") == 1


def test_it_says_clearly_when_no_account_is_on_the_platform(team):
    factories.sandbox_channel(team, platform="weibo")
    row = mention(team.workspace, "在 Bluesky 上提到安可", platform="bluesky")

    response = team.api("dave").post(f"/listening/mentions/{row.pk}/conversation")

    assert response.status_code == 409, response.content
    assert "channel" in error_of(response)["fields"]
    assert not Conversation.objects.exists()
    row.refresh_from_db()
    assert row.conversation is None


def test_it_makes_an_engagement_task_once(team):
    brand = query(team.workspace, "安可")
    row = mention(team.workspace, "有人用过安可吗？", queries={brand: "安可"})
    api = team.api("dave")

    first = api.post(f"/listening/mentions/{row.pk}/engagement-task")
    second = api.post(f"/listening/mentions/{row.pk}/engagement-task")

    assert first.status_code == 200, first.content
    assert first.json()["engagement_task_id"] == second.json()["engagement_task_id"]
    task = EngagementTask.objects.get()
    assert task.post_remote_id == row.remote_id and task.post_text == row.text
    assert task.action == "reply" and task.state == "open"
    assert "安可" in task.reason
    row.refresh_from_db()
    assert row.engagement_task == task
    assert audit_count("listening.mention_to_task") == 1


def test_it_makes_the_author_a_contact_and_links_their_other_mentions(team):
    row = mention(team.workspace, "安可新品评测", author_remote_id="777", author_handle="techdaily")
    other = mention(team.workspace, "再评安可", author_remote_id="777", author_handle="techdaily")
    api = team.api("dave")

    response = api.post(
        f"/listening/mentions/{row.pk}/contact", {"kind": "media", "name": "科技日报"}
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["created"] is True and body["kind"] == "media"
    contact = Contact.objects.get(pk=body["contact_id"])
    assert contact.name == "科技日报"
    identity = Identity.objects.get(contact=contact)
    assert (identity.platform, identity.remote_id, identity.handle) == ("weibo", "777", "techdaily")
    assert set(Mention.objects.filter(contact=contact).values_list("pk", flat=True)) == {
        row.pk,
        other.pk,
    }
    assert Mention.objects.get(pk=other.pk).author_type == "media"
    assert audit_count("listening.mention_to_contact") == 1
    assert audit_count("contact.created") == 1

    again = api.post(f"/listening/mentions/{other.pk}/contact", {"kind": "fan"})
    assert again.json()["created"] is False and again.json()["contact_id"] == contact.pk
    assert Contact.objects.count() == 1


def test_it_refuses_a_bad_kind_and_checks_roles(team):
    row = mention(team.workspace, "安可")
    bad = team.api("dave").post(f"/listening/mentions/{row.pk}/contact", {"kind": "robot"})
    assert bad.status_code == 422 and "kind" in error_of(bad)["fields"]
    # an analyst may read listening but not answer the public nor edit contacts
    erin = team.api("erin")
    assert erin.post(f"/listening/mentions/{row.pk}/conversation").status_code == 403
    assert erin.post(f"/listening/mentions/{row.pk}/engagement-task").status_code == 403
    assert erin.post(f"/listening/mentions/{row.pk}/contact", {"kind": "fan"}).status_code == 403
    assert (
        team.api("charlie").post(f"/listening/mentions/{row.pk}/engagement-task").status_code == 404
    )
    assert not EngagementTask.objects.exists() and not Contact.objects.exists()
