"""CSV import of posts: encodings, column mapping, all or nothing, dry runs, the page."""

from __future__ import annotations

import codecs
import json
from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from socialops.campaigns.models import Topic
from socialops.channels.actions import connect_channel
from socialops.channels.models import Channel
from socialops.conftest import API, audit_count, error_of
from socialops.content import imports
from socialops.content.models import ContentPillar, Post
from socialops.core.models import AuditEvent

NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
HEADER = "title,body,accounts,scheduled_at,pillar,topics,link,first_comment,state\n"


@pytest.fixture(autouse=True)
def _frozen() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def setup(team: Any) -> dict[str, Any]:
    def channel(handle: str, platform: str) -> Any:
        return connect_channel(
            access=team.access("alice"),
            connector="sandbox",
            fields={"display_name": handle, "handle": handle},
            platform=platform,
        )

    return {
        "weibo": channel("acme_weibo", "weibo"),
        "x": channel("acme_x", "x"),
        "pillar": ContentPillar.objects.create(
            workspace=team.workspace, name="产品", target_share=30
        ),
        "new": Topic.objects.create(workspace=team.workspace, name="新品"),
        "sale": Topic.objects.create(workspace=team.workspace, name="双十一"),
    }


def _csv(*rows: str) -> str:
    return HEADER + "".join(row + "\n" for row in rows)


GOOD = _csv(
    "新品预告,新品下周上市,acme_weibo、acme_x,2026-03-05 10:00,产品,新品;双十一,"
    "https://example.com/a,欢迎评论,draft",
    ',"第二条，带逗号",@acme_weibo,,,,,,idea',
)


def _post_csv(client: Any, data: bytes, **params: Any) -> Any:
    query = "?dry_run=true" if params.get("dry_run") else ""
    return client.client.post(f"{API}/posts/import{query}", data, content_type="text/csv")


def test_it_imports_every_row_and_audits_it(team, setup):
    response = team.api("carol").post("/posts/import", {"csv": GOOD})

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["dry_run"] is False and body["count"] == 2
    first, second = body["posts"]
    assert first["row"] == 2 and second["row"] == 3
    post = Post.objects.get(pk=first["id"])
    assert post.title == "新品预告" and post.state == Post.State.DRAFT
    assert post.scheduled_at == datetime(2026, 3, 5, 2, 0, tzinfo=UTC)  # 10:00 Shanghai
    assert post.pillar == setup["pillar"]
    assert {t.name for t in post.topics.all()} == {"新品", "双十一"}
    assert post.link == "https://example.com/a" and post.first_comment == "欢迎评论"
    assert set(post.variants.values_list("channel_id", flat=True)) == {
        setup["weibo"].pk,
        setup["x"].pk,
    }
    other = Post.objects.get(pk=second["id"])
    assert other.body == "第二条，带逗号" and other.state == Post.State.IDEA
    event = AuditEvent.objects.get(action="post.imported")
    assert event.after == {"count": 2, "posts": [first["id"], second["id"]]}
    assert audit_count("post.created") == 2


def test_it_reads_utf8_with_a_bom(team, setup):
    data = codecs.BOM_UTF8 + GOOD.encode()

    response = _post_csv(team.api("carol"), data)

    assert response.status_code == 201, response.content
    assert Post.objects.filter(title="新品预告").exists()


def test_it_reads_gbk_saved_by_excel(team, setup):
    data = GOOD.replace("\n", "\r\n").encode("gbk")

    response = _post_csv(team.api("carol"), data)

    assert response.status_code == 201, response.content
    assert Post.objects.get(title="新品预告").body == "新品下周上市"


def test_it_reads_chinese_headers_and_tabs(team, setup):
    text = "标题\t正文\t账号\t状态\n周报\t本周回顾\tacme_x\t想法\n"

    response = team.api("carol").post("/posts/import", {"csv": text})

    assert response.status_code == 201, response.content
    post = Post.objects.get()
    assert (post.title, post.state) == ("周报", Post.State.IDEA)


