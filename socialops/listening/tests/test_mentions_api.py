"""The mention stream API: filters, spans for highlights, cursor pages, roles, workspaces."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

from socialops.conftest import error_of
from socialops.core.clock import now
from socialops.listening.mentions import highlight, merge_spans

from .test_mentions_support import mention, query


def test_it_lists_newest_first_with_spans_and_merged_highlights(team):
    brand = query(team.workspace, "安可")
    product = query(team.workspace, "安可手机")
    older = mention(
        team.workspace, "安可不错", queries={brand: "安可"}, at=now() - timedelta(hours=2)
    )
    newer = mention(
        team.workspace,
        "我的安可手机坏了，安可客服呢",
        queries={brand: "安可", product: "安可手机"},
        at=now() - timedelta(hours=1),
        sentiment="negative",
    )

    response = team.api("dave").get("/listening/mentions")

    assert response.status_code == 200, response.content
    body = response.json()
    assert [m["id"] for m in body["results"]] == [newer.pk, older.pk]
    first = body["results"][0]
    assert {q["query_id"]: q["spans"] for q in first["queries"]} == {
        brand.pk: [[2, 4], [9, 11]],
        product.pk: [[2, 6]],
    }
    assert first["highlights"] == [[2, 6], [9, 11]]
    assert body["next"] is None


def test_it_filters_by_query_sentiment_platform_author_type_text_and_day(team):
    brand = query(team.workspace, "安可")
    other = query(team.workspace, "竞品")
    yesterday = now() - timedelta(days=1)
    wanted = mention(
        team.workspace, "安可太差了", queries={brand: "安可"}, sentiment="negative",
        platform="weibo", author_type="media",
    )  # fmt: skip
    mention(team.workspace, "安可很好", queries={brand: "安可"}, sentiment="positive")
    mention(team.workspace, "竞品太差了", queries={other: "竞品"}, sentiment="negative")
    mention(
        team.workspace, "安可太差了吧", queries={brand: "安可"}, sentiment="negative",
        platform="bluesky",
    )  # fmt: skip
    old = mention(
        team.workspace, "安可旧闻", queries={brand: "安可"}, at=yesterday - timedelta(days=3)
    )
    api = team.api("erin")

    def ids(**params):
        response = api.get("/listening/mentions", params)
        assert response.status_code == 200, response.content
        return {m["id"] for m in response.json()["results"]}

    assert ids(query=brand.pk, sentiment="negative", platform="weibo") == {wanted.pk}
    assert ids(author_type="media") == {wanted.pk}
    assert wanted.pk not in ids(author_type="none")
    assert ids(q="旧闻") == {old.pk}
    day = old.posted_at.astimezone(ZoneInfo(team.workspace.time_zone)).date().isoformat()
    assert ids(**{"from": day, "to": day}) == {old.pk}


def test_it_refuses_bad_filters_by_field(team):
    api = team.api("dave")
    for params, field in [
        ({"sentiment": "angry"}, "sentiment"),
        ({"author_type": "robot"}, "author_type"),
        ({"query": "999999"}, "query"),
        ({"from": "2026-13-01"}, "from"),
        ({"from": "2026-05-02", "to": "2026-05-01"}, "from"),
        ({"cursor": "cD1hYmM="}, "cursor"),
    ]:
        response = api.get("/listening/mentions", params)
        assert response.status_code == 422, (params, response.content)
        assert field in error_of(response)["fields"], params


def test_it_pages_with_a_cursor_without_gaps_or_repeats(team):
    at = now() - timedelta(hours=1)
    made = [mention(team.workspace, f"第{i}条", at=at) for i in range(5)]  # same second: ties
    made += [
        mention(team.workspace, f"更早{i}", at=at - timedelta(minutes=i + 1)) for i in range(3)
    ]
    api = team.api("dave")
    seen, cursor = [], None
    for _ in range(10):
        params = {"page_size": 3, **({"cursor": cursor} if cursor else {})}
        body = api.get("/listening/mentions", params).json()
        seen += [m["id"] for m in body["results"]]
        cursor = parse_qs(urlsplit(body["next"]).query)["cursor"][0] if body["next"] else None
        if not cursor:
            break
    assert sorted(seen) == sorted(m.pk for m in made)
    assert len(seen) == len(set(seen)) == 8


def test_it_shows_one_mention_and_hides_other_workspaces(team):
    row = mention(team.workspace, "<script>alert(1)</script> 安可")
    assert (
        team.api("dave").get(f"/listening/mentions/{row.pk}").json()["text"].startswith("<script>")
    )
    assert team.api("charlie").get(f"/listening/mentions/{row.pk}").status_code == 404
    assert team.api("charlie").get("/listening/mentions").json()["results"] == []
    assert team.api("dave").get("/listening/mentions/987654").status_code == 404


def test_it_escapes_everything_and_marks_only_spans():
    text = '<script>alert("安可")</script>安可&'
    html = str(highlight(text, merge_spans([[15, 17], [28, 30], [16, 17]], len(text))))
    assert "<script>" not in html
    assert html.count("<mark>") == 2
    assert (
        "&lt;script&gt;alert(&quot;<mark>安可</mark>&quot;)&lt;/script&gt;<mark>安可</mark>&amp;"
        == html
    )


def test_it_merges_overlapping_spans_and_drops_broken_ones():
    assert merge_spans([[5, 8], [0, 2], [1, 3], [7, 10], [9, 9], [20, 30]], 12) == [
        (0, 3),
        (5, 10),
    ]
