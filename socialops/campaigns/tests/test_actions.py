"""Topic and hashtag-set actions: validation, permissions, audit."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from socialops.accounts.queries import AccessDenied
from socialops.campaigns import actions
from socialops.campaigns.models import HashtagSet, Topic
from socialops.campaigns.rendering import render_set
from socialops.conftest import audit_count, logged_after
from socialops.core.models import AuditEvent


def test_it_creates_a_topic_with_overrides_and_audits_it(team):
    topic = actions.create_topic(
        access=team.access("carol"),
        name="  双十一 ",
        overrides={"weibo": "双十一狂欢节", "x": "Singles Day", "bluesky": "  "},
        notes="每年 11 月",
    )

    assert topic.name == "双十一"
    assert topic.overrides == {"weibo": "双十一狂欢节", "x": "Singles Day"}
    event = AuditEvent.objects.get(action="topic.created")
    assert event.actor == team.carol
    assert logged_after(event)["overrides"] == {"weibo": "双十一狂欢节", "x": "Singles Day"}


def test_it_refuses_a_duplicate_name_and_an_unknown_platform(team):
    actions.create_topic(access=team.access("carol"), name="新品发布")
    with pytest.raises(ValidationError) as duplicate:
        actions.create_topic(access=team.access("carol"), name="新品发布")
    assert "name" in duplicate.value.message_dict
    with pytest.raises(ValidationError) as unknown:
        actions.create_topic(access=team.access("carol"), name="上新", overrides={"myspace": "x"})
    assert "overrides" in unknown.value.message_dict
    # the same name in another workspace is fine
    assert actions.create_topic(access=team.access("charlie", team.other), name="新品发布").pk


@pytest.mark.parametrize("persona", ["dave", "erin"])
def test_it_lets_only_editors_and_up_write(team, persona):
    with pytest.raises(AccessDenied):
        actions.create_topic(access=team.access(persona), name="双十一")
    assert not Topic.objects.exists()


def test_it_archives_a_topic_and_audits_that(team):
    topic = actions.create_topic(access=team.access("bob"), name="双十一")

    actions.archive_topic(access=team.access("carol"), topic=topic)

    topic.refresh_from_db()
    assert topic.archived
    event = AuditEvent.objects.get(action="topic.archived")
    assert event.before == {**logged_after(event), "archived": False}


def test_it_records_nothing_when_an_update_changes_nothing(team):
    topic = actions.create_topic(access=team.access("bob"), name="双十一")
    actions.update_topic(access=team.access("bob"), topic=topic, name="双十一")
    assert audit_count("topic.updated") == 0
    actions.update_topic(access=team.access("bob"), topic=topic, notes="主会场")
    assert audit_count("topic.updated") == 1


def test_it_builds_a_hashtag_set_and_renders_it_per_platform(team):
    access = team.access("carol")
    sale = actions.create_topic(access=access, name="双十一", overrides={"x": "SinglesDay"})
    launch = actions.create_topic(access=access, name="新品发布")
    old = actions.create_topic(access=access, name="旧活动")
    hashtag_set = actions.create_hashtag_set(
        access=access, name="双十一主推", purpose="双十一 campaign", topic_ids=[sale.pk, launch.pk]
    )
    actions.update_hashtag_set(
        access=access, hashtag_set=hashtag_set, topic_ids=[sale.pk, launch.pk, old.pk]
    )
    actions.archive_topic(access=access, topic=old)

    assert render_set(hashtag_set, "weibo") == "#双十一# #新品发布#"
    assert render_set(hashtag_set, "x") == "#SinglesDay #新品发布"
    assert render_set(hashtag_set, "wechat") == "双十一 新品发布"
    event = AuditEvent.objects.get(action="hashtag_set.updated")
    assert event.before is not None
    assert (event.before["topic_ids"], logged_after(event)["topic_ids"]) == (
        sorted([sale.pk, launch.pk]),
        sorted([sale.pk, launch.pk, old.pk]),
    )


def test_it_refuses_another_workspaces_topic_in_a_set(team):
    theirs = actions.create_topic(access=team.access("charlie", team.other), name="双十一")
    with pytest.raises(ValidationError) as refused:
        actions.create_hashtag_set(access=team.access("carol"), name="套", topic_ids=[theirs.pk])
    assert "topic_ids" in refused.value.message_dict
    assert not HashtagSet.objects.exists()
