"""The catalog file validates, names every platform the playbook needs, and refuses bad data."""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation
from pydantic import ValidationError

from socialops.platforms import catalog
from socialops.platforms.catalog import CATALOG_FILE, Format, Status, parse

# Every platform issue 3 names, with the status we expect it to have.
EXPECTED = {
    "weibo": ("新浪微博", Status.LIVE_API, "weibo"),
    "tencent_weibo": ("腾讯微博", Status.RETIRED, "none"),
    "wechat": ("微信公众号", Status.LIVE_API, "wechat"),
    "qzone": ("QQ空间", Status.MANUAL_ONLY, "manual"),
    "renren": ("人人网", Status.RETIRED, "none"),
    "sina_blog": ("新浪博客", Status.MANUAL_ONLY, "manual"),
    "douban": ("豆瓣", Status.MANUAL_ONLY, "manual"),
    "douyin": ("抖音", Status.MANUAL_ONLY, "manual"),
    "xiaohongshu": ("小红书", Status.MANUAL_ONLY, "manual"),
    "bilibili": ("哔哩哔哩", Status.MANUAL_ONLY, "manual"),
    "zhihu": ("知乎", Status.MANUAL_ONLY, "manual"),
    "kuaishou": ("快手", Status.MANUAL_ONLY, "manual"),
    "wechat_channels": ("微信视频号", Status.MANUAL_ONLY, "manual"),
    "mastodon": ("Mastodon", Status.LIVE_API, "mastodon"),
    "bluesky": ("Bluesky", Status.LIVE_API, "bluesky"),
    "x": ("X（原 Twitter）", Status.MANUAL_ONLY, "manual"),
    "linkedin": ("领英", Status.MANUAL_ONLY, "manual"),
    "telegram": ("Telegram", Status.MANUAL_ONLY, "manual"),
}


def test_it_validates_the_catalog_file():
    loaded = parse(CATALOG_FILE.read_text(encoding="utf-8"))

    assert loaded.version
    assert [platform.code for platform in loaded.platform] == list(EXPECTED)


@pytest.mark.parametrize(("code", "expected"), EXPECTED.items(), ids=list(EXPECTED))
def test_it_lists_every_platform_with_its_status_and_connector(code, expected):
    name_zh, status, connector = expected
    platform = catalog.get(code)

    assert platform is not None
    assert (platform.name.zh, platform.status, platform.connector) == (name_zh, status, connector)
    assert platform.summary.zh and platform.summary.en
    assert platform.strengths and platform.uses
    assert platform.audience.source.en.startswith("Rough")


def test_it_dates_the_retired_platforms():
    retired = {p.code: p.retired_on for p in catalog.platforms(status=Status.RETIRED)}

    assert retired == {"tencent_weibo": date(2020, 9, 28), "renren": date(2024, 12, 1)}


def test_it_filters_by_status_and_format():
    live = catalog.platforms(status=Status.LIVE_API)
    articles = catalog.platforms(fmt=Format.ARTICLE)
    live_video = catalog.platforms(status=Status.LIVE_API, fmt=Format.VIDEO)

    assert {p.code for p in live} == {"weibo", "wechat", "mastodon", "bluesky"}
    assert "wechat" in {p.code for p in articles}
    assert "douyin" not in {p.code for p in articles}
    assert {p.code for p in live_video} == {"weibo", "wechat", "mastodon", "bluesky"}
    assert catalog.get("no-such-platform") is None


def test_it_shows_text_in_the_active_language():
    weibo = catalog.get("weibo")
    assert weibo is not None

    with translation.override("en"):
        assert str(weibo.name) == "Sina Weibo"
    with translation.override("zh-hans"):
        assert str(weibo.name) == "新浪微博"


@pytest.mark.parametrize(
    ("code", "text", "limit", "ok"),
    [
        ("weibo", "中" * 140, 140, True),
        ("weibo", "中" * 141, 140, False),
        ("x", "中" * 141, 280, False),
        ("xiaohongshu", "好" * 1000, 1000, True),
        ("xiaohongshu", "好" * 1001, 1000, False),
        ("telegram", "a" * 4096, 4096, True),
    ],
)
def test_it_checks_text_with_the_platforms_rules(code, text, limit, ok):
    platform = catalog.get(code)
    assert platform is not None

    result = platform.text.check(text)

    assert result.limit == limit
    assert (result.length <= result.limit) is ok


def _raw() -> dict:
    return tomllib.loads(CATALOG_FILE.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d["platform"][1].pop("retired_on"), "retired_on"),
        (lambda d: d["platform"][0].update(retired_on=date(2020, 1, 1)), "retired_on"),
        (lambda d: d["platform"][0].update(connector="manual"), "live_api"),
        (lambda d: d["platform"][0].update(code=d["platform"][2]["code"]), "unique"),
        (lambda d: d["platform"][0].update(colour="red"), "colour"),
        (lambda d: d["platform"][0]["audience"]["age"].update(under_18=0.5), "add up to 1"),
        (lambda d: d["platform"][0]["fit"]["goals"].pop("crisis"), "every goal"),
        (lambda d: d["platform"][0]["fit"]["goals"].update(brand=6), "less than or equal to 5"),
        (lambda d: d["platform"][0]["best_hours"]["weekday"].pop(), "at least 24"),
        (lambda d: d["platform"][0].update(formats=["hologram"]), "formats"),
    ],
)
def test_it_refuses_an_invalid_catalog(mutate, message):
    data = _raw()
    mutate(data)

    with pytest.raises(ValidationError) as error:
        catalog.Catalog.model_validate(data)

    assert message in str(error.value)


def test_it_lists_every_platform_under_its_status_in_the_readme():
    readme = (Path(settings.BASE_DIR) / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Platforms\n", 1)[1].split("\n## ", 1)[0]
    bullets = {
        status: " ".join(section.split(f"- **{heading}**", 1)[1].split("\n- ", 1)[0].split())
        for status, heading in [
            (Status.LIVE_API, "Live API"),
            (Status.MANUAL_ONLY, "Manual only"),
            (Status.RETIRED, "Retired"),
        ]
    }

    for platform in catalog.catalog().platform:
        listed = {status for status, text in bullets.items() if platform.name.en in text}
        assert listed == {platform.status}, platform.code
        assert platform.name.zh.split("（")[0] in bullets[platform.status], platform.code
