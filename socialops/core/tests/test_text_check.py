"""core.text.check: dispatch by platform code, grapheme counting, other platforms."""

from __future__ import annotations

import pytest

from socialops.core.text import check, count_graphemes


@pytest.mark.parametrize(
    ("platform", "text", "length", "limit"),
    [
        ("weibo", "Hello 微博", 5, 140),
        ("x", "Hello 微博", 10, 280),
        ("mastodon", "Hello 微博", 8, 500),
        ("bluesky", "Hello 微博", 8, 300),
        ("wechat", "<p>你好</p>", 9, 19_999),
        ("douyin", "Hello 微博", 8, 1000),
    ],
)
def test_it_dispatches_by_platform_code(platform: str, text: str, length: int, limit: int) -> None:
    result = check(platform, text, limit=1000 if platform == "douyin" else None)
    assert (result.platform, result.length, result.limit) == (platform, length, limit)


def test_it_needs_a_limit_for_platforms_without_rules() -> None:
    with pytest.raises(ValueError, match="xiaohongshu"):
        check("xiaohongshu", "你好")


def test_it_refuses_a_limit_for_wechat_bodies() -> None:
    with pytest.raises(ValueError, match="WeChat"):
        check("wechat", "<p>你好</p>", limit=10)


@pytest.mark.parametrize(
    ("text", "graphemes"),
    [
        ("", 0),
        ("中文", 2),
        ("e\u0301", 1),  # combining acute accent
        ("\u0e01\u0e48", 1),  # Thai consonant with tone mark
        ("\r\n", 1),
        ("👍🏽", 1),  # skin tone
        ("\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466", 1),  # ZWJ family
        ("🇨🇳🇺🇸", 2),  # two flags
        ("🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f", 1),  # Scotland
        ("Ｈｅｌｌｏ", 5),
    ],
)
def test_it_counts_grapheme_clusters(text: str, graphemes: int) -> None:
    assert count_graphemes(text) == graphemes


@pytest.mark.parametrize(("count", "over"), [(1000, False), (1001, True)])
def test_it_checks_other_platforms_by_graphemes(count: int, over: bool) -> None:
    result = check("douyin", "👍🏽" * count, limit=1000)
    assert (result.length, result.over, result.remaining) == (count, over, 1000 - count)


def test_it_finds_topics_mentions_and_links_on_other_platforms() -> None:
    text = "周末去哪儿#美食探店 @小红薯 看 https://v.douyin.com/iRNBho6u/，快来"
    result = check("douyin", text, limit=1000)
    assert [t.value for t in result.topics] == ["美食探店"]
    assert [m.value for m in result.mentions] == ["小红薯"]
    assert [(link.value, text[link.start : link.end]) for link in result.links] == [
        ("https://v.douyin.com/iRNBho6u/", "https://v.douyin.com/iRNBho6u/")
    ]
