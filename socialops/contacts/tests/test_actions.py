from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from socialops.conftest import logged_after
from socialops.contacts import actions
from socialops.contacts.models import Contact, Identity
from socialops.core.models import AuditEvent

from .conftest import add_message


def _zhang(team, **extra):
    return actions.create_contact(
        access=team.access("carol"),
        name="张三",
        kind="media",
        importance=2,
        organisation="科技日报",
        tags=["科技", "#数码", "科技"],
        identities=[{"platform": "weibo", "handle": "@zhangsan", "remote_id": "1001"}],
        **extra,
    )


def test_it_creates_a_contact_with_identities_and_audits_it(team):
    contact = _zhang(team)

    assert contact.tags == ["科技", "数码"]
    assert contact.name_key == "zhang1 san1"
    identity = contact.identities.get()
    assert (identity.platform, identity.handle, identity.remote_id) == ("weibo", "zhangsan", "1001")
    event = AuditEvent.objects.get(action="contact.created")
    assert logged_after(event)["identities"] == ["weibo:@zhangsan"]
    assert event.actor == team.carol


def test_it_refuses_an_identity_another_contact_has(team):
    _zhang(team)

    with pytest.raises(ValidationError) as caught:
        actions.create_contact(
            access=team.access("carol"),
            name="李四",
            identities=[{"platform": "weibo", "handle": "ZhangSan"}],
        )

    assert "already an identity of 张三" in caught.value.message_dict["identities.0.handle"][0]
    assert Contact.objects.count() == 1


def test_it_refuses_the_same_remote_id_under_another_handle(team):
    zhang = _zhang(team)
    other = actions.create_contact(access=team.access("dave"), name="李四")

    with pytest.raises(ValidationError) as caught:
        actions.add_identity(
            access=team.access("dave"), contact=other, platform="weibo", remote_id="1001"
        )

    assert "identity.handle" in caught.value.message_dict
    assert Identity.objects.filter(contact=other).count() == 0
    assert zhang.identities.count() == 1


def test_it_allows_the_same_handle_on_another_platform_or_workspace(team):
    _zhang(team)

    actions.create_contact(
        access=team.access("carol"),
        name="张三的公众号",
        identities=[{"platform": "wechat", "handle": "zhangsan"}],
    )
    actions.create_contact(
        access=team.access("charlie", team.other),
        name="张三",
        identities=[{"platform": "weibo", "handle": "zhangsan", "remote_id": "1001"}],
    )

    assert Identity.objects.filter(handle="zhangsan").count() == 3


def test_it_refuses_an_unknown_platform_and_an_empty_identity(team):
    with pytest.raises(ValidationError) as caught:
        actions.create_contact(
            access=team.access("carol"),
            name="王五",
            identities=[{"platform": "myspace", "handle": "x"}, {"platform": "weibo"}],
        )

    errors = caught.value.message_dict
    assert "identities.0.platform" in errors
    assert "identities.1.handle" in errors


def test_it_refuses_a_contact_without_a_name_or_with_a_bad_kind(team):
    with pytest.raises(ValidationError) as caught:
        actions.create_contact(access=team.access("carol"), name="  ", kind="enemy")

    assert set(caught.value.message_dict) == {"name", "kind"}


def test_it_lets_only_contact_editors_write(team):
    from socialops.accounts.queries import AccessDenied

    with pytest.raises(AccessDenied):
        actions.create_contact(access=team.access("erin"), name="张三")


def test_it_updates_fields_and_the_sort_key(team):
    contact = _zhang(team)

    actions.update_contact(access=team.access("dave"), contact=contact, name="李四", importance=3)

    contact.refresh_from_db()
    assert (contact.name, contact.name_key, contact.importance) == ("李四", "li3 si4", 3)
    event = AuditEvent.objects.get(action="contact.updated")
    assert (event.before or {})["name"] == "张三"
    assert logged_after(event)["name"] == "李四"


def test_it_links_existing_conversations_when_an_identity_is_added(team, channel):
    earlier = add_message(channel, author_remote_id="777", author_handle="fan_a", text="好用")
    other = add_message(channel, author_remote_id="888", author_handle="fan_b")
    contact = actions.create_contact(access=team.access("dave"), name="小王")

    actions.add_identity(
        access=team.access("dave"), contact=contact, platform="sandbox", handle="FAN_A"
    )

    earlier.conversation.refresh_from_db()
    other.conversation.refresh_from_db()
    assert earlier.conversation.contact == contact
    assert other.conversation.contact is None
    contact.refresh_from_db()
    assert contact.interactions_90d == 1
    assert contact.tier == "casual"


def test_it_does_not_link_conversations_on_another_platform(team, channel):
    message = add_message(channel, author_remote_id="777", author_handle="fan_a")

    actions.create_contact(
        access=team.access("dave"),
        name="小王",
        identities=[{"platform": "weibo", "handle": "fan_a", "remote_id": "777"}],
    )

    message.conversation.refresh_from_db()
    assert message.conversation.contact is None


def test_it_unlinks_conversations_when_the_identity_is_removed(team, channel):
    message = add_message(channel, author_remote_id="777", author_handle="fan_a")
    contact = actions.create_contact(
        access=team.access("dave"),
        name="小王",
        identities=[{"platform": "sandbox", "remote_id": "777"}],
    )

    actions.remove_identity(access=team.access("dave"), identity=contact.identities.get())

    message.conversation.refresh_from_db()
    assert message.conversation.contact is None
    assert AuditEvent.objects.filter(action="contact.identity_removed").count() == 1


def test_it_deletes_a_contact_and_keeps_the_conversations(team, channel):
    message = add_message(channel, author_remote_id="777")
    contact = actions.create_contact(
        access=team.access("dave"),
        name="小王",
        identities=[{"platform": "sandbox", "remote_id": "777"}],
    )

    actions.delete_contact(access=team.access("dave"), contact=contact)

    message.conversation.refresh_from_db()
    assert message.conversation.contact is None
    assert not Identity.objects.exists()
    assert (AuditEvent.objects.get(action="contact.deleted").before or {})["name"] == "小王"
