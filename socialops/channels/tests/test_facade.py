"""The facade audit: items per platform, automatic checks, naming, score and fixes."""

from __future__ import annotations

from typing import Any

import pytest

from socialops.channels import actions, facade
from socialops.channels.facade import MANUAL_OK, MISSING, NOT_APPLICABLE, OK
from socialops.channels.models import FacadeCheck
from socialops.channels.queries import facade_report
from socialops.channels.tests.conftest import connect_fake

FULL: dict[str, Any] = {
    "display_name": "示例品牌官方",
    "handle": "demobrand",
    "avatar_url": "https://img.example/a.png",
    "banner_url": "https://img.example/b.png",
    "bio": "示例品牌官方微博，新品与活动第一时间发布。",
    "contacts": {"email": "service@demo.example"},
    "website": "https://demo.example",
    "verified": True,
    "pinned_post_id": "42",
}
ALONE = facade.naming_of([("示例品牌官方", "demobrand")])


@pytest.mark.parametrize(
    ("platform", "expected"),
    [
        (
            "weibo",
            ["avatar", "banner", "bio", "contact", "link", "verification", "pinned_post", "naming"],
        ),
        ("wechat", ["avatar", "bio", "contact", "link", "verification", "naming"]),
        ("sandbox", list(facade.ITEMS)),
    ],
)
def test_it_takes_the_items_of_a_platform_from_the_catalog(platform, expected):
    assert [item.code for item in facade.items_for(platform)] == expected


@pytest.mark.parametrize(
    ("changes", "missing"),
    [
        ({}, set()),
        ({"avatar_url": ""}, {"avatar"}),
        ({"banner_url": ""}, {"banner"}),
        ({"bio": "你好"}, {"bio"}),
        ({"contacts": {}}, {"contact"}),
        ({"contacts": {}, "bio": "客服邮箱 help@demo.example 欢迎来信"}, set()),
        ({"contacts": {}, "bio": "客服电话 400-820-8820 工作日"}, set()),
        ({"website": ""}, {"link"}),
        ({"website": "", "bio": "官网 https://demo.example 欢迎访问"}, set()),
        ({"verified": False}, {"verification"}),
        ({"pinned_post_id": ""}, {"pinned_post"}),
    ],
)
def test_it_checks_each_item_against_the_live_profile(changes, missing):
    states = facade.automatic_states("weibo", {**FULL, **changes}, ALONE)

    assert {code for code, state in states.items() if state == MISSING} == missing


def test_it_checks_nothing_automatically_without_a_profile():
    assert facade.automatic_states("weibo", {}, ALONE) == {}


@pytest.mark.parametrize(
    ("accounts", "stem", "prefix"),
    [
        ([("示例品牌官方", "demobrand")], "示例品牌官方", ""),
        (
            [
                ("示例品牌官方", "demobrand"),
                ("示例品牌客服", "demobrand_help"),
                ("王总", "ceo_wang"),
            ],
            "示例品牌",
            "demobrand",
        ),
        ([("Acme", "acme"), ("Acme Help", "acme_help"), ("Acme 新品", "acme_new")], "Acme", "acme"),
        ([("甲", "aaa"), ("乙", "bbb")], "", ""),
    ],
)
def test_it_finds_the_naming_pattern_most_accounts_share(accounts, stem, prefix):
    naming = facade.naming_of(accounts)

    assert (naming.stem, naming.handle_prefix) == (stem, prefix)


def test_it_flags_the_account_that_breaks_the_naming_pattern():
    naming = facade.naming_of(
        [("示例品牌官方", "demobrand"), ("示例品牌客服", "demobrand_help"), ("王总", "ceo_wang")]
    )

    assert naming.display_ok("示例品牌客服") and naming.handle_ok("demobrand_help")
    assert not naming.display_ok("王总")
    assert not naming.handle_ok("ceo_wang")


@pytest.mark.parametrize(
    ("states", "score"),
    [
        ({}, 0),
        (dict.fromkeys(facade.ITEMS, OK), 100),
        (dict.fromkeys(facade.ITEMS, MANUAL_OK), 100),
        ({**dict.fromkeys(facade.ITEMS, OK), "avatar": MISSING}, 85),
        ({**dict.fromkeys(facade.ITEMS, OK), "banner": MISSING, "link": MISSING}, 80),
        # "does not apply" leaves the item out of the total: 85 of 90
        ({**dict.fromkeys(facade.ITEMS, OK), "banner": NOT_APPLICABLE, "link": MISSING}, 89),
        (dict.fromkeys(facade.ITEMS, NOT_APPLICABLE), 100),
    ],
)
def test_it_scores_an_account_by_weight(states, score):
    assert facade.score("weibo", states) == score


def test_it_lists_fixes_heaviest_first_in_the_language_in_use(settings):
    from django.utils import translation

    states = {**dict.fromkeys(facade.ITEMS, OK), "banner": MISSING, "verification": MISSING}

    with translation.override("en"):
        english = facade.fixes("weibo", states)
    with translation.override("zh-hans"):
        chinese = facade.fixes("weibo", states)

    assert english[0].startswith("Apply for enterprise verification")
    assert english[1].startswith("Add a banner")
    assert len(chinese) == 2
    assert "企业认证" in chinese[0]
    assert chinese[0] != english[0]


@pytest.mark.parametrize(
    ("automatic", "stored", "merged"),
    [
        ({"avatar": OK}, {}, {"avatar": OK, "bio": MISSING}),
        ({"avatar": MISSING}, {"avatar": MANUAL_OK}, {"avatar": MANUAL_OK, "bio": MISSING}),
        ({"avatar": OK}, {"avatar": NOT_APPLICABLE}, {"avatar": NOT_APPLICABLE, "bio": MISSING}),
        ({"avatar": MISSING}, {"avatar": OK}, {"avatar": MISSING, "bio": MISSING}),
        ({}, {"bio": MANUAL_OK}, {"avatar": MISSING, "bio": MANUAL_OK}),
    ],
)
def test_it_lets_a_persons_tick_stand_over_the_automatic_check(automatic, stored, merged):
    assert facade.merge(automatic, stored, ["avatar", "bio"]) == merged


@pytest.mark.usefixtures("fakes")
def test_it_audits_the_matrix_and_takes_manual_ticks(team):
    brand = connect_fake(team, "demobrand", **{k: v for k, v in FULL.items() if k != "handle"})
    boss = connect_fake(team, "ceo_wang", display_name="王总", bio="")
    connect_fake(team, "demobrand_help", display_name="示例品牌客服")

    assert facade_report(brand).score == 100
    report = facade_report(boss)
    missing = {row.code for row in report.rows if row.state == MISSING}
    assert {"naming", "avatar", "bio", "verification"} <= missing
    assert all(row.automatic for row in report.rows)

    actions.tick_facade_item(
        access=team.access("bob"),
        channel=boss,
        item="verification",
        evidence="企业认证审核中 / under review",
    )
    actions.tick_facade_item(
        access=team.access("bob"), channel=boss, item="banner", state=NOT_APPLICABLE
    )
    after = facade_report(boss)
    assert after.score > report.score
    check = FacadeCheck.objects.get(channel=boss, item="verification")
    assert (check.state, check.checked_by, check.automatic) == (MANUAL_OK, team.bob, False)

    actions.refresh_profile(access=team.access("bob"), channel=boss)  # the tick survives
    assert FacadeCheck.objects.get(channel=boss, item="verification").state == MANUAL_OK
