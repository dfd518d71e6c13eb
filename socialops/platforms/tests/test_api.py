"""GET /platforms, GET /platforms/{code} and POST /advisor."""

from __future__ import annotations

import pytest

from socialops.conftest import error_of, row_counts

BRIEF = {
    "industry": "beauty",
    "model": "b2c",
    "age_bands": ["18_24", "25_30"],
    "gender": "female",
    "city_tiers": ["tier1", "new_tier1"],
    "goals": ["brand", "fans", "conversion"],
    "team_hours_per_week": 30,
    "content_strengths": ["images", "video", "short_text"],
}


def test_it_lists_the_whole_catalog(team):
    response = team.api("dave").get("/platforms")

    body = response.json()
    assert response.status_code == 200
    assert body["count"] == len(body["results"]) == 18
    weibo = body["results"][0]
    assert weibo["code"] == "weibo"
    assert weibo["name"] == {"zh": "新浪微博", "en": "Sina Weibo"}
    assert weibo["text"]["limits"] == {"post": 140, "long_post": 2000}
    assert set(weibo["audience"]["age"]) == {"under_18", "18_24", "25_30", "31_40", "41_plus"}
    assert "新浪微博".encode() in response.content  # not \\u escapes


@pytest.mark.parametrize(
    ("query", "codes"),
    [
        ({"status": "retired"}, ["tencent_weibo", "renren"]),
        ({"status": "live_api"}, ["weibo", "wechat", "mastodon", "bluesky"]),
        ({"status": "live_api", "format": "article"}, ["weibo", "wechat"]),
        ({"format": "article", "status": "manual_only"}, None),
    ],
)
def test_it_filters_by_status_and_format(team, query, codes):
    response = team.api("erin").get("/platforms", query)

    found = [p["code"] for p in response.json()["results"]]
    assert response.status_code == 200
    if codes is not None:
        assert found == codes
    for platform in response.json()["results"]:
        assert platform["status"] == query.get("status", platform["status"])
        assert query.get("format", platform["formats"][0]) in platform["formats"]


@pytest.mark.parametrize("query", [{"status": "dead"}, {"format": "hologram"}])
def test_it_refuses_an_unknown_filter_with_422(team, query):
    response = team.api("alice").get("/platforms", query)

    assert response.status_code == 422
    assert set(error_of(response)["fields"]) == set(query)


def test_it_shows_one_platform(team):
    response = team.api("carol").get("/platforms/renren")

    assert response.status_code == 200
    assert response.json()["status"] == "retired"
    assert response.json()["retired_on"] == "2024-12-01"
    assert response.json()["connector"] == "none"


def test_it_answers_an_unknown_platform_with_404_in_the_error_shape(team):
    response = team.api("carol").get("/platforms/myspace")

    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


def test_it_ranks_platforms_for_a_brief(team):
    dave = team.api("dave")
    before = row_counts()

    response = dave.post("/advisor", BRIEF)

    body = response.json()
    assert response.status_code == 200
    assert [r["rank"] for r in body["ranking"]] == list(range(1, 17))
    assert {r["platform"] for r in body["ranking"][:3]} == {"xiaohongshu", "weibo", "douyin"}
    top = body["ranking"][0]
    assert top["recommended"] is True
    assert len(top["reasons"]) == 8
    assert top["reasons"][1]["text"]["zh"] == "非常适合美妆个护行业。"
    assert {e["platform"] for e in body["excluded"]} == {"tencent_weibo", "renren"}
    matrix = body["matrix"]
    assert matrix["team_hours_per_week"] == 30
    assert matrix["hours_used"] == sum(a["hours_per_week"] for a in matrix["accounts"]) <= 30
    assert matrix["accounts"][0] == {
        "platform": "xiaohongshu",
        "name": {"zh": "小红书", "en": "Xiaohongshu (RED)"},
        "role": "brand",
        "hours_per_week": 8,
        "reason": matrix["accounts"][0]["reason"],
    }
    assert row_counts() == before  # nothing stored


@pytest.mark.parametrize(
    ("change", "fields"),
    [
        ({"industry": "spaceflight"}, {"industry"}),
        ({"age_bands": []}, {"age_bands"}),
        ({"goals": ["world_peace"]}, {"goals.0"}),
        ({"team_hours_per_week": 0}, {"team_hours_per_week"}),
        ({"team_hours_per_week": "20"}, {"team_hours_per_week"}),
        ({"model": None, "gender": "other"}, {"model", "gender"}),
        ({"budget": 100}, {"budget"}),
    ],
)
def test_it_refuses_a_bad_brief_with_422_and_the_fields(team, change, fields):
    response = team.api("alice").post("/advisor", {**BRIEF, **change})

    assert response.status_code == 422
    assert set(error_of(response)["fields"]) == fields


def test_it_needs_the_required_fields_of_a_brief(team):
    response = team.api("alice").post("/advisor", {"industry": "beauty"})

    assert response.status_code == 422
    assert set(error_of(response)["fields"]) == {
        "model",
        "age_bands",
        "city_tiers",
        "goals",
        "team_hours_per_week",
        "content_strengths",
    }