def test_it_writes_nothing_when_one_row_is_bad(team, setup):
    text = _csv(
        "好的,正文,acme_weibo,,,,,,",
        "坏的,正文,nobody_here,,,,,,",
        "也坏,正文,acme_weibo,2026-03-01 10:00,未知支柱,没有的话题,ftp://x,,published",
    )

    response = team.api("carol").post("/posts/import", {"csv": text})

    assert response.status_code == 422
    fields = error_of(response)["fields"]
    assert set(fields) == {
        "row 3.accounts",
        "row 4.scheduled_at",
        "row 4.pillar",
        "row 4.topics",
        "row 4.link",
        "row 4.state",
    }
    assert "nobody_here" in fields["row 3.accounts"]
    assert not Post.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="post.").exists()


def test_it_dry_runs_without_writing(team, setup):
    response = team.api("carol").post("/posts/import?dry_run=true", {"csv": GOOD})

    assert response.status_code == 200
    body = response.json()
    assert body["dry_run"] is True and body["count"] == 2
    assert body["posts"][0]["id"] is None
    assert body["posts"][0]["channel_ids"] == [setup["weibo"].pk, setup["x"].pk]
    assert body["posts"][0]["scheduled_at"].startswith("2026-03-05T02:00")
    assert not Post.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="post.").exists()


def test_it_reports_bad_rows_on_a_dry_run_too(team, setup):
    text = _csv(",,acme_weibo,,,,,,")

    response = team.api("carol").post("/posts/import?dry_run=true", {"csv": text})

    assert response.status_code == 422
    assert "row 2.body" in error_of(response)["fields"]


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("title,colour\n标题,红\n", "header"),
        ("title,title\n一,二\n", "header"),
        ("accounts\nacme_x\n", "header"),
        ("title,body\n", "csv"),
        ("title\n" + "标题\n" * (imports.MAX_ROWS + 1), "csv"),
        ("title,body\n一,二,三\n", "row 2"),
        ("title,accounts\n一,99999\n", "row 2.accounts"),
        ("title,scheduled_at\n一,2026-03-05T10:00+08:00x\n", "row 2.scheduled_at"),
        ("title,scheduled_at\n一,2026-02-30 10:00\n", "row 2.scheduled_at"),
        ("title\n" + "长" * 201 + "\n", "row 2.title"),
    ],
)
def test_it_names_what_is_wrong_with_a_file(team, setup, text, field):
    response = team.api("carol").post("/posts/import", {"csv": text})

    assert response.status_code == 422
    assert field in error_of(response)["fields"], error_of(response)["fields"]
    assert not Post.objects.exists()


def test_it_takes_iso_times_with_an_offset_and_ids_for_accounts(team, setup):
    weibo = setup["weibo"]
    text = f"title,accounts,scheduled_at\n一,{weibo.pk},2026-03-05T10:00:00-05:00\n"

    response = team.api("carol").post("/posts/import", {"csv": text})

    assert response.status_code == 201
    post = Post.objects.get()
    assert post.scheduled_at == datetime(2026, 3, 5, 15, 0, tzinfo=UTC)
    assert list(post.variants.values_list("channel_id", flat=True)) == [weibo.pk]


def test_it_asks_for_platform_and_handle_when_two_accounts_share_a_handle(team, setup):
    Channel.objects.create(
        workspace=team.workspace,
        platform="x",
        connector="manual",
        remote_id="acme_weibo",
        handle="acme_weibo",
    )
    client = team.api("carol")

    ambiguous = client.post("/posts/import", {"csv": "title,accounts\n一,acme_weibo\n"})
    precise = client.post("/posts/import", {"csv": "title,accounts\n一,weibo:acme_weibo\n"})

    assert ambiguous.status_code == 422 and "row 2.accounts" in error_of(ambiguous)["fields"]
    assert precise.status_code == 201
    assert Post.objects.get().variants.get().channel == setup["weibo"]


