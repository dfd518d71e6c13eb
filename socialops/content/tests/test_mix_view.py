"""The pillar mix: planned and published shares against targets, per account and overall."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from socialops.channels.models import Channel
from socialops.conftest import Team, error_of
from socialops.content import calendar_queries
from socialops.content.models import ContentPillar, Post

from .test_calendar_views import approved, connect

NOW = datetime(2026, 11, 26, 4, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def pillars(team: Team) -> dict[str, ContentPillar]:
    return {
        name: ContentPillar.objects.create(
            workspace=team.workspace, name=name, target_share=share, position=i
        )
        for i, (name, share) in enumerate([("产品", 50), ("行业", 30), ("生活", 20)])
    }


@pytest.fixture
def accounts(team: Team) -> tuple[Channel, Channel]:
    return connect(team, "acme_a"), connect(team, "acme_b")


def plan(team: Team, channels: list[Channel], pillar: ContentPillar | None, n: int, days: int):
    for i in range(n):
        approved(
            team,
            channels,
            NOW + timedelta(days=days, minutes=i),
            body=f"计划{i}",
            pillar_id=pillar.pk if pillar else None,
        )


def publish(team: Team, channel: Channel, pillar: ContentPillar, n: int, days_ago: int) -> None:
    for i in range(n):
        post = approved(team, [channel], None, body=f"已发{i}", pillar_id=pillar.pk)
        Post.objects.filter(pk=post.pk).update(
            state=Post.State.PUBLISHED, published_at=NOW - timedelta(days=days_ago, minutes=i)
        )


@pytest.fixture
def history(team: Team, pillars: dict[str, ContentPillar], accounts: tuple[Channel, Channel]):
    a, b = accounts
    plan(team, [a], pillars["产品"], 8, days=2)  # planned: 8 产品 on a
    plan(team, [a, b], pillars["行业"], 2, days=3)  # 2 行业 on both
    plan(team, [b], None, 1, days=3)  # untagged
    plan(team, [a], pillars["生活"], 1, days=90)  # outside the window
    publish(team, b, pillars["生活"], 10, days_ago=5)  # published: 10 生活 on b


def shares(counts: calendar_queries.MixCounts) -> list[tuple[int, float | None, bool]]:
    return [(row.count, row.actual, row.drift) for row in counts.rows]


def test_it_counts_planned_and_published_shares(team: Team, history: None) -> None:
    start, end = NOW - timedelta(days=30), NOW + timedelta(days=30)

    report = calendar_queries.mix_report(team.workspace, start, end)

    # planned 8 产品 + 2 行业 of 10 tagged: 产品 80% (+30, drift), 行业 20%, 生活 0% (-20, drift)
    assert shares(report.planned) == [(8, 80.0, True), (2, 20.0, False), (0, 0.0, True)]
    assert (report.planned.tagged, report.planned.untagged) == (10, 1)
    assert shares(report.published) == [(0, 0.0, True), (0, 0.0, True), (10, 100.0, True)]
    a, b = report.accounts
    assert shares(a.planned) == [(8, 80.0, True), (2, 20.0, False), (0, 0.0, True)]
    assert shares(b.planned) == [(0, 0.0, False), (2, 100.0, False), (0, 0.0, False)]  # too few
    assert b.published.tagged == 10 and a.published.tagged == 0


def test_it_serves_the_mix_over_the_api(team: Team, history: None) -> None:
    b = Channel.objects.get(handle="acme_b")
    api = team.api("erin")

    overall = api.get("/pillars/mix", {"from": "2026-10-27", "to": "2026-12-26"})
    one = api.get("/pillars/mix", {"channel_id": b.pk})
    bad = api.get("/pillars/mix", {"from": "2026-12-01", "to": "2026-11-01"})
    numeric = api.get("/pillars/mix", {"from": "1700000000"})

    assert overall.status_code == 200
    body = overall.json()
    assert body["planned"]["pillars"][0] == {
        "pillar_id": body["planned"]["pillars"][0]["pillar_id"],
        "name": "产品",
        "target": 50,
        "count": 8,
        "actual": 80.0,
        "difference": 30.0,
        "drift": True,
    }
    assert len(body["accounts"]) == 2 and body["channel_id"] is None
    assert one.json()["channel_id"] == b.pk and one.json()["accounts"] == []
    assert one.json()["published"]["tagged"] == 10
    assert bad.status_code == 422 and "to" in error_of(bad)["fields"]
    assert numeric.status_code == 422


def test_it_draws_the_mix_page_with_drift_warnings(team: Team, history: None) -> None:
    url = reverse("content_mix", args=[team.workspace.slug])

    page = team.browser("dave").get(url)
    html = page.content.decode()

    assert page.status_code == 200
    assert 'id="mix-drift"' in html and 'data-drift="' in html
    assert "vendor/echarts/echarts.min.js" in html and 'id="mix-data"' in html
    assert page.context["chart"]["planned"] == [80.0, 20.0, 0.0]
    assert page.context["chart"]["target"] == [50, 30, 20]
    assert len(page.context["accounts"]) == 2


def test_it_asks_for_pillars_before_drawing(team: Team) -> None:
    page = team.browser("carol").get(reverse("content_mix", args=[team.workspace.slug]))

    assert 'id="mix-no-pillars"' in page.content.decode()


def test_it_summarises_the_live_mix_on_the_pillars_page(team: Team, history: None) -> None:
    slug = team.workspace.slug
    pillars_page = team.browser("carol").get(reverse("content_pillars", args=[slug]))
    summary = team.browser("carol").get(reverse("content_mix", args=[slug]), HTTP_HX_REQUEST="true")

    assert f'hx-get="{reverse("content_mix", args=[slug])}"' in pillars_page.content.decode()
    html = summary.content.decode()
    assert 'id="mix-summary"' in html and "<html" not in html
    assert "80.0%" in html and "100.0%" in html
