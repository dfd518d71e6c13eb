from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from socialops.campaigns.models import Topic
from socialops.connectors.sandbox import network
from socialops.connectors.sandbox.models import Account, Follow, Post
from socialops.contacts import actions, engagement
from socialops.contacts.models import EngagementSource, EngagementTask
from socialops.content.rules.engine import Finding
from socialops.core.models import AuditEvent


@pytest.fixture
def world(channel):
    return Account.objects.get(handle="acme_official").world


def _persona(world, index=0):
    return Account.objects.filter(world=world, kind="persona", botness__lt=0.5).order_by("number")[
        index
    ]


def _post(world, author, text):
    world.refresh_from_db()
    return Post.objects.create(
        world=world,
        number=network._numbers(world),
        author=author,
        text=text,
        created_at=world.simulated_until - timedelta(minutes=1),
    )


def _expert(team, persona, kind="expert", tags=()):
    return actions.create_contact(
        access=team.access("alice"),
        name=f"专家{persona.number}",
        kind=kind,
        tags=list(tags),
        identities=[
            {"platform": "sandbox", "handle": persona.handle, "remote_id": str(persona.number)}
        ],
    )


def test_it_queues_a_contacts_new_post_once(team, world):
    persona = _persona(world)
    contact = _expert(team, persona)
    post = _post(world, persona, "关于行业趋势的一点看法")

    first = engagement.discover(team.workspace)
    again = engagement.discover(team.workspace)

    task = EngagementTask.objects.get(post_remote_id=str(post.number))
    assert first >= 1
    assert again == 0
    assert task.contact == contact
    assert task.action == "reply"
    assert task.source == "contact"
    assert "专家" in task.reason
    source = EngagementSource.objects.get(key="stream")
    assert source.cursor
    assert source.locked_until is None


def test_it_suggests_follow_then_reply_for_a_competitor_and_repost_for_media(team, world):
    rival, paper = _persona(world, 0), _persona(world, 1)
    _expert(team, rival, kind="competitor")
    _expert(team, paper, kind="media")
    first, second = _post(world, rival, "竞品新品"), _post(world, rival, "竞品又一条")
    news = _post(world, paper, "行业新闻")

    engagement.discover(team.workspace)

    actions_of = {t.post_remote_id: t.action for t in EngagementTask.objects.all()}
    assert actions_of[str(first.number)] == "follow"
    assert actions_of[str(second.number)] == "reply"
    assert actions_of[str(news.number)] == "repost"


def test_it_queues_topic_posts_with_a_contact_to_notify(team, world):
    Topic.objects.create(workspace=team.workspace, name="量子咖啡")
    kol = _persona(world, 2)
    _expert(team, kol, kind="kol", tags=["量子咖啡"])
    stranger = _persona(world, 3)
    post = _post(world, stranger, "今天喝了量子咖啡，很不错")

    engagement.discover(team.workspace)

    task = EngagementTask.objects.get(post_remote_id=str(post.number))
    assert task.source == "topic"
    assert task.action == "mention"
    assert task.mention_contact is not None
    assert task.mention_contact.name == f"专家{kol.number}"
    assert "量子咖啡" in task.reason


def test_it_leaves_out_likely_bots_and_our_own_posts(team, world):
    Topic.objects.create(workspace=team.workspace, name="量子咖啡")
    bot = Account.objects.filter(world=world, kind="persona", botness__gt=0.7).first()
    assert bot is not None
    ours = Account.objects.get(handle="acme_official")
    human = _persona(world, 4)
    _post(world, bot, "转发抽奖 量子咖啡")
    _post(world, ours, "我们的量子咖啡上市了")
    wanted = _post(world, human, "量子咖啡好喝吗")

    engagement.discover(team.workspace)

    assert list(EngagementTask.objects.values_list("post_remote_id", flat=True)) == [
        str(wanted.number)
    ]


def test_it_skips_a_feed_another_run_holds(team, world):
    from socialops.core.clock import now

    persona = _persona(world)
    _expert(team, persona)
    _post(world, persona, "新观点")
    engagement.discover(team.workspace)
    EngagementSource.objects.update(locked_until=now() + timedelta(minutes=5))
    _post(world, persona, "又一个新观点")

    assert engagement.discover(team.workspace) == 0


