"""The composer: writing a post with a variant per account, live checks, save and submit."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from django.urls import reverse

from socialops.campaigns.models import Topic
from socialops.channels.actions import connect_channel
from socialops.content import actions
from socialops.content.models import Asset, EditorialRule, Post
from socialops.core.models import AuditEvent


@pytest.fixture
def weibo(team: Any) -> Any:
    return connect_channel(
        access=team.access("alice"),
        connector="sandbox",
        fields={"display_name": "Acme 官方", "handle": "acme_weibo"},
        platform="weibo",
    )


@pytest.fixture
def mastodon(team: Any) -> Any:
    return connect_channel(
        access=team.access("alice"),
        connector="sandbox",
        fields={"display_name": "Acme Social", "handle": "acme_toot"},
        platform="mastodon",
    )


@pytest.fixture
def forbidden(team: Any) -> EditorialRule:
    return EditorialRule.objects.create(
        workspace=team.workspace,
        kind="forbidden_words",
        params={"words": [{"word": "最好", "replacement": "很好", "pinyin": False}]},
    )


def new_url(slug: str = "acme") -> str:
    return reverse("content_post_new", kwargs={"slug": slug})


def form_data(**overrides: Any) -> dict[str, Any]:
    data = {"title": "", "body": "", "format": "text", "intent": "draft"}
    data.update(overrides)
    return data


def test_it_shows_the_composer_to_an_editor(team: Any, weibo: Any) -> None:
    response = team.browser("carol").get(new_url())

    assert response.status_code == 200
    page = response.content.decode()
    assert f'id="channel-{weibo.pk}"' in page
    assert 'id="no-variants"' in page
    assert "Asia/Shanghai" in page


@pytest.mark.parametrize("persona", ["dave", "erin"])
def test_it_refuses_the_composer_to_who_cannot_write(team: Any, persona: str) -> None:
    assert team.browser(persona).get(new_url()).status_code == 403
    response = team.browser(persona).post(new_url(), form_data(body="你好"))
    assert response.status_code == 403
    assert not Post.objects.exists()


def test_it_saves_a_draft_with_a_variant_per_account(team: Any, weibo: Any, mastodon: Any) -> None:
    topic = Topic.objects.create(workspace=team.workspace, name="新品")
    response = team.browser("carol").post(
        new_url(),
        form_data(
            body="新品上市",
            channels=[weibo.pk, mastodon.pk],
            topics=[topic.pk],
            title="新品首发",
        ),
    )

    post = Post.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "content_post", kwargs={"slug": "acme", "post_id": post.pk}
    )
    assert post.state == Post.State.DRAFT and post.created_by == team.carol
    texts = {v.channel.platform: v.text for v in post.variants.select_related("channel")}
    assert texts == {"weibo": "新品上市#新品#", "mastodon": "新品上市\n#新品"}
    assert AuditEvent.objects.filter(action="post.created", target_id=str(post.pk)).exists()


def test_it_saves_an_idea(team: Any) -> None:
    response = team.browser("carol").post(new_url(), form_data(body="下周选题", intent="idea"))

    assert response.status_code == 302
    assert Post.objects.get().state == Post.State.IDEA


def test_it_reads_the_time_in_the_workspaces_zone(team: Any, weibo: Any) -> None:
    team.browser("carol").post(
        new_url(), form_data(body="早安", channels=[weibo.pk], scheduled_at="2026-12-01T09:00")
    )

    assert Post.objects.get().scheduled_at == datetime(2026, 12, 1, 1, 0, tzinfo=UTC)


def test_it_shows_a_saved_time_in_the_workspaces_zone(team: Any, weibo: Any) -> None:
    post = actions.create_post(
        access=team.access("carol"),
        channel_ids=[weibo.pk],
        body="早安",
        scheduled_at=datetime(2026, 12, 1, 1, 0, tzinfo=UTC),
    )
    url = reverse("content_post_edit", kwargs={"slug": "acme", "post_id": post.pk})

    page = team.browser("carol").get(url).content.decode()

    assert 'value="2026-12-01T09:00"' in page


def test_it_keeps_everything_when_a_rule_refuses_the_submit(
    team: Any, weibo: Any, forbidden: Any
) -> None:
    body = "全网最好的新品"
    response = team.browser("carol").post(
        new_url(), form_data(body=body, channels=[weibo.pk], title="首发", intent="submit")
    )

    assert response.status_code == 422
    page = response.content.decode()
    assert body in page and 'value="首发"' in page
    assert "variant-blocked" in page
    assert '<mark class="bg-danger-subtle' in page and "最好" in page
    assert not Post.objects.exists()  # the save was undone with the refused submit


def test_it_rerenders_bad_input_with_its_errors_and_the_text(team: Any, weibo: Any) -> None:
    response = team.browser("carol").post(
        new_url(), form_data(body="保留这段文字", link="not a link at all", channels=[weibo.pk])
    )

    assert response.status_code == 422
    page = response.content.decode()
    assert "保留这段文字" in page
    assert "invalid-feedback" in page
    assert not Post.objects.exists()


def test_it_refuses_an_account_of_another_workspace(team: Any, weibo: Any) -> None:
    theirs = connect_channel(
        access=team.access("charlie", team.other),
        connector="sandbox",
        fields={"display_name": "Globex", "handle": "globex"},
        platform="weibo",
    )

    response = team.browser("carol").post(new_url(), form_data(body="你好", channels=[theirs.pk]))

    assert response.status_code == 422
    assert not Post.objects.exists()


def test_it_submits_for_review(team: Any, weibo: Any) -> None:
    response = team.browser("carol").post(
        new_url(), form_data(body="新品上市", channels=[weibo.pk], intent="submit")
    )

    assert response.status_code == 302
    assert Post.objects.get().state == Post.State.IN_REVIEW


def test_it_keeps_a_variant_edited_by_hand_until_it_is_reset(team: Any, weibo: Any) -> None:
    client = team.browser("carol")
    client.post(
        new_url(),
        form_data(
            body="母版",
            channels=[weibo.pk],
            **{
                f"variant-{weibo.pk}-present": "1",
                f"variant-{weibo.pk}-customised": "1",
                f"variant-{weibo.pk}-text": "微博专用文字",
                f"variant-{weibo.pk}-include_media": "on",
            },
        ),
    )
    post = Post.objects.get()
    variant = post.variants.get()
    assert (variant.text, variant.customised) == ("微博专用文字", True)

    edit = reverse("content_post_edit", kwargs={"slug": "acme", "post_id": post.pk})
    page = client.get(edit).content.decode()
    assert "微博专用文字" in page and "variant-reset" in page

    client.post(
        edit,
        form_data(
            body="母版二",
            channels=[weibo.pk],
            intent="save",
            reset=str(weibo.pk),
            **{
                f"variant-{weibo.pk}-present": "1",
                f"variant-{weibo.pk}-customised": "1",
                f"variant-{weibo.pk}-text": "微博专用文字",
            },
        ),
    )
    variant.refresh_from_db()
    assert (variant.text, variant.customised) == ("母版二", False)


def test_it_cleans_the_article_html(team: Any) -> None:
    team.browser("carol").post(
        new_url(),
        form_data(
            format="article",
            article_title="十周年",
            article_html='<p onclick="x()">你好<script>alert(1)</script></p>',
        ),
    )

    assert Post.objects.get().article_html == "<p>你好</p>"


def test_it_refreshes_the_variants_with_counts_and_marks(
    team: Any, weibo: Any, mastodon: Any, forbidden: Any
) -> None:
    url = reverse("content_composer_variants", kwargs={"slug": "acme"})

    response = team.browser("carol").post(
        url,
        {"body": "这是最好的 hello", "format": "text", "channels": [weibo.pk, mastodon.pk]},
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('class="tab-pane') == 2
    assert 'data-length="8"' in page  # Weibo: 5 Chinese, then " hello" as 6 halves
    assert page.count('data-kind="forbidden_words"') >= 2
    assert 'data-preview="weibo"' in page and 'data-preview="mastodon"' in page


def test_it_checks_one_variant_as_it_is_typed(team: Any, weibo: Any, forbidden: Any) -> None:
    url = reverse("content_composer_check", kwargs={"slug": "acme"})

    response = team.browser("carol").post(
        url,
        {
            "channel": weibo.pk,
            "format": "text",
            "channels": [weibo.pk],
            f"variant-{weibo.pk}-text": "最 好 #新品#",
        },
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "<mark" in page and 'class="so-preview-topic">#新品#' in page


def test_it_does_not_open_another_workspaces_post(team: Any) -> None:
    theirs = actions.create_post(access=team.access("charlie", team.other), body="Globex")
    url = reverse("content_post_edit", kwargs={"slug": "acme", "post_id": theirs.pk})

    assert team.browser("carol").get(url).status_code == 404


def test_it_attaches_library_images_and_previews_them(team: Any, weibo: Any) -> None:
    poster = Asset.objects.create(workspace=team.workspace, kind="image", title="新品海报")
    Asset.objects.create(workspace=team.workspace, kind="image", title="旧海报", archived=True)
    client = team.browser("carol")

    page = client.get(new_url()).content.decode()
    assert "新品海报" in page and "旧海报" not in page

    preview = client.post(
        reverse("content_composer_variants", kwargs={"slug": "acme"}),
        {"body": "新品", "format": "image", "channels": [weibo.pk], "assets": [poster.pk]},
    ).content.decode()
    assert 'class="so-preview-tile" title="新品海报"' in preview

    client.post(new_url(), form_data(body="新品", channels=[weibo.pk], assets=[poster.pk]))
    assert list(Post.objects.get().media.values_list("asset__title", flat=True)) == ["新品海报"]


def test_it_sends_an_approved_post_back_to_review_when_edited(team: Any, weibo: Any) -> None:
    at = datetime(2030, 1, 2, 1, 0, 30, tzinfo=UTC)  # seconds the form cannot show
    post = actions.create_post(
        access=team.access("carol"), channel_ids=[weibo.pk], body="一", scheduled_at=at
    )
    actions.submit_post(access=team.access("carol"), post=post)
    actions.approve_post(access=team.access("bob"), post=post)
    edit = reverse("content_post_edit", kwargs={"slug": "acme", "post_id": post.pk})
    client = team.browser("carol")
    assert 'id="edit-returns-to-review"' in client.get(edit).content.decode()

    client.post(
        edit,
        form_data(body="二", channels=[weibo.pk], intent="save", scheduled_at="2030-01-02T09:00"),
    )

    post.refresh_from_db()
    assert post.state == Post.State.IN_REVIEW and post.variants.get().text == "二"
    assert post.scheduled_at == at  # an unchanged minute keeps its seconds


def test_it_does_not_edit_a_published_post(team: Any, weibo: Any) -> None:
    post = actions.create_post(access=team.access("carol"), channel_ids=[weibo.pk], body="一")
    Post.objects.filter(pk=post.pk).update(state=Post.State.PUBLISHED)
    edit = reverse("content_post_edit", kwargs={"slug": "acme", "post_id": post.pk})

    response = team.browser("carol").post(edit, form_data(body="二", intent="save"))

    assert response.status_code == 302
    assert response["Location"] == reverse(
        "content_post", kwargs={"slug": "acme", "post_id": post.pk}
    )
    assert Post.objects.get(pk=post.pk).body == "一"
