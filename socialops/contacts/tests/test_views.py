from __future__ import annotations

import pytest
from django.urls import reverse

from socialops.contacts import actions
from socialops.contacts.models import Contact, EngagementTask, Identity
from socialops.core.clock import now


@pytest.fixture
def task(team, channel):
    return EngagementTask.objects.create(
        workspace=team.workspace,
        channel=channel,
        platform=channel.platform,
        source="topic",
        post_remote_id="p1",
        post_text="新品不错",
        posted_at=now(),
        author_handle="nobody_here",
        action="reply",
        reason="话题",
    )


def _url(team, name, **kwargs):
    return reverse(name, kwargs={"slug": team.workspace.slug, **kwargs})


def test_it_renders_every_page_for_a_member(team, task):
    contact = actions.create_contact(
        access=team.access("alice"),
        name="张三",
        identities=[{"platform": "weibo", "handle": "zs"}],
    )
    client = team.browser("erin")

    for name, kwargs in [
        ("contacts", {}),
        ("contacts_top_fans", {}),
        ("contact_detail", {"contact_id": contact.pk}),
        ("engage", {}),
    ]:
        response = client.get(_url(team, name, **kwargs))
        assert response.status_code == 200, name
    assert "张三" in client.get(_url(team, "contacts")).content.decode()
    assert client.get(_url(team, "contact_new")).status_code == 403


def test_it_prefills_add_as_contact_from_the_inbox_link(team):
    url = _url(team, "contact_new") + "?platform=sandbox&remote_id=17&handle=wb016_6199&name=刘超晨"

    page = team.browser("dave").get(url).content.decode()

    assert 'value="刘超晨"' in page
    assert 'value="wb016_6199"' in page
    assert 'value="17"' in page
    assert '<option value="sandbox" selected>' in page


def test_it_creates_a_contact_from_the_form_and_shows_a_duplicate_as_a_field_error(team):
    client = team.browser("dave")
    data = {
        "name": "刘超晨",
        "kind": "expert",
        "importance": "2",
        "identity-platform": "sandbox",
        "identity-handle": "wb016_6199",
    }

    created = client.post(_url(team, "contact_new"), data)
    again = client.post(_url(team, "contact_new"), {**data, "name": "别人"})

    contact = Contact.objects.get()
    assert created.status_code == 302
    assert created["Location"] == _url(team, "contact_detail", contact_id=contact.pk)
    assert again.status_code == 422
    assert "已是 刘超晨 的平台账号" in again.content.decode()  # the UI speaks zh-hans


def test_it_edits_adds_and_removes_accounts_and_deletes(team):
    contact = actions.create_contact(access=team.access("alice"), name="张三")
    client = team.browser("carol")

    edited = client.post(
        _url(team, "contact_edit", contact_id=contact.pk),
        {"name": "李四", "kind": "media", "importance": "2", "tags": "科技；数码"},
    )
    added = client.post(
        _url(team, "contact_identity_add", contact_id=contact.pk),
        {"identity-platform": "weibo", "identity-handle": "lisi"},
    )
    identity = Identity.objects.get()
    removed = client.post(
        _url(team, "contact_identity_remove", contact_id=contact.pk, identity_id=identity.pk)
    )
    contact.refresh_from_db()
    deleted = client.post(_url(team, "contact_delete", contact_id=contact.pk))

    assert [r.status_code for r in (edited, added, removed, deleted)] == [302] * 4
    assert (contact.name, contact.tags) == ("李四", ["科技", "数码"])
    assert not Contact.objects.exists()


def test_it_imports_with_a_preview_then_for_real_and_exports(team):
    client = team.browser("dave")
    csv = "name,kind,weibo\n张三,media,zs\n李四,expert,ls\n"

    preview = client.post(_url(team, "contacts_import"), {"csv": csv, "preview": "1"})
    assert preview.status_code == 200
    assert "将创建或更新 2 个联系人" in preview.content.decode()  # the plural, in Chinese
    assert not Contact.objects.exists()
    done = client.post(_url(team, "contacts_import"), {"csv": csv, "import": "1"})
    assert done.status_code == 302
    assert Contact.objects.count() == 2
    bad = client.post(_url(team, "contacts_import"), {"csv": "name,kind\n王五,enemy\n"})
    assert bad.status_code == 422
    assert "row 2.kind" in bad.content.decode()
    exported = b"".join(client.get(_url(team, "contacts_export")).streaming_content).decode()
    assert exported.startswith("\ufeffcontact_id,name,kind")
    assert "张三,media" in exported


def test_it_acts_on_engagement_tasks_from_the_page(team, task):
    client = team.browser("dave")

    checked = client.post(
        _url(team, "engage_act", task_id=task.pk), {"action": "reply", "text": "你好"}
    )
    done = client.post(
        _url(team, "engage_act", task_id=task.pk),
        {"action": "reply", "text": "你好", "intent": "hand", "result_url": "https://x.com/1"},
    )

    assert checked.status_code == 200
    assert "该内容符合行为指导手册" in checked.content.decode()
    assert done.status_code == 302
    task.refresh_from_db()
    assert (task.state, task.via, task.result_url) == ("done", "hand", "https://x.com/1")
    assert team.browser("erin").post(_url(team, "engage_skip", task_id=task.pk)).status_code == 403


def test_it_shows_messages_tasks_and_changes_on_the_contact_page(team, channel, task):
    from .conftest import add_message

    contact = actions.create_contact(
        access=team.access("alice"),
        name="小七",
        kind="fan",
        identities=[{"platform": "sandbox", "remote_id": "7", "handle": "fan7"}],
    )
    add_message(channel, author_remote_id="7", author_handle="fan7", text="你们的新品真好用")
    add_message(channel, author_remote_id="7", direction="out", text="谢谢支持", thread="comment:7")
    EngagementTask.objects.filter(pk=task.pk).update(contact=contact)
    client = team.browser("erin")

    page = client.get(_url(team, "contact_detail", contact_id=contact.pk)).content.decode()
    fans = client.get(_url(team, "contacts_top_fans") + "?days=7").content.decode()

    assert "你们的新品真好用" in page
    assert "谢谢支持" in page
    assert 'data-kind="engagement"' in page
    assert 'data-kind="change"' in page
    assert f'data-contact="{contact.pk}"' in fans
    assert 'data-tier="casual"' in fans
