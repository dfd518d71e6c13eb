"""The Platform section's pages: catalog with filters, one platform, and the advisor form."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from socialops.accounts import actions

ADVISOR_QUERY = urlencode(
    {
        "industry": "industrial",
        "model": "b2b",
        "age_bands": ["25_30", "31_40", "41_plus"],
        "gender": "any",
        "city_tiers": ["tier1", "new_tier1", "overseas"],
        "goals": ["brand", "conversion", "service"],
        "team_hours_per_week": "20",
        "content_strengths": ["long_article", "short_text"],
    },
    doseq=True,
)


def cards(html: str) -> list[str]:
    return re.findall(r'data-platform="([a-z_]+)"', html)


def test_it_makes_the_platform_link_open_the_catalog(team):
    response = team.browser("dave").get(reverse("section", args=["acme", "platform"]))

    html = response.content.decode()
    assert response.status_code == 200
    assert response.resolver_match.url_name == "platforms"
    assert len(cards(html)) == 18
    assert re.search(r'class="nav-link active"[^>]*href="/w/acme/platform/"', html)  # top nav
    assert 'id="platform-nav"' in html


def test_it_shows_status_badges_with_the_retirement_date(team):
    html = team.browser("erin").get("/w/acme/platform/").content.decode()

    assert html.count('data-status="live_api"') == 4
    assert html.count('data-status="manual_only"') == 12
    assert "2020-09-28 停运" in html
    assert "新浪微博" in html and "Sina Weibo" in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=retired", ["tencent_weibo", "renren"]),
        ("status=live_api&format=article", ["weibo", "wechat"]),
        ("format=video&status=retired", []),
    ],
)
def test_it_filters_the_catalog(team, query, expected):
    response = team.browser("carol").get(f"/w/acme/platform/?{query}")

    assert response.status_code == 200
    assert cards(response.content.decode()) == expected


def test_it_answers_a_bad_filter_with_422(team):
    response = team.browser("carol").get("/w/acme/platform/?status=forever")

    assert response.status_code == 422
    assert len(cards(response.content.decode())) == 18


def test_it_shows_one_platform_in_english(team):
    actions.update_profile(user=team.bob, language="en")

    response = team.browser("bob").get("/w/acme/platform/catalog/xiaohongshu/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1" in html and "Xiaohongshu (RED)" in html
    assert "Note title ≤20 characters, body ≤1000." in html
    assert "rough estimate" in html
    assert 'id="platform-hours"' in html
    assert re.search(r'class="nav-link active"[^>]*href="/w/acme/platform/"', html)


def test_it_answers_an_unknown_platform_with_404(team):
    response = team.browser("carol").get("/w/acme/platform/catalog/myspace/")

    assert response.status_code == 404


def test_it_shows_the_advisor_form_with_an_example(team):
    response = team.browser("dave").get("/w/acme/platform/advisor/")

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="advisor-empty"' in html
    assert 'value="beauty" selected' in html


def test_it_ranks_platforms_from_the_query_string(team):
    response = team.browser("dave").get(f"/w/acme/platform/advisor/?{ADVISOR_QUERY}")

    html = response.content.decode()
    ranking = html.split('id="advisor-ranking"', 1)[1]
    assert response.status_code == 200
    assert set(cards(ranking)[:3]) == {"wechat", "linkedin", "zhihu"}
    assert "tencent_weibo" not in cards(ranking)
    assert "腾讯微博" in html.split('id="advisor-excluded"', 1)[1]
    assert "非常适合工业制造行业。" in html
    assert re.search(r"每周 20 小时中已用 (\d+) 小时", html)
    assert 'data-account="wechat:brand"' in html


def test_it_answers_an_invalid_brief_with_422_and_field_errors(team):
    response = team.browser("dave").get("/w/acme/platform/advisor/?industry=mining&model=b2b")

    html = response.content.decode()
    assert response.status_code == 422
    assert html.count("invalid-feedback") >= 5
    assert 'id="advisor-empty"' in html
