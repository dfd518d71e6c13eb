"""The content report on a known data set, the best-time feed, the pages and the API."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from socialops.content.models import ContentPillar, Post
from socialops.core.models import AuditEvent
from socialops.publishing import reports
from socialops.publishing.models import MetricSnapshot, Publication

from .tracking import published, sandbox_account, snapshot

# Asia/Shanghai is UTC+8: local 2026-03-02 (a Monday) 10:15 is 02:15 UTC.
MON_1015 = datetime(2026, 3, 2, 2, 15, tzinfo=UTC)
MON_1045 = datetime(2026, 3, 2, 2, 45, tzinfo=UTC)
WED_2000 = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)
THU_0900 = datetime(2026, 3, 5, 1, 0, tzinfo=UTC)
PERIOD = {"start": date(2026, 3, 1), "end": date(2026, 3, 7)}


@pytest.fixture
def data(team: Any) -> dict[str, Any]:
    channel = sandbox_account(team)
    other = sandbox_account(team, handle="acme_other")
    product = ContentPillar.objects.create(workspace=team.workspace, name="产品", colour="#ff0000")
    industry = ContentPillar.objects.create(workspace=team.workspace, name="行业")

    def post(at: datetime, **fields: Any) -> Publication:
        return published(channel, at=at, on_platform=False, url="", **fields)

    first = post(MON_1015, pillar=product)
    snapshot(first, MON_1015 + timedelta(hours=1), impressions=100, likes=1)
    snapshot(
        first, MON_1015 + timedelta(days=1), impressions=1000, likes=30, reposts=10, comments=10
    )
    second = post(MON_1045, pillar=product, format=Post.Format.IMAGE)
    snapshot(second, MON_1045 + timedelta(days=1), impressions=500, likes=20, reposts=0, comments=5)
    third = post(WED_2000, pillar=industry)
    snapshot(third, WED_2000 + timedelta(days=1), impressions=None, likes=10, reposts=2, comments=3)
    post(THU_0900, format=Post.Format.VIDEO)  # published, no numbers yet
    before = post(datetime(2026, 2, 20, 4, 0, tzinfo=UTC), pillar=product)
    snapshot(before, datetime(2026, 2, 21, tzinfo=UTC), impressions=9999, likes=999)
    elsewhere = published(other, at=MON_1015, on_platform=False)
    snapshot(elsewhere, MON_1015 + timedelta(days=1), impressions=7777, likes=777)
    return {"channel": channel, "product": product, "industry": industry, "first": first}


def test_it_sums_an_accounts_period_from_each_posts_latest_numbers(team, data):
    report = reports.content_report(team.workspace, data["channel"], **PERIOD)

    assert report.published == 4
    total = report.total
    assert (total.posts, total.impressions, total.engagements) == (3, 1500, 90)
    assert total.engagement_rate == pytest.approx(75 / 1500)  # only posts with impressions
    assert [r.publication.published_at for r in report.rows] == [MON_1015, MON_1045, WED_2000]


def test_it_reports_every_account_of_the_workspace_when_none_is_chosen(team, data):
    report = reports.content_report(team.workspace, None, **PERIOD)

    assert report.published == 5
    assert (report.total.posts, report.total.impressions) == (4, 1500 + 7777)
    assert report.total.engagements == 90 + 777


def test_it_breaks_the_report_down_by_pillar_format_and_hour_of_week(team, data):
    report = reports.content_report(team.workspace, data["channel"], **PERIOD)

    pillars = {g.label: g for g in report.by_pillar}
    assert set(pillars) == {"产品", "行业"}
    assert (pillars["产品"].posts, pillars["产品"].engagements) == (2, 75)
    assert pillars["产品"].engagement_rate == pytest.approx(0.05)
    assert pillars["产品"].mean_engagement == 37.5 and pillars["产品"].colour == "#ff0000"
    assert pillars["行业"].engagement_rate is None and pillars["行业"].engagements == 15
    formats = {g.key: (g.posts, g.engagements, g.impressions) for g in report.by_format}
    assert formats == {"text": (2, 65, 1000), "image": (1, 25, 500)}
    hours = {slot: (g.posts, g.mean_engagement) for slot, g in report.by_hour.items()}
    assert hours == {(0, 10): (2, 37.5), (2, 20): (1, 15.0)}
    assert report.heatmap() == [[10, 0, 37.5, 2], [20, 2, 15.0, 1]]


def test_it_feeds_best_times_with_engagement_by_hour_of_week(team, data):
    since = datetime(2026, 3, 1, tzinfo=UTC)

    slots = reports.engagement_by_hour_of_week(data["channel"], since)

    assert slots == {(0, 10): (2, 37.5), (2, 20): (1, 15.0)}


def test_it_puts_posts_in_local_hours_across_daylight_saving(team):
    team.workspace.time_zone = "Europe/Berlin"
    team.workspace.save(update_fields=["time_zone"])
    channel = sandbox_account(team)
    # 10:00 in Berlin on the Friday before the change (UTC+1) and the Monday after (UTC+2).
    for at in [datetime(2026, 3, 27, 9, 0, tzinfo=UTC), datetime(2026, 3, 30, 8, 0, tzinfo=UTC)]:
        publication = published(channel, at=at, on_platform=False)
        snapshot(publication, at + timedelta(days=1), impressions=10, likes=1)

    slots = reports.engagement_by_hour_of_week(channel, datetime(2026, 3, 1, tzinfo=UTC))

    assert slots == {(0, 10): (1, 1.0), (4, 10): (1, 1.0)}


# ---- API and pages -----------------------------------------------------------------------


def test_it_serves_the_report_through_the_api(team, data):
    api = team.api("erin")
    url = f"/reports/content?channel_id={data['channel'].pk}&from=2026-03-01&to=2026-03-07"

    response = api.get(url)

    assert response.status_code == 200
    body = response.json()
    assert body["published"] == 4 and body["total"]["engagements"] == 90
    assert body["time_zone"] == "Asia/Shanghai"
    assert {(h["weekday"], h["hour"], h["posts"]) for h in body["by_hour"]} == {
        (0, 10, 2),
        (2, 20, 1),
    }
    assert [p["publication_id"] for p in body["posts"]][0] == data["first"].pk
    inverted = api.get(
        f"/reports/content?channel_id={data['channel'].pk}&from=2026-03-07&to=2026-03-01"
    )
    assert inverted.status_code == 422
    for query in ("to=0001-01-01", "from=9999-12-31&to=9999-12-31"):
        far = api.get(f"/reports/content?{query}")
        assert far.status_code == 422, query  # not a 500 from date arithmetic
    assert team.api("charlie").get(url).status_code == 404


def test_it_defaults_the_report_to_the_last_30_days(team, data):
    with time_machine.travel(datetime(2026, 3, 10, 4, 0, tzinfo=UTC), tick=False):
        body = team.api("erin").get(f"/reports/content?channel_id={data['channel'].pk}").json()

    assert (body["start"], body["end"]) == ("2026-02-09", "2026-03-10")
    assert body["published"] == 5


def test_it_shows_the_report_page_with_its_heatmap(team, data):
    url = reverse("content_report", args=["acme"])

    response = team.browser("erin").get(
        url, {"channel": data["channel"].pk, "from": "2026-03-01", "to": "2026-03-07"}
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="report-heatmap"' in page and 'data-chart="heatmap"' in page
    assert "产品" in page and "5.00%" in page
    assert "vendor/echarts/echarts.min.js" in page
    assert 'href="' + url + '"' in page  # the Content section's tab


def test_it_renders_a_posts_performance_with_a_chart_and_link_clicks(team, data):
    from socialops.campaigns.actions import create_link

    post = data["first"].post
    create_link(
        access=team.access("carol"),
        target_url="https://example.com",
        post_id=post.pk,
        channel_id=data["channel"].pk,
    )
    from socialops.campaigns.models import ShortLink

    ShortLink.objects.update(clicks=7, bot_clicks=3)
    request = RequestFactory().get("/")
    request.user = team.alice

    html = render_to_string(
        "publishing/_performance.html",
        {
            "post": post,
            "publications": post.publications.all(),
            "access": team.access("carol"),
            "current_workspace": team.workspace,
        },
        request=request,
    )

    assert f'data-publication="{data["first"].pk}"' in html
    assert 'data-metric="impressions">1000<' in html
    assert 'data-metric="engagement_rate">5.00%<' in html
    assert 'data-metric="link_clicks">7<' in html
    assert f'id="perf-chart-{data["first"].pk}"' in html
    assert reverse("post_metrics_refresh", args=["acme", post.pk]) in html


def test_it_takes_numbers_from_the_post_page_form(team, data):
    publication = data["first"]
    browser = team.browser("carol")

    response = browser.post(
        reverse("publication_metrics", args=["acme", publication.pk]),
        {"impressions": "2,000", "likes": "40", "reposts": "", "comments": "", "clicks": ""},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("content_post", args=["acme", publication.post_id])
    latest = MetricSnapshot.objects.filter(publication=publication).latest("id")
    assert (latest.step, latest.impressions, latest.likes) == ("manual", 2000, 40)
    assert AuditEvent.objects.filter(action="metrics.entered", via="web").exists()
    refused = browser.post(
        reverse("publication_metrics", args=["acme", publication.pk]), {"likes": "-3"}
    )
    assert refused.status_code == 302
    assert MetricSnapshot.objects.filter(publication=publication, step="manual").count() == 1


def test_it_imports_a_csv_from_the_report_page(team):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from .tracking import manual_account

    channel = manual_account(team)
    url = "https://www.xiaohongshu.com/explore/42"
    publication = published(channel, on_platform=False, url=url)
    upload = SimpleUploadedFile("numbers.csv", f"url,likes\n{url},12\n".encode(), "text/csv")

    response = team.browser("carol").post(
        reverse("metrics_import", args=["acme"]), {"channel": channel.pk, "csv": upload}
    )

    assert response.status_code == 302
    assert response["Location"].endswith(f"?channel={channel.pk}")
    assert MetricSnapshot.objects.get(publication=publication).likes == 12
    page = team.browser("carol").get(response["Location"])
    assert 'id="metrics-import"' in page.content.decode()


def test_it_refreshes_from_the_post_page(team):
    publication = published(sandbox_account(team))

    response = team.browser("carol").post(
        reverse("post_metrics_refresh", args=["acme", publication.post_id])
    )

    assert response.status_code == 302
    assert MetricSnapshot.objects.get(publication=publication).step == "refresh"
