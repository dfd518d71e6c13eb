"""The publishing tasks page, the post page's publication actions, and their API routes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.urls import reverse

from socialops.channels.actions import simulate_faults
from socialops.conftest import error_of
from socialops.content import actions as content
from socialops.content.tests.test_library import add_image
from socialops.core.models import AuditEvent, Notification
from socialops.publishing import engine
from socialops.publishing.models import Publication

from .factories import (
    make_publication,
    manual_channel,
    publication_of,
    sandbox_channel,
    sandbox_posts,
    scheduled_post,
)

State = Publication.State
T0 = datetime(2026, 8, 3, 1, 30, tzinfo=UTC)  # 09:30 in Asia/Shanghai
DOUBAN = "https://www.douban.com/note/876543210/"


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


@pytest.fixture
def clock() -> Any:
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


def _url(team: Any, name: str, *args: Any) -> str:
    return reverse(name, args=[team.workspace.slug, *args])


def _manual_task(team: Any, *, with_media: bool = False) -> Publication:
    """A Douban post due now, handed to a person by the engine."""
    channel = manual_channel(team, platform="douban", handle="acme_douban")
    media = [add_image(team, "海报.png").pk] if with_media else []
    carol, bob = team.access("carol"), team.access("bob")
    post = content.create_post(
        access=carol,
        channel_ids=[channel.pk],
        body="豆瓣日记：新品试用报告",
        scheduled_at=T0,
        media_ids=media,
        first_comment="欢迎留言",
    )
    content.submit_post(access=carol, post=post)
    content.approve_post(access=bob, post=post)
    engine.run_once(worker="w1")
    publication = publication_of(post)
    assert publication.state == State.MANUAL
    return publication


def test_it_shows_a_manual_task_ready_to_copy_to_a_manager(team, clock):
    publication = _manual_task(team, with_media=True)

    page = team.browser("bob").get(_url(team, "content_tasks"))

    assert page.status_code == 200
    html = page.content.decode()
    assert f'id="task-{publication.pk}"' in html
    assert "豆瓣日记：新品试用报告" in html and "欢迎留言" in html
    assert "2026-08-03 09:30" in html  # due in the workspace's time zone
    assert 'class="btn btn-sm btn-outline-secondary copy-button"' in html
    assert "/content/library/" in html and "/file/" in html and " download " in html
    assert _url(team, "content_task_complete", publication.pk) in html
    assert 'id="nav-tasks-count"' in html


def test_it_shows_the_page_read_only_to_an_editor(team, clock):
    publication = _manual_task(team)
    failed = make_publication(team.workspace, sandbox_channel(team), state=State.FAILED)

    page = team.browser("carol").get(_url(team, "content_tasks"))

    assert page.status_code == 200
    html = page.content.decode()
    assert "豆瓣日记" in html and 'id="tasks-read-only"' in html
    assert _url(team, "content_task_complete", publication.pk) not in html
    assert _url(team, "publication_retry", failed.pk) not in html
    refused = team.browser("carol").post(
        _url(team, "content_task_complete", publication.pk), {"url": DOUBAN}
    )
    assert refused.status_code == 403
    assert Publication.objects.get(pk=publication.pk).state == State.MANUAL


def test_it_hides_another_workspaces_publications(team, clock):
    publication = _manual_task(team)
    charlie = team.browser("charlie")
    slug = team.other.slug

    page = charlie.get(reverse("content_tasks", args=[slug]))
    assert page.status_code == 200 and "豆瓣日记" not in page.content.decode()
    for name in ("content_task_complete", "publication_retry", "publication_resolve"):
        response = charlie.post(reverse(name, args=[slug, publication.pk]), {"url": DOUBAN})
        assert response.status_code == 404
    assert charlie.get(_url(team, "content_tasks")).status_code == 404
    assert Publication.objects.get(pk=publication.pk).state == State.MANUAL


def test_it_completes_a_manual_task_with_a_good_link_and_refuses_a_wrong_one(team, clock):
    publication = _manual_task(team)
    bob = team.browser("bob")
    complete = _url(team, "content_task_complete", publication.pk)

    wrong = bob.post(complete, {"url": "https://www.xiaohongshu.com/explore/1"})

    assert wrong.status_code == 422
    html = wrong.content.decode()
    assert "is-invalid" in html and "douban.com" in html
    assert 'value="https://www.xiaohongshu.com/explore/1"' in html
    assert Publication.objects.get(pk=publication.pk).state == State.MANUAL

    done = bob.post(complete, {"url": DOUBAN})

    assert done.status_code == 302 and done["Location"] == _url(team, "content_tasks")
    publication.refresh_from_db()
    assert publication.state == State.PUBLISHED and publication.url == DOUBAN
    page = bob.get(_url(team, "content_tasks")).content.decode()
    assert 'id="no-manual-tasks"' in page and 'id="nav-tasks-count"' not in page


def test_it_notifies_publishers_of_a_new_manual_task(team, clock):
    _manual_task(team)
    told = Notification.objects.filter(kind="publication.manual_task")
    assert {"alice@example.com", "bob@example.com"} <= {n.user.email for n in told}


def test_it_retries_a_failed_publication_from_the_page(team, clock):
    channel = sandbox_channel(team)
    post = scheduled_post(team, [channel], at=T0)
    simulate_faults(access=team.access("alice"), channel=channel, faults={"permanent": "违规"})
    engine.run_once(worker="w1")
    failed = publication_of(post)
    assert failed.state == State.FAILED
    bob = team.browser("bob")
    html = bob.get(_url(team, "content_tasks")).content.decode()
    assert "违规" in html and _url(team, "publication_retry", failed.pk) in html

    simulate_faults(access=team.access("alice"), channel=channel, faults={})
    response = bob.post(_url(team, "publication_retry", failed.pk))

    assert response.status_code == 302
    assert publication_of(post).state == State.SCHEDULED
    engine.run_once(worker="w1")
    assert publication_of(post).state == State.PUBLISHED
    again = bob.post(_url(team, "publication_retry", failed.pk), {"back": "post"})
    assert again["Location"] == _url(team, "content_post", post.pk)  # 409 as a message


def test_it_settles_unconfirmed_publications_from_the_page(team, clock):
    channel = sandbox_channel(team)
    first = make_publication(team.workspace, channel, state=State.UNCONFIRMED, attempts=1)
    second = make_publication(team.workspace, channel, state=State.UNCONFIRMED, attempts=1)
    bob = team.browser("bob")
    html = bob.get(_url(team, "content_tasks")).content.decode()
    assert f'id="unconfirmed-{first.pk}"' in html
    assert _url(team, "publication_reconcile", first.pk) in html

    wrong = bob.post(_url(team, "publication_resolve", first.pk), {"published_url": "nope"})
    assert wrong.status_code == 422 and "is-invalid" in wrong.content.decode()
    found = bob.post(
        _url(team, "publication_resolve", first.pk),
        {"published_url": "https://weibo.com/1/AbC", "back": "post"},
    )
    assert found["Location"] == _url(team, "content_post", first.post_id)
    retried = bob.post(_url(team, "publication_resolve", second.pk), {"retry": "1"})
    assert retried.status_code == 302

    assert Publication.objects.get(pk=first.pk).state == State.PUBLISHED
    assert Publication.objects.get(pk=second.pk).state == State.SCHEDULED
    assert AuditEvent.objects.filter(action="publication.resolved").count() == 2


def test_it_checks_the_platform_again_from_the_page(team, clock):
    channel = sandbox_channel(team)
    post = scheduled_post(team, [channel], at=T0)
    simulate_faults(access=team.access("alice"), channel=channel, faults={"timeout": True})
    engine.run_once(worker="w1")
    simulate_faults(access=team.access("alice"), channel=channel, faults={})
    publication = publication_of(post)
    assert publication.state == State.UNCONFIRMED

    response = team.browser("bob").post(_url(team, "publication_reconcile", publication.pk))

    assert response.status_code == 302
    assert publication_of(post).state == State.PUBLISHED
    assert len(sandbox_posts(channel)) == 1


def test_it_offers_the_actions_on_the_post_page(team, clock):
    publication = _manual_task(team)
    post_page = _url(team, "content_post", publication.post_id)

    html = team.browser("bob").get(post_page).content.decode()
    assert _url(team, "content_task_complete", publication.pk) in html
    assert 'name="back" value="post"' in html
    assert _url(team, "content_task_complete", publication.pk) not in (
        team.browser("carol").get(post_page).content.decode()
    )

    done = team.browser("bob").post(
        _url(team, "content_task_complete", publication.pk), {"url": "bad", "back": "post"}
    )
    assert done["Location"] == post_page
    assert Publication.objects.get(pk=publication.pk).state == State.MANUAL


# ---- the API ---------------------------------------------------------------------------------


def test_it_checks_and_resolves_through_the_api(team, clock):
    channel = sandbox_channel(team)
    post = scheduled_post(team, [channel], at=T0)
    simulate_faults(access=team.access("alice"), channel=channel, faults={"timeout": True})
    engine.run_once(worker="w1")
    publication = publication_of(post)
    simulate_faults(access=team.access("alice"), channel=channel, faults={"rate_limited": 30})
    api = team.api("bob")

    checked = api.post(f"/publications/{publication.pk}/reconcile")

    assert checked.status_code == 200, checked.content
    body = checked.json()
    assert body["state"] == "unconfirmed" and body["problem"]
    assert body["publication"]["id"] == publication.pk
    assert error_of(team.api("carol").post(f"/publications/{publication.pk}/reconcile"))
    both = api.post(
        f"/publications/{publication.pk}/resolve",
        {"published_url": "https://weibo.com/1/x", "retry": True},
    )
    assert both.status_code == 422
    wrong = api.post(f"/publications/{publication.pk}/resolve", {"published_url": "ftp://x"})
    assert wrong.status_code == 422 and error_of(wrong)

    resolved = api.post(
        f"/publications/{publication.pk}/resolve", {"published_url": "https://weibo.com/1/x"}
    )

    assert resolved.status_code == 200 and resolved.json()["state"] == "published"
    again = api.post(f"/publications/{publication.pk}/resolve", {"retry": True})
    assert again.status_code == 409 and error_of(again)["code"] == "not_unconfirmed"
    later = api.post(f"/publications/{publication.pk}/reconcile")
    assert later.status_code == 409


def test_it_sends_again_through_the_api(team, clock):
    channel = sandbox_channel(team)
    publication = make_publication(team.workspace, channel, state=State.UNCONFIRMED, attempts=1)

    resolved = team.api("alice").post(f"/publications/{publication.pk}/resolve", {"retry": True})

    assert resolved.status_code == 200 and resolved.json()["state"] == "scheduled"
    outsider = team.api("charlie").post(f"/publications/{publication.pk}/resolve", {"retry": True})
    assert outsider.status_code == 404
    clock.shift(timedelta(minutes=1))
    engine.run_once(worker="w1")
    assert Publication.objects.get(pk=publication.pk).state == State.PUBLISHED