def _task(team, world, kind="expert", text="行业观察"):
    persona = _persona(world)
    _expert(team, persona, kind=kind)
    _post(world, persona, text)
    engagement.discover(team.workspace)
    return EngagementTask.objects.get(contact__isnull=False, post_text=text)


def test_it_replies_through_the_account(team, world):
    task = _task(team, world)

    done = engagement.act(access=team.access("dave"), task=task, action="reply", text="说得好！")

    assert done.state == "done"
    assert done.via == "connector"
    assert done.acted_by == team.dave
    reply = Post.objects.get(number=int(done.result_remote_id))
    assert reply.reply_to is not None
    assert reply.reply_to.number == int(task.post_remote_id)
    assert reply.text == "说得好！"
    assert AuditEvent.objects.filter(action="engagement.done").count() == 1
    with pytest.raises(ValidationError):
        engagement.act(access=team.access("dave"), task=task, action="reply", text="再来")


def test_it_follows_through_the_account(team, world):
    task = _task(team, world, kind="competitor")

    done = engagement.act(access=team.access("dave"), task=task, action="follow")

    assert done.state == "done"
    assert Follow.objects.filter(followee__handle=task.author_handle).exists()


def test_it_blocks_a_text_the_guidebook_forbids_and_keeps_warnings(team, world, monkeypatch):
    task = _task(team, world)

    def lint(workspace, *, platform, kind, text):
        findings = [Finding(1, "tone", "warning", "Too casual.", 0, 1, text[:1], "Be polite.")]
        if "垃圾" in text:
            findings.append(Finding(2, "forbidden", "error", "Forbidden word.", 0, 2, "垃圾", ""))
        return findings

    monkeypatch.setattr("socialops.guidebook.lint.lint_reply", lint)

    with pytest.raises(ValidationError) as caught:
        engagement.act(access=team.access("dave"), task=task, action="reply", text="垃圾产品")
    task.refresh_from_db()
    assert caught.value.message_dict["text"] == ["Forbidden word."]
    assert task.state == "open"
    done = engagement.act(access=team.access("dave"), task=task, action="reply", text="好的")
    assert done.lint[0]["message"] == "Too casual."


def test_it_leaves_the_task_open_with_the_error_when_the_platform_refuses(team, world):
    from socialops.channels.actions import simulate_faults

    task = _task(team, world)
    simulate_faults(access=team.access("alice"), channel=task.channel, faults={"permanent": "违规"})

    result = engagement.act(access=team.access("dave"), task=task, action="reply", text="你好")

    assert result.state == "open"
    assert "违规" in result.error
    assert AuditEvent.objects.filter(action="engagement.failed").count() == 1


def test_it_marks_done_by_hand_skips_and_reopens(team, world):
    task = _task(team, world)

    with pytest.raises(ValidationError):
        engagement.complete_by_hand(
            access=team.access("dave"), task=task, result_url="javascript:alert(1)"
        )
    skipped = engagement.skip(access=team.access("dave"), task=task).state
    reopened = engagement.reopen(access=team.access("dave"), task=task).state
    done = engagement.complete_by_hand(
        access=team.access("dave"),
        task=task,
        text="手动回复了",
        result_url="https://weibo.com/1/2",
    )

    assert skipped == "skipped"
    assert reopened == "open"
    assert (done.state, done.via, done.result_url) == ("done", "hand", "https://weibo.com/1/2")


def test_it_lets_only_repliers_act_through_the_api(team, world):
    task = _task(team, world)

    refused = team.api("erin").post(f"/engagement/tasks/{task.pk}/skip")
    listed = team.api("erin").get("/engagement/tasks").json()
    checked = team.api("dave").post(
        f"/engagement/tasks/{task.pk}/check", {"action": "reply", "text": "你好"}
    )
    done = team.api("dave").post(
        f"/engagement/tasks/{task.pk}/act", {"action": "reply", "text": "你好"}
    )
    other = team.api("charlie").get(f"/engagement/tasks/{task.pk}")

    assert refused.status_code == 403
    assert [t["id"] for t in listed["results"]] == [task.pk]
    assert checked.json() == {"text": "你好", "findings": [], "blocked": False}
    assert done.status_code == 200
    assert done.json()["state"] == "done"
    assert other.status_code == 404


def test_it_shows_the_task_on_the_contacts_timeline(team, world):
    from socialops.contacts.queries import timeline

    task = _task(team, world)

    events, _next = timeline(task.contact)

    assert ("engagement", task.pk) in [(e.kind, e.id) for e in events]
