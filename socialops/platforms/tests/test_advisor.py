"""The advisor ranks platforms for realistic briefs, explains each score, and sizes a matrix."""

from __future__ import annotations

from dataclasses import replace

import pytest

from socialops.platforms.advisor import FACTOR_MAX, AccountRole, Brief, advise
from socialops.platforms.catalog import (
    AgeBand,
    CityTier,
    Gender,
    Goal,
    Industry,
    Model,
    Status,
    Strength,
    catalog,
)

COSMETICS = Brief(  # a Shanghai B2C cosmetics brand for women 18–30
    industry=Industry.BEAUTY,
    model=Model.B2C,
    age_bands=frozenset({AgeBand.AGE_18_24, AgeBand.AGE_25_30}),
    gender=Gender.FEMALE,
    city_tiers=frozenset({CityTier.TIER1, CityTier.NEW_TIER1}),
    goals=frozenset({Goal.BRAND, Goal.FANS, Goal.CONVERSION}),
    team_hours=30,
    strengths=frozenset({Strength.IMAGES, Strength.VIDEO, Strength.SHORT_TEXT}),
)
INDUSTRIAL_SOFTWARE = Brief(  # a B2B industrial software firm selling at home and abroad
    industry=Industry.INDUSTRIAL,
    model=Model.B2B,
    age_bands=frozenset({AgeBand.AGE_25_30, AgeBand.AGE_31_40, AgeBand.AGE_41_PLUS}),
    gender=Gender.ANY,
    city_tiers=frozenset({CityTier.TIER1, CityTier.NEW_TIER1, CityTier.OVERSEAS}),
    goals=frozenset({Goal.BRAND, Goal.CONVERSION, Goal.SERVICE}),
    team_hours=20,
    strengths=frozenset({Strength.LONG_ARTICLE, Strength.SHORT_TEXT}),
)
OPEN_SOURCE = Brief(  # an overseas-facing open-source project run by volunteers
    industry=Industry.OPEN_SOURCE,
    model=Model.BOTH,
    age_bands=frozenset({AgeBand.AGE_18_24, AgeBand.AGE_25_30, AgeBand.AGE_31_40}),
    gender=Gender.ANY,
    city_tiers=frozenset({CityTier.OVERSEAS}),
    goals=frozenset({Goal.BRAND, Goal.FANS, Goal.SERVICE}),
    team_hours=8,
    strengths=frozenset({Strength.SHORT_TEXT}),
)
SNACKS_LIVE = Brief(  # a snack maker selling through live streams in smaller cities
    industry=Industry.FOOD_BEVERAGE,
    model=Model.B2C,
    age_bands=frozenset({AgeBand.AGE_31_40, AgeBand.AGE_41_PLUS}),
    gender=Gender.ANY,
    city_tiers=frozenset({CityTier.TIER2, CityTier.TIER3_BELOW}),
    goals=frozenset({Goal.CONVERSION, Goal.CAMPAIGN}),
    team_hours=40,
    strengths=frozenset({Strength.VIDEO, Strength.LIVE}),
)
BRIEFS = {
    "cosmetics": COSMETICS,
    "industrial software": INDUSTRIAL_SOFTWARE,
    "open source": OPEN_SOURCE,
    "snacks": SNACKS_LIVE,
}


def ranked_codes(brief: Brief) -> list[str]:
    return [ranked.platform.code for ranked in advise(brief).ranking]


