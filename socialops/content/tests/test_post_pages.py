"""The posts list, a post's page with its review buttons by role, and the review settings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.template import Template
from django.urls import reverse

from socialops.channels.actions import connect_channel
from socialops.content import actions, views_posts
from socialops.content.models import ContentPillar, ContentSettings, Post, ReviewComment
from socialops.core.clock import now
from socialops.publishing.models import MetricSnapshot, Publication


@pytest.fixture
def channel(team: Any) -> Any:
    return connect_channel(
        access=team.access("alice"),
        connector="sandbox",
        fields={"display_name": "Acme 官方", "handle": "acme_weibo"},
        platform="weibo",
    )


def url(name: str, post: Post | None = None) -> str:
    kwargs: dict[str, Any] = {"slug": "acme"}
    if post is not None:
        kwargs["post_id"] = post.pk
    return reverse(name, kwargs=kwargs)


def draft(team: Any, channel: Any, **fields: Any) -> Post:
    fields.setdefault("body", "新品上市")
    return actions.create_post(access=team.access("carol"), channel_ids=[channel.pk], **fields)


def in_review(team: Any, channel: Any, **fields: Any) -> Post:
    return actions.submit_post(access=team.access("carol"), post=draft(team, channel, **fields))


def approved(team: Any, channel: Any) -> Post:
    return actions.approve_post(access=team.access("bob"), post=in_review(team, channel))


def test_it_says_so_when_there_are_no_posts(team: Any) -> None:
    page = team.browser("dave").get(url("content_posts")).content.decode()

    assert 'id="no-posts"' in page
    assert 'id="new-post"' not in page  # an agent cannot write


def test_it_lists_posts_by_state_pillar_and_account(team: Any, channel: Any) -> None:
    pillar = ContentPillar.objects.create(workspace=team.workspace, name="行业", target_share=20)
    idea = actions.create_post(access=team.access("carol"), body="点子", state="idea")
    review = in_review(
        team, channel, title="待审稿件", scheduled_at=datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
    )
    actions.update_post(access=team.access("carol"), post=idea, changes={"pillar_id": pillar.pk})
    client = team.browser("erin")

    everything = client.get(url("content_posts")).content.decode()
    assert f'data-post="{idea.pk}"' in everything and f'data-post="{review.pk}"' in everything
    assert "2026-12-01 09:00" in everything  # in Asia/Shanghai
    assert "bi-sina-weibo" in everything

    in_review_only = client.get(url("content_posts"), {"state": "in_review"}).content.decode()
    assert f'data-post="{review.pk}"' in in_review_only
    assert f'data-post="{idea.pk}"' not in in_review_only

    by_pillar = client.get(url("content_posts"), {"pillar": pillar.pk}).content.decode()
    assert f'data-post="{idea.pk}"' in by_pillar and f'data-post="{review.pk}"' not in by_pillar

    by_account = client.get(url("content_posts"), {"channel": channel.pk}).content.decode()
    assert f'data-post="{review.pk}"' in by_account and f'data-post="{idea.pk}"' not in by_account

    nothing = client.get(url("content_posts"), {"state": "published"}).content.decode()
    assert 'id="no-posts"' in nothing and "data-post=" not in nothing


def test_it_shows_approve_buttons_only_to_approvers(team: Any, channel: Any) -> None:
    post = in_review(team, channel)

    for persona in ("bob", "alice"):
        page = team.browser(persona).get(url("content_post", post)).content.decode()
        assert 'id="approve-post"' in page and 'id="request-changes"' in page
        assert 'data-stage="1" data-stages="1"' in page
    for persona in ("carol", "dave", "erin"):
        page = team.browser(persona).get(url("content_post", post)).content.decode()
        assert 'id="approve-post"' not in page and 'id="request-changes"' not in page


def test_it_approves_from_the_page_and_schedules(team: Any, channel: Any) -> None:
    at = now() + timedelta(hours=3)
    post = in_review(team, channel, scheduled_at=at)

    response = team.browser("bob").post(url("content_post_approve", post), {"note": "好"})

    assert response.status_code == 302
    post.refresh_from_db()
    assert post.state == Post.State.SCHEDULED
    assert Publication.objects.get(post=post).due_at == at
    page = team.browser("bob").get(url("content_post", post)).content.decode()
    assert 'data-action="post.scheduled"' in page
    assert 'id="unschedule-post"' in page


def test_it_refuses_an_editor_who_tries_to_approve(team: Any, channel: Any) -> None:
    post = in_review(team, channel)

    response = team.browser("carol").post(url("content_post_approve", post))

    assert response.status_code == 403
    assert Post.objects.get(pk=post.pk).state == Post.State.IN_REVIEW


def test_it_needs_a_note_to_request_changes(team: Any, channel: Any) -> None:
    post = in_review(team, channel)
    client = team.browser("bob")

    client.post(url("content_post_request_changes", post), {"note": "  "})
    assert Post.objects.get(pk=post.pk).state == Post.State.IN_REVIEW

    client.post(url("content_post_request_changes", post), {"note": "标题再短一点"})
    assert Post.objects.get(pk=post.pk).state == Post.State.CHANGES_REQUESTED
    page = team.browser("carol").get(url("content_post", post)).content.decode()
    assert "标题再短一点" in page and 'id="submit-post"' in page


def test_it_schedules_in_the_workspaces_zone_and_unschedules(team: Any, channel: Any) -> None:
    post = approved(team, channel)
    client = team.browser("bob")

    client.post(url("content_post_schedule", post), {"at": "2030-01-02T08:30"})
    post.refresh_from_db()
    assert post.state == Post.State.SCHEDULED
    assert post.scheduled_at == datetime(2030, 1, 2, 0, 30, tzinfo=UTC)

    client.post(url("content_post_unschedule", post))
    post.refresh_from_db()
    assert post.state == Post.State.APPROVED
    assert not Publication.objects.filter(post=post, state="scheduled").exists()


def test_it_publishes_now_by_scheduling_at_now(team: Any, channel: Any) -> None:
    post = approved(team, channel)

    team.browser("bob").post(url("content_post_publish_now", post))

    publication = Publication.objects.get(post=post)
    assert publication.state == Publication.State.SCHEDULED
    assert abs((publication.due_at - now()).total_seconds()) < 60


def test_it_lets_an_editor_schedule_when_no_approval_is_needed(team: Any, channel: Any) -> None:
    actions.set_approval_stages(access=team.access("alice"), stages=0)
    post = actions.submit_post(access=team.access("carol"), post=draft(team, channel))
    assert post.state == Post.State.APPROVED

    page = team.browser("carol").get(url("content_post", post)).content.decode()
    assert 'id="schedule-post"' in page
    team.browser("carol").post(url("content_post_schedule", post), {"at": "2030-01-02T08:30"})
    assert Post.objects.get(pk=post.pk).state == Post.State.SCHEDULED


def test_it_hides_schedule_buttons_from_an_editor_when_approval_is_needed(
    team: Any, channel: Any
) -> None:
    post = approved(team, channel)

    page = team.browser("carol").get(url("content_post", post)).content.decode()
    assert 'id="schedule-post"' not in page and 'id="publish-now"' not in page
    response = team.browser("carol").post(url("content_post_publish_now", post))
    assert response.status_code == 403


def test_it_threads_review_comments_one_level_deep(team: Any, channel: Any) -> None:
    post = in_review(team, channel)

    team.browser("bob").post(url("content_post_comment", post), {"body": "第一段太长"})
    root = ReviewComment.objects.get()
    team.browser("carol").post(
        url("content_post_comment", post), {"body": "已改", "parent": root.pk}
    )

    reply = ReviewComment.objects.exclude(pk=root.pk).get()
    assert reply.parent == root
    page = team.browser("erin").get(url("content_post", post)).content.decode()
    assert "第一段太长" in page and "已改" in page
    assert 'id="comment-form"' not in page  # an analyst reads only
    assert (
        team.browser("dave").post(url("content_post_comment", post), {"body": "x"}).status_code
        == 403
    )


def test_it_duplicates_into_a_new_draft(team: Any, channel: Any) -> None:
    post = approved(team, channel)

    response = team.browser("carol").post(url("content_post_duplicate", post))

    copy = Post.objects.exclude(pk=post.pk).get()
    assert response["Location"] == url("content_post_edit", copy)
    assert copy.state == Post.State.DRAFT and copy.variants.count() == 1


def test_it_archives(team: Any, channel: Any) -> None:
    post = draft(team, channel)

    response = team.browser("carol").post(url("content_post_archive", post))

    assert response["Location"] == url("content_posts")
    assert Post.objects.get(pk=post.pk).archived
    listed = team.browser("carol").get(url("content_posts")).content.decode()
    assert f'data-post="{post.pk}"' not in listed
    archived = team.browser("carol").get(url("content_posts"), {"state": "archived"})
    assert f'data-post="{post.pk}"' in archived.content.decode()


def test_it_shows_publications_with_their_link_and_numbers(
    team: Any, channel: Any, monkeypatch: Any
) -> None:
    post = approved(team, channel)
    actions.schedule_post(access=team.access("bob"), post=post, at=now() + timedelta(hours=1))
    publication = Publication.objects.get(post=post)
    publication.state = Publication.State.PUBLISHED
    publication.url = "https://sandbox.example/acme_weibo/7"
    publication.published_at = now()
    publication.save()
    MetricSnapshot.objects.create(publication=publication, step="1h", impressions=1234, likes=56)

    page = team.browser("erin").get(url("content_post", post)).content.decode()

    assert 'href="https://sandbox.example/acme_weibo/7"' in page
    assert "1234" in page and "56" in page
    # without the publishing app's performance section, the table shows the latest numbers
    monkeypatch.setattr(views_posts, "_performance", lambda *args: "")
    page = team.browser("erin").get(url("content_post", post)).content.decode()
    assert 'class="publication-metrics"' in page and "1234" in page


def test_it_includes_the_performance_section_when_the_publishing_app_has_one(
    team: Any, channel: Any, monkeypatch: Any
) -> None:
    post = draft(team, channel)
    page = team.browser("erin").get(url("content_post", post)).content.decode()
    assert ('id="performance"' in page) == _has_performance_template()

    monkeypatch.setattr(
        views_posts,
        "get_template",
        lambda name: _Wrapped(Template("<p id='perf'>{{ post.pk }} {{ publications|length }}</p>")),
    )
    page = team.browser("erin").get(url("content_post", post)).content.decode()
    assert f"<p id='perf'>{post.pk} 0</p>" in page


class _Wrapped:
    def __init__(self, template: Template) -> None:
        self.template = template

    def render(self, context: dict[str, Any], request: Any = None) -> str:
        from django.template import Context

        return self.template.render(Context(context))


def _has_performance_template() -> bool:
    from django.template import TemplateDoesNotExist
    from django.template.loader import get_template

    try:
        get_template("publishing/_performance.html")
    except TemplateDoesNotExist:
        return False
    return True


def test_it_returns_404_for_another_workspaces_post(team: Any) -> None:
    theirs = actions.create_post(access=team.access("charlie", team.other), body="Globex")

    for name in ("content_post", "content_post_edit"):
        response = team.browser("alice").get(url(name, theirs))
        assert response.status_code == 404
    response = team.browser("alice").post(url("content_post_archive", theirs))
    assert response.status_code == 404
    assert not Post.objects.get(pk=theirs.pk).archived


def test_it_lets_managers_choose_the_approval_stages(team: Any) -> None:
    settings_url = url("content_review_settings")

    assert team.browser("carol").get(settings_url).status_code == 403
    assert team.browser("bob").get(settings_url).status_code == 200
    response = team.browser("bob").post(settings_url, {"approval_stages": "2"})

    assert response.status_code == 302
    assert ContentSettings.objects.get(workspace=team.workspace).approval_stages == 2
    bad = team.browser("bob").post(settings_url, {"approval_stages": "7"})
    assert bad.status_code == 422


def test_it_shows_the_second_stage(team: Any, channel: Any) -> None:
    actions.set_approval_stages(access=team.access("alice"), stages=2)
    post = in_review(team, channel)
    actions.approve_post(access=team.access("bob"), post=post)

    bob_page = team.browser("bob").get(url("content_post", post)).content.decode()
    alice_page = team.browser("alice").get(url("content_post", post)).content.decode()

    assert 'id="approve-post"' not in bob_page  # the same person cannot approve both stages
    assert 'id="approve-post"' in alice_page
    assert 'data-stage="2" data-stages="2"' in alice_page
