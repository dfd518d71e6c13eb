"""The review state machine: submit, approve by stage, edits after approval, scheduling."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from socialops.accounts.queries import AccessDenied
from socialops.channels.actions import connect_channel
from socialops.content import actions
from socialops.content.models import EditorialRule, Post
from socialops.core.clock import now
from socialops.core.models import AuditEvent, Notification
from socialops.publishing.models import Publication


@pytest.fixture
def channel(team: Any) -> Any:
    return connect_channel(
        access=team.access("alice"),
        connector="sandbox",
        fields={"display_name": "示例", "handle": "acme_demo"},
        platform="weibo",
    )


def test_it_walks_a_post_from_draft_to_scheduled(team: Any, channel: Any) -> None:
    carol, bob = team.access("carol"), team.access("bob")
    at = now() + timedelta(hours=2)
    post = actions.create_post(
        access=carol, channel_ids=[channel.pk], body="新品上市", scheduled_at=at
    )
    post = actions.submit_post(access=carol, post=post)
    assert post.state == Post.State.IN_REVIEW
    assert Notification.objects.filter(user=team.bob, kind="post.review_requested").exists()
    with pytest.raises(AccessDenied):
        actions.approve_post(access=carol, post=post)
    post = actions.approve_post(access=bob, post=post)
    assert post.state == Post.State.SCHEDULED
    publication = Publication.objects.get(post=post)
    assert publication.due_at == at and publication.request["text"] == "新品上市"
    assert list(
        AuditEvent.objects.filter(target_type="post", target_id=str(post.pk))
        .order_by("id")
        .values_list("action", flat=True)
    ) == ["post.created", "post.submitted", "post.approved", "post.scheduled"]


def test_it_sends_an_edit_after_approval_back_to_review(team: Any, channel: Any) -> None:
    carol, bob = team.access("carol"), team.access("bob")
    post = actions.create_post(
        access=carol, channel_ids=[channel.pk], body="一", scheduled_at=now() + timedelta(hours=1)
    )
    actions.submit_post(access=carol, post=post)
    actions.approve_post(access=bob, post=post)
    post = actions.update_post(access=carol, post=post, changes={"body": "二"})
    assert post.state == Post.State.IN_REVIEW and post.version == 2
    assert Publication.objects.get(post=post).state == Publication.State.CANCELLED
    assert post.variants.get().text == "二"


def test_it_blocks_submit_on_a_forbidden_word(team: Any, channel: Any) -> None:
    EditorialRule.objects.create(
        workspace=team.workspace,
        kind="forbidden_words",
        params={"words": [{"word": "最好", "replacement": "很好"}]},
    )
    carol = team.access("carol")
    post = actions.create_post(access=carol, channel_ids=[channel.pk], body="全网最 好的产品")
    with pytest.raises(ValidationError) as raised:
        actions.submit_post(access=carol, post=post)
    assert f"variants.{channel.pk}" in raised.value.message_dict
    assert Post.objects.get(pk=post.pk).state == Post.State.DRAFT


def test_it_needs_two_different_people_for_two_stages(team: Any, channel: Any) -> None:
    actions.set_approval_stages(access=team.access("alice"), stages=2)
    carol, bob, alice = team.access("carol"), team.access("bob"), team.access("alice")
    post = actions.create_post(access=carol, channel_ids=[channel.pk], body="两级审核")
    actions.submit_post(access=carol, post=post)
    post = actions.approve_post(access=bob, post=post)
    assert post.state == Post.State.IN_REVIEW
    with pytest.raises(ValidationError):
        actions.approve_post(access=bob, post=post)
    post = actions.approve_post(access=alice, post=post)
    assert post.state == Post.State.APPROVED


def test_it_keeps_the_api_formats_in_step_with_the_model() -> None:
    from typing import get_args

    from socialops.content.schemas_posts import PostFormat

    assert set(get_args(PostFormat)) == set(Post.Format.values)


def test_it_cleans_article_html_in_the_action(team: Any, channel: Any) -> None:
    post = actions.create_post(
        access=team.access("carol"),
        channel_ids=[channel.pk],
        format="article",
        article_title="标题",
        article_html='<p onclick="x()">正文</p><script>alert(1)</script>',
    )
    assert "script" not in post.article_html and "onclick" not in post.article_html
    assert "正文" in post.article_html


def test_it_refuses_to_submit_media_the_platform_would_refuse(
    team: Any, channel: Any, settings: Any, tmp_path: Any
) -> None:
    from socialops.content.models import Asset
    from socialops.content.tests.test_library import add_image, image_bytes

    settings.MEDIA_ROOT = str(tmp_path)
    big = add_image(team, "big.png", image_bytes(size=(1600, 1200)))
    Asset.objects.filter(pk=big.pk).update(size_bytes=6_000_000)  # Weibo's API takes under 5 MB
    carol = team.access("carol")
    post = actions.create_post(
        access=carol, channel_ids=[channel.pk], body="配图", media_ids=[big.pk]
    )

    with pytest.raises(ValidationError) as raised:
        actions.submit_post(access=carol, post=post)

    assert "big:" in raised.value.message_dict[f"variants.{channel.pk}"][0]
    actions.update_post(
        access=carol,
        post=post,
        changes={"variants": [{"channel_id": channel.pk, "include_media": False}]},
    )
    assert actions.submit_post(access=carol, post=post).state == Post.State.IN_REVIEW