@pytest.mark.parametrize(
    ("brief", "top", "bottom_half"),
    [
        (COSMETICS, {"xiaohongshu", "douyin", "weibo"}, {"linkedin", "mastodon", "sina_blog"}),
        (INDUSTRIAL_SOFTWARE, {"wechat", "zhihu", "linkedin"}, {"xiaohongshu", "qzone", "douban"}),
        (OPEN_SOURCE, {"mastodon", "bluesky", "x"}, {"xiaohongshu", "douyin", "kuaishou"}),
        (SNACKS_LIVE, {"douyin", "kuaishou", "wechat_channels"}, {"linkedin", "mastodon"}),
    ],
    ids=list(BRIEFS),
)
def test_it_ranks_the_platforms_a_practitioner_would_pick(brief, top, bottom_half):
    codes = ranked_codes(brief)

    assert set(codes[:3]) == top
    assert bottom_half <= set(codes[len(codes) // 2 :])


@pytest.mark.parametrize("brief", BRIEFS.values(), ids=list(BRIEFS))
def test_it_explains_every_score_by_its_factors(brief):
    for ranked in advise(brief).ranking:
        factors = [reason.factor for reason in ranked.reasons]
        assert factors == list(FACTOR_MAX)
        for reason in ranked.reasons:
            assert reason.text.zh and reason.text.en
            assert reason.text.zh != reason.text.en
            assert reason.points <= reason.max_points
            assert reason.verdict in {"match", "partial", "miss", "neutral"}
        total = sum(reason.points for reason in ranked.reasons)
        assert ranked.score == pytest.approx(max(0.0, min(100.0, total)), abs=0.11)


def test_it_names_matched_and_missed_traits_in_the_reasons():
    advice = advise(COSMETICS)
    xhs = next(r for r in advice.ranking if r.platform.code == "xiaohongshu")
    linkedin = next(r for r in advice.ranking if r.platform.code == "linkedin")
    by_factor = {reason.factor: reason for reason in xhs.reasons}

    assert by_factor["industry"].verdict == "match"
    assert "Beauty and personal care" in by_factor["industry"].text.en
    assert "美妆个护" in by_factor["industry"].text.zh
    assert by_factor["gender"].text.en == "About 70% of its users are women (estimate)."
    assert by_factor["publishing"].verdict == "miss"  # manual publishing costs time
    assert {r.factor: r.verdict for r in linkedin.reasons}["industry"] == "miss"
    assert {r.factor: r.verdict for r in linkedin.reasons}["cities"] == "miss"


@pytest.mark.parametrize("brief", BRIEFS.values(), ids=list(BRIEFS))
def test_it_never_ranks_a_retired_platform(brief):
    advice = advise(brief)
    retired = {p.code for p in catalog().platform if p.status == Status.RETIRED}

    assert retired == {"tencent_weibo", "renren"}
    assert retired.isdisjoint(ranked_codes(brief))
    assert {excluded.platform.code for excluded in advice.excluded} == retired
    assert all(
        "2020-09-28" in e.reason.en for e in advice.excluded if e.platform.code == "tencent_weibo"
    )
    assert retired.isdisjoint(account.platform.code for account in advice.matrix.accounts)


@pytest.mark.parametrize("hours", [1, 2, 3, 5, 8, 13, 21, 40, 80, 400])
@pytest.mark.parametrize("brief", BRIEFS.values(), ids=list(BRIEFS))
def test_it_keeps_the_matrix_within_the_teams_hours(brief, hours):
    matrix = advise(replace(brief, team_hours=hours)).matrix

    assert matrix.hours_used <= hours
    assert matrix.hours_left == hours - matrix.hours_used
    for account in matrix.accounts:
        assert account.hours == account.platform.hours_per_account
        assert account.reason.zh and account.reason.en


def test_it_grows_the_matrix_with_the_team():
    small = advise(replace(COSMETICS, team_hours=8)).matrix
    large = advise(replace(COSMETICS, team_hours=60)).matrix

    assert [(a.platform.code, a.role) for a in small.accounts] == [
        ("xiaohongshu", AccountRole.BRAND)
    ]
    assert {a.platform.code for a in small.not_fitted} >= {"weibo", "douyin"}
    assert len(large.accounts) > len(small.accounts)
    assert (AccountRole.PRODUCT in {a.role for a in large.accounts}) is True


def test_it_adds_a_support_account_when_service_is_a_goal_and_hours_allow():
    matrix = advise(replace(INDUSTRIAL_SOFTWARE, team_hours=60)).matrix
    support = [a for a in matrix.accounts if a.role == AccountRole.SUPPORT]

    assert [a.platform.code for a in support] == ["wechat"]
    assert "Customer service" in support[0].reason.en


def test_it_gives_the_same_answer_for_the_same_brief():
    first, second = advise(COSMETICS), advise(COSMETICS)

    assert [(r.platform.code, r.score) for r in first.ranking] == [
        (r.platform.code, r.score) for r in second.ranking
    ]
    assert first.matrix == second.matrix
