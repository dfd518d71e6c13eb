"""Library search finds Chinese substrings on SQLite (FTS5 trigram) and PostgreSQL (pg_trgm)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction

from socialops.content import actions
from socialops.content.library import search
from socialops.content.models import Asset
from socialops.content.queries_library import library, tags_in_use
from socialops.core.clock import now

from .test_library import add_image, image_bytes, media_root  # noqa: F401 - a fixture


def snippet(team, title: str, text: str = "正文", **fields) -> Asset:
    return actions.create_asset(
        access=team.access("carol"), kind="snippet", title=title, text=text, **fields
    )


def titles(found) -> set[str]:
    return {a.title for a in found}


@pytest.fixture
def launch(team):
    snippet(team, "新品上市发布会", "欢迎媒体朋友", tags=["发布会"])
    snippet(team, "双十一预热", "限时折扣 ABC", tags=["大促"])
    snippet(team, "客服口径", "退换货说明")
    return team


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("上市", {"新品上市发布会"}),  # 2 characters: LIKE
        ("上市发布", {"新品上市发布会"}),  # 4 characters: the trigram index
        ("品上市发布会", {"新品上市发布会"}),
        ("发布会 新品", {"新品上市发布会"}),  # every word must occur
        ("發佈會", {"新品上市发布会"}),  # traditional characters find simplified text
        ("ａｂｃ", {"双十一预热"}),  # full width and case folded
        ("折扣", {"双十一预热"}),
        ("大促", {"双十一预热"}),  # tags are searched
        ("口", {"客服口径"}),
        ("上市 退换", set()),
        ("不存在的词", set()),
        ("", {"新品上市发布会", "双十一预热", "客服口径"}),
    ],
)
def test_it_finds_chinese_substrings(launch, query, expected):
    assert titles(library(launch.workspace, q=query)) == expected


def test_it_searches_file_names_and_stays_in_the_workspace(team):
    add_image(team, "春季新品海报.png", title="主视觉")
    actions.create_asset(
        access=team.access("charlie", team.other),
        kind="snippet",
        title="新品上市发布会",
        text="别家的",
    )

    assert titles(library(team.workspace, q="新品海报")) == {"主视觉"}
    assert titles(library(team.workspace, q="上市")) == set()
    assert titles(library(team.other, q="上市发布")) == {"新品上市发布会"}


def test_it_keeps_the_index_in_step_with_edits_and_deletes(launch):
    asset = Asset.objects.get(title="客服口径")

    actions.update_asset(
        access=launch.access("carol"), asset=asset, changes={"title": "售后服务说明会"}
    )

    assert titles(library(launch.workspace, q="服务说明")) == {"售后服务说明会"}
    assert titles(library(launch.workspace, q="客服口径")) == set()
    Asset.objects.filter(pk=asset.pk).delete()
    assert titles(library(launch.workspace, q="服务说明")) == set()
    assert search.index_consistent()


def test_it_quotes_search_syntax_as_plain_text(launch):
    assert titles(library(launch.workspace, q='"上市 OR NEAR(a b)* -')) == set()
    assert titles(library(launch.workspace, q="%")) == set()
    assert titles(library(launch.workspace, q="_")) == set()


def test_it_filters_by_kind_tag_and_rights(team):
    soon = snippet(team, "快到期", expires_at=now() + timedelta(days=3), tags=["图库"])
    gone = snippet(team, "已过期", expires_at=now() - timedelta(days=1), tags=["图库", "旧"])
    fine = snippet(team, "长期", tags=["自有"])
    image = add_image(team, tags=["自有"])

    assert titles(library(team.workspace, rights="expiring")) == {soon.title}
    assert titles(library(team.workspace, rights="expired")) == {gone.title}
    assert titles(library(team.workspace, rights="ok")) == {fine.title, image.title}
    assert titles(library(team.workspace, tag="图库")) == {soon.title, gone.title}
    assert titles(library(team.workspace, tag="图")) == set()  # whole tags only
    assert titles(library(team.workspace, kind="image", tag="自有")) == {image.title}
    assert tags_in_use(team.workspace) == sorted(["图库", "旧", "自有"])


def test_it_leaves_archived_assets_out_unless_asked(team):
    asset = snippet(team, "旧口径")
    actions.archive_asset(access=team.access("carol"), asset=asset)

    assert titles(library(team.workspace, q="口径")) == set()
    assert titles(library(team.workspace, q="口径", archived=True)) == {"旧口径"}


def test_it_has_its_search_objects_in_the_database(db):
    if connection.vendor == "sqlite":
        objects = search.sqlite_objects()
        assert objects[search.FTS_TABLE] == "table"
        for trigger in ("insert", "update", "delete"):
            assert objects[f"content_asset_fts_{trigger}"] == "trigger"
        assert objects["content_asset_file_once"] == "index"
    else:
        with connection.cursor() as cursor:
            cursor.execute("SELECT extname FROM pg_extension WHERE extname = 'pg_trgm'")
            assert cursor.fetchone() == ("pg_trgm",)
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'content_asset'"
            )
            indexes = dict(cursor.fetchall())
        assert "gin_trgm_ops" in indexes["content_asset_search_trgm"]
        assert "content_asset_file_once" in indexes


def test_it_serves_long_words_from_the_index(launch):
    query = search.matching(Asset.objects.only("id"), "上市发布")
    sql, params = query.query.sql_with_params()

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            assert "MATCH" in sql
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            plan = " ".join(str(row) for row in cursor.fetchall())
            assert search.FTS_TABLE in plan
        else:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN " + sql, params)
            plan = " ".join(row[0] for row in cursor.fetchall())
            assert "content_asset_search_trgm" in plan


def test_it_stores_one_asset_per_file_and_workspace_in_the_database(team):
    first = add_image(team)

    with pytest.raises(IntegrityError), transaction.atomic():
        Asset.objects.create(
            workspace=team.workspace, kind="image", title="copy", sha256=first.sha256
        )
    Asset.objects.create(workspace=team.other, kind="image", title="theirs", sha256=first.sha256)
    assert image_bytes()  # the helper the fixture file shares
