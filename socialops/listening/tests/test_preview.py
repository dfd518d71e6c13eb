"""Testing a query over stored posts: matches, spans, escaping, dedupe of sample and mention."""

from __future__ import annotations

import time
from datetime import timedelta

from socialops.core.clock import now
from socialops.listening.models import Mention, SamplePost
from socialops.listening.preview import SCAN, caret_excerpt, highlight, preview
from socialops.listening.query import QuerySyntaxError, parse


def sample(workspace, text, minutes_ago=0, **fields):
    return SamplePost(
        workspace=workspace,
        platform=fields.pop("platform", "weibo"),
        remote_id=fields.pop("remote_id", text),
        text=text,
        posted_at=now() - timedelta(minutes=minutes_ago),
        **fields,
    )


def test_it_highlights_spans_and_escapes_the_rest():
    html = highlight('<a href="x">华为</a> & 手机', [(12, 14), (21, 23)])

    assert html == "&lt;a href=&quot;x&quot;&gt;<mark>华为</mark>&lt;/a&gt; &amp; <mark>手机</mark>"


def test_it_ignores_spans_out_of_range_or_overlapping():
    assert highlight("华为手机", [(0, 3), (1, 2), (3, 99)]) == "<mark>华为手</mark><mark>机</mark>"


def test_it_finds_matches_newest_first_with_spans(team):
    SamplePost.objects.bulk_create(
        [
            sample(team.workspace, "我的華為手機壞了", minutes_ago=30),
            sample(team.workspace, "华为招聘", minutes_ago=20),
            sample(team.workspace, "华为 平板", minutes_ago=10, author_handle="xiaoming"),
        ]
    )

    found = preview(team.workspace, "华为 AND (手机 OR 平板) -招聘")

    assert found.scanned == 3
    assert found.matched == 2
    assert [hit.text for hit in found.hits] == ["华为 平板", "我的華為手機壞了"]
    assert found.hits[0].spans == ((0, 2), (3, 5))
    assert found.hits[0].author == "xiaoming"
    assert found.hits[1].spans == ((2, 6),)  # traditional characters, found in the original
    assert found.per_day == 48.0  # 2 matches in the hour the posts cover


def test_it_counts_a_post_stored_as_sample_and_mention_once(team):
    SamplePost.objects.create(
        workspace=team.workspace, platform="weibo", remote_id="9", text="华为", posted_at=now()
    )
    Mention.objects.create(
        workspace=team.workspace, platform="weibo", remote_id="9", text="华为", posted_at=now()
    )

    found = preview(team.workspace, "华为")

    assert (found.scanned, found.matched) == (1, 1)
    assert found.hits[0].origin == "mention"


def test_it_reads_field_filters_and_only_its_workspace(team):
    from socialops.accounts.models import Workspace

    other = Workspace.objects.exclude(pk=team.workspace.pk).first()
    SamplePost.objects.bulk_create(
        [
            sample(team.workspace, "今日要闻", author_handle="人民日报"),
            sample(team.workspace, "今日要闻", remote_id="2", author_handle="路人"),
            sample(other, "今日要闻", remote_id="3", author_handle="人民日报"),
        ]
    )

    found = preview(team.workspace, "author:人民日报")

    assert (found.scanned, found.matched) == (2, 1)


def test_it_keeps_to_the_days_asked_for(team):
    SamplePost.objects.bulk_create(
        [
            sample(team.workspace, "华为", minutes_ago=60 * 24 * 3),
            sample(team.workspace, "华为 新", minutes_ago=5),
        ]
    )

    found = preview(team.workspace, "华为", days=1)

    assert [hit.text for hit in found.hits] == ["华为 新"]


def test_it_scans_five_thousand_posts_quickly(team):
    SamplePost.objects.bulk_create(
        sample(
            team.workspace,
            f"第{n}条：{'华为手机很好用' if n % 10 == 0 else '今天天气不错，出去走走'}",
            minutes_ago=n,
        )
        for n in range(SCAN + 500)
    )

    started = time.perf_counter()
    found = preview(team.workspace, "华为 AND (手机 OR 平板) -招聘", limit=50)
    elapsed = time.perf_counter() - started

    assert found.scanned == SCAN
    assert found.matched == SCAN // 10
    assert len(found.hits) == 50
    assert elapsed < 5  # generous for a loaded CI machine


def test_it_cuts_a_long_line_around_the_error():
    try:
        parse("华为 OR " * 600 + "(")
    except QuerySyntaxError as error:
        lines = caret_excerpt(error).splitlines()
    assert len(lines[0]) <= 62
    assert lines[1].endswith("^")
