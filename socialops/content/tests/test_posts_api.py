"""The posts API: create, list, read, edit, and the other workspace's posts kept out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
import time_machine

from socialops.campaigns.models import Topic
from socialops.channels.actions import connect_channel
from socialops.conftest import audit_count, error_of
from socialops.content import actions
from socialops.content.models import ContentPillar, EditorialRule, Post
from socialops.core.models import AuditEvent

NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai


@pytest.fixture(autouse=True)
def _frozen() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def weibo(team: Any) -> Any:
    return connect_channel(
        access=team.access("alice"),
        connector="sandbox",
        fields={"display_name": "Acme 微博", "handle": "acme_weibo"},
        platform="weibo",
    )


@pytest.fixture
def mastodon(team: Any) -> Any:
    return connect_channel(
        access=team.access("alice"),
        connector="sandbox",
        fields={"display_name": "Acme Mastodon", "handle": "acme_masto"},
        platform="mastodon",
    )


def _create(client: Any, **body: Any) -> Any:
    return client.post("/posts", {"title": "新品", "body": "新品上市", **body})


def test_it_creates_a_post_with_a_variant_per_account(team, weibo, mastodon):
    topic = Topic.objects.create(workspace=team.workspace, name="新品发布")
    pillar = ContentPillar.objects.create(workspace=team.workspace, name="产品", target_share=30)

    response = _create(
        team.api("carol"),
        channel_ids=[weibo.pk],
        variants=[{"channel_id": mastodon.pk, "text": "New in store", "first_comment": "🎉"}],
        topic_ids=[topic.pk],
        pillar_id=pillar.pk,
        scheduled_at="2026-03-03T09:00+08:00",
        state="idea",
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["state"] == "idea" and body["pillar_id"] == pillar.pk
    assert body["scheduled_at"].startswith("2026-03-03T01:00")
    assert body["topic_ids"] == [topic.pk]
    assert body["channel_ids"] == sorted([weibo.pk, mastodon.pk])
    by_channel = {v["channel_id"]: v for v in body["variants"]}
    assert by_channel[weibo.pk]["text"].endswith("#新品发布#")
    assert by_channel[weibo.pk]["length"] > 0 and by_channel[weibo.pk]["limit"] > 0
    assert by_channel[mastodon.pk]["customised"] is True
    assert by_channel[mastodon.pk]["first_comment"] == "🎉"
    assert body["approval_stages"] == 1
    assert body["publications"] == {"total": 0, "by_state": {}, "items": []}
    assert audit_count("post.created", target_id=str(body["id"])) == 1


def test_it_counts_characters_in_the_platforms_unit(team, weibo):
    response = _create(team.api("carol"), body="abcd中文", channel_ids=[weibo.pk])

    (variant,) = response.json()["variants"]
    assert variant["length"] == 4  # Weibo: ASCII counts ½, Chinese 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"scheduled_at": "2026-03-03T09:00"}, "scheduled_at"),
        ({"scheduled_at": "tomorrow"}, "scheduled_at"),
        ({"state": "approved"}, "state"),
        ({"format": "poem"}, "format"),
        ({"channel_ids": [999_999]}, "channel_ids"),
        ({"pillar_id": 999_999}, "pillar_id"),
        ({"topic_ids": [999_999]}, "topic_ids"),
        ({"media_ids": [999_999]}, "media_ids"),
        ({"article_cover_id": 999_999}, "article_cover_id"),
        ({"link": "not a link"}, "link"),
        ({"title": "长" * 201}, "title"),
        ({"paid": "yes"}, "paid"),
        ({"variants": [{"channel_id": 1, "colour": "red"}]}, "variants.0.colour"),
        ({"surprise": 1}, "surprise"),
    ],
)
def test_it_names_the_bad_field_when_creating(team, weibo, body, field):
    before = Post.objects.count()

    response = _create(team.api("carol"), **body)

    assert response.status_code == 422, response.content
    assert field in error_of(response)["fields"]
    assert Post.objects.count() == before


@pytest.mark.parametrize("persona", ["dave", "erin"])
def test_it_refuses_creating_to_roles_that_do_not_write(team, weibo, persona):
    response = _create(team.api(persona), channel_ids=[weibo.pk])

    assert response.status_code == 403
    assert error_of(response)["code"] == "forbidden"
    assert not Post.objects.exists()


def test_it_creates_once_when_a_request_is_retried(team, weibo):
    client = team.api("carol")
    headers = {"HTTP_IDEMPOTENCY_KEY": "import-42"}

    first = client.post("/posts", {"body": "一次", "channel_ids": [weibo.pk]}, **headers)
    again = client.post("/posts", {"body": "一次", "channel_ids": [weibo.pk]}, **headers)

    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    assert Post.objects.count() == 1


def _post(team: Any, channel: Any, body: str = "正文", **fields: Any) -> Post:
    return actions.create_post(
        access=team.access("carol"), channel_ids=[channel.pk], body=body, **fields
    )


def test_it_lists_posts_with_filters(team, weibo, mastodon):
    pillar = ContentPillar.objects.create(workspace=team.workspace, name="行业", target_share=10)
    idea = _post(team, weibo, "双十一预热", state="idea")
    draft = _post(team, mastodon, "新品发布会", pillar_id=pillar.pk)
    later = _post(team, weibo, "周末活动", scheduled_at=NOW + timedelta(days=3))
    actions.archive_post(access=team.access("carol"), post=_post(team, weibo, "旧的"))
    client = team.api("erin")

    def ids(**params: Any) -> list[int]:
        response = client.get("/posts", params)
        assert response.status_code == 200, response.content
        return [p["id"] for p in response.json()["results"]]

    assert ids() == [later.pk, draft.pk, idea.pk]
    assert ids(state="idea") == [idea.pk]
    assert ids(state="idea,draft") == [later.pk, draft.pk, idea.pk]
    assert client.get("/posts?state=idea&state=draft").json()["results"][-1]["id"] == idea.pk
    assert ids(pillar_id=pillar.pk) == [draft.pk]
    assert ids(channel_id=mastodon.pk) == [draft.pk]
    assert ids(q="十一") == [idea.pk]
    assert ids(**{"from": "2026-03-04T00:00+08:00"}) == [later.pk]
    assert ids(to="2026-03-04T00:00+08:00") == []
    assert len(ids(include_archived="true")) == 4


def test_it_pages_the_list_with_a_cursor(team, weibo):
    made = [_post(team, weibo, f"第{i}条").pk for i in range(5)]
    client = team.api("carol")

    first = client.get("/posts", {"page_size": 2}).json()
    second = client.get("/posts?" + urlsplit(first["next"]).query).json()

    assert [p["id"] for p in first["results"]] == made[::-1][:2]
    assert [p["id"] for p in second["results"]] == made[::-1][2:4]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"state": "sent"}, "state"),
        ({"from": "2026-03-04"}, "from"),
        ({"pillar_id": "x"}, "pillar_id"),
        ({"cursor": "cD1hYmM="}, "cursor"),
    ],
)
def test_it_names_a_bad_filter(team, params, field):
    response = team.api("carol").get("/posts", params)

    assert response.status_code == 422
    assert field in error_of(response)["fields"]


def test_it_shows_a_post_with_variants_review_and_publications(team, weibo):
    post = _post(team, weibo, "新品")
    actions.comment_on_post(access=team.access("bob"), post=post, body="标题再短点")

    response = team.api("erin").get(f"/posts/{post.pk}")

    assert response.status_code == 200
    body = response.json()
    assert body["id"] == post.pk and body["variants"][0]["ok"] is True
    assert body["comments"][0]["body"] == "标题再短点"
    assert body["comments"][0]["author"] == team.bob.display_name
    assert body["approvals"] == []


def test_it_hides_another_workspaces_post_and_logs_the_attempt(team, weibo):
    post = _post(team, weibo)
    outsider = team.api("charlie")

    for response in (
        outsider.get(f"/posts/{post.pk}"),
        outsider.patch(f"/posts/{post.pk}", {"body": "改"}),
        outsider.post(f"/posts/{post.pk}/submit"),
        outsider.get(f"/posts/{post.pk}/comments"),
    ):
        assert response.status_code == 404
        assert error_of(response)["code"] == "not_found"
    event = AuditEvent.objects.filter(action="access.outsider").latest("id")
    assert event.workspace == team.workspace and event.actor == team.charlie
    assert Post.objects.get(pk=post.pk).body == "正文"


def test_it_answers_404_for_a_post_that_does_not_exist(team):
    response = team.api("alice").get("/posts/999999")

    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="access.outsider").exists()


def test_it_edits_only_the_given_fields(team, weibo, mastodon):
    post = _post(team, weibo, "第一版", title="标题")

    response = team.api("carol").patch(
        f"/posts/{post.pk}",
        {
            "body": "第二版",
            "channel_ids": [weibo.pk, mastodon.pk],
            "variants": [{"channel_id": mastodon.pk, "text": "v2"}],
        },
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["title"] == "标题" and body["body"] == "第二版" and body["version"] == 2
    assert {v["channel_id"]: v["text"] for v in body["variants"]} == {
        weibo.pk: "第二版",
        mastodon.pk: "v2",
    }
    assert audit_count("post.updated", target_id=str(post.pk)) == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"scheduled_at": "2026-03-03 09:00"}, "scheduled_at"),
        ({"channel_ids": [999_999]}, "channel_ids"),
        ({"state": "approved"}, "state"),
        ({"title": 5}, "title"),
    ],
)
def test_it_names_the_bad_field_when_editing(team, weibo, body, field):
    post = _post(team, weibo)

    response = team.api("carol").patch(f"/posts/{post.pk}", body)

    assert response.status_code == 422
    assert field in error_of(response)["fields"]
    assert Post.objects.get(pk=post.pk).version == 1


def test_it_refuses_edits_to_roles_that_do_not_write(team, weibo):
    post = _post(team, weibo)

    response = team.api("dave").patch(f"/posts/{post.pk}", {"body": "改"})

    assert response.status_code == 403
    assert Post.objects.get(pk=post.pk).body == "正文"


def test_it_duplicates_and_archives(team, weibo):
    post = _post(team, weibo, title="原稿")
    client = team.api("carol")

    copy = client.post(f"/posts/{post.pk}/duplicate")
    archived = client.post(f"/posts/{post.pk}/archive")

    assert copy.status_code == 201
    assert copy.json()["id"] != post.pk and copy.json()["state"] == "draft"
    assert copy.json()["duplicated_from_id"] == post.pk
    assert archived.status_code == 200 and archived.json()["archived"] is True
    assert [p["id"] for p in client.get("/posts").json()["results"]] == [copy.json()["id"]]


def test_it_lints_each_variant(team, weibo):
    EditorialRule.objects.create(
        workspace=team.workspace,
        kind="forbidden_words",
        params={"words": [{"word": "最好", "replacement": "很好"}]},
    )
    post = _post(team, weibo, "全网最好的产品")

    response = team.api("erin").get(f"/posts/{post.pk}/lint")

    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is False
    (variant,) = body["variants"]
    (finding,) = variant["findings"]
    assert variant["channel_id"] == weibo.pk
    assert (finding["start"], finding["end"], finding["matched"]) == (2, 4, "最好")
    assert finding["fixed_text"] == "全网很好的产品"


def test_it_reads_and_changes_the_approval_stages(team):
    assert team.api("erin").get("/content-settings").json() == {"approval_stages": 1}

    changed = team.api("bob").put("/content-settings", {"approval_stages": 2})
    refused = team.api("carol").put("/content-settings", {"approval_stages": 0})
    invalid = team.api("alice").put("/content-settings", {"approval_stages": 3})

    assert changed.status_code == 200 and changed.json() == {"approval_stages": 2}
    assert refused.status_code == 403
    assert invalid.status_code == 422 and "approval_stages" in error_of(invalid)["fields"]
    assert audit_count("content_settings.updated") == 1