def test_it_does_not_find_another_workspaces_accounts(team, setup):
    connect_channel(
        access=team.access("charlie", team.other),
        connector="sandbox",
        fields={"display_name": "globex", "handle": "globex_main"},
        platform="weibo",
    )

    response = team.api("carol").post("/posts/import", {"csv": "title,accounts\n一,globex_main\n"})

    assert response.status_code == 422
    assert "row 2.accounts" in error_of(response)["fields"]


@pytest.mark.parametrize("persona", ["dave", "erin"])
def test_it_refuses_imports_to_roles_that_do_not_write(team, setup, persona):
    response = team.api(persona).post("/posts/import", {"csv": GOOD})

    assert response.status_code == 403
    assert not Post.objects.exists()


@pytest.mark.parametrize(
    ("body", "content_type", "status", "field"),
    [
        (b"{}", "application/json", 422, "csv"),
        (b'{"csv": "a", "extra": 1}', "application/json", 422, "csv"),
        (b"{not json", "application/json", 400, "body"),
        (b"title\n\x00\n", "text/csv", 422, "csv"),
        (b"title\n1\n", "application/xml", 415, "body"),
    ],
)
def test_it_refuses_a_body_it_cannot_read(team, setup, body, content_type, status, field):
    client = team.api("carol").client

    response = client.post(f"{API}/posts/import", body, content_type=content_type)

    assert response.status_code == status
    assert field in error_of(response)["fields"]


def test_it_imports_once_when_retried_with_the_same_key(team, setup):
    client = team.api("carol")
    headers = {"HTTP_IDEMPOTENCY_KEY": "sheet-7"}

    first = client.post("/posts/import", {"csv": GOOD}, **headers)
    again = client.post("/posts/import", {"csv": GOOD}, **headers)

    assert first.status_code == again.status_code == 201
    assert json.loads(first.content) == json.loads(again.content)
    assert Post.objects.count() == 2


def test_it_refuses_a_time_that_does_not_exist_in_the_zone(team, setup):
    team.workspace.time_zone = "America/New_York"
    team.workspace.save()

    response = team.api("carol").post(
        "/posts/import", {"csv": "title,scheduled_at\n一,2026-03-08 02:30\n"}
    )

    assert response.status_code == 422
    assert "row 2.scheduled_at" in error_of(response)["fields"]


# -- the page --------------------------------------------------------------------------------


def _url(team: Any) -> str:
    return reverse("content_import", kwargs={"slug": team.workspace.slug})


def test_it_previews_an_upload_then_imports_it(team, setup):
    browser = team.browser("carol")
    upload = SimpleUploadedFile("posts.csv", GOOD.encode("gbk"), content_type="text/csv")

    preview = browser.post(_url(team), {"file": upload, "preview": "1"})

    assert preview.status_code == 200
    assert b'id="import-preview"' in preview.content
    assert "新品预告".encode() in preview.content
    assert not Post.objects.exists()
    text = preview.context["form"].initial["csv"]

    done = browser.post(_url(team), {"csv": text, "import": "1"})

    assert done.status_code == 302
    assert done["Location"] == reverse("content_posts", kwargs={"slug": team.workspace.slug})
    assert Post.objects.count() == 2


def test_it_lists_every_problem_on_the_page_and_writes_nothing(team, setup):
    response = team.browser("carol").post(
        _url(team), {"csv": _csv("好,正文,nobody,,,,,,"), "import": "1"}
    )

    assert response.status_code == 200
    assert b'data-field="row 2.accounts"' in response.content
    assert not Post.objects.exists()


def test_it_shows_the_import_page_with_the_columns(team, setup):
    response = team.browser("carol").get(_url(team))

    assert response.status_code == 200
    assert b'id="import-form"' in response.content
    assert b"first_comment" in response.content


def test_it_shows_the_import_tab_only_to_those_who_may_import(team):
    content = reverse("content", kwargs={"slug": team.workspace.slug})

    editor = team.browser("carol").get(content)
    agent = team.browser("dave").get(content)

    assert _url(team).encode() in editor.content
    assert _url(team).encode() not in agent.content
