"""Weibo: ASCII ½, everything else 1, links 10; #话题#, @昵称 and links with their offsets."""

from __future__ import annotations

import pytest

from socialops.core.text import WEIBO_LONG_TEXT_LIMIT, check, check_weibo

LAUNCH_POST = (
    "【新品发布】#小米14发布会# 今天@小米公司 发布了新手机，详情见 http://t.cn/A6abcdEF "
    "转发//@雷军:期待！"
)


@pytest.mark.parametrize(
    ("text", "length"),
    [
        ("", 0),
        ("今天天气很好", 6),
        ("Hi", 1),
        ("Hello", 3),  # 2½ rounds up
        ("iPhone 15发布了", 8),  # 9 ASCII = 4½, + 3
        # the cases WeCase used to stay bug-for-bug compatible with Weibo's counter
        ("【转基因", 4),
        ("我司CEO！", 5),
        ("8@&*%&b", 4),
        (" Test", 3),
        ("   Test   ", 5),
        ("　　　Ｔｅｓｔｉｎｇ　　　　", 14),  # full-width letters and spaces count 1
        ("详情见 https://www.example.com/very/long/path?with=query&and=more", 14),
        ("http://t.cn/A6abcdEF", 10),
        ("https://zh.wikipedia.org/wiki/微博", 12),  # Weibo's link pattern stops at Chinese
        ("好😀", 2),  # one code point, one character
        ("👍🏽", 2),  # emoji and skin tone are two code points
        (LAUNCH_POST, 51),
    ],
)
def test_it_counts_ascii_as_half_and_links_as_ten(text: str, length: int) -> None:
    assert check_weibo(text).length == length


@pytest.mark.parametrize(
    ("text", "length", "over"),
    [
        ("微" * 140, 140, False),
        ("微" * 141, 141, True),
        ("a" * 280, 140, False),
        ("a" * 281, 141, True),  # 140½ rounds up to 141
        ("微" * 139 + "a", 140, False),
        ("微" * 130 + " https://weibo.com/u/1234567890", 141, True),
    ],
)
def test_it_flags_posts_over_140(text: str, length: int, over: bool) -> None:
    result = check("weibo", text)
    assert (result.length, result.limit, result.over) == (length, 140, over)
    assert result.remaining == 140 - length


@pytest.mark.parametrize(("count", "over"), [(2000, False), (2001, True)])
def test_it_allows_2000_in_long_text(count: int, over: bool) -> None:
    result = check_weibo("长" * count, long_text=True)
    assert (result.limit, result.over) == (WEIBO_LONG_TEXT_LIMIT, over)
    assert check("weibo", "长" * count, limit=2000).over is over
    assert check_weibo("长" * count).over is True


@pytest.mark.parametrize(
    ("text", "topics"),
    [
        ("#小米14发布会# 今天发布", ["小米14发布会"]),
        ("＃双十一＃和#年货节#", ["双十一", "年货节"]),
        ("#Apple Event# 来了", ["Apple Event"]),
        ("# # 空话题", []),
        ("# #话题#", ["话题"]),  # a blank pair does not swallow the next sign
        ("##", []),
        ("#第一行\n第二行#", []),
        ("链接 https://example.com/#section 后面的#话题#", ["话题"]),
        (LAUNCH_POST, ["小米14发布会"]),
    ],
)
def test_it_finds_topics_between_two_number_signs(text: str, topics: list[str]) -> None:
    assert [topic.value for topic in check_weibo(text).topics] == topics


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("感谢@小米公司 的支持", ["小米公司"]),
        ("//@人民日报:转发微博", ["人民日报"]),
        ("＠央视新闻：最新消息", ["央视新闻"]),
        ("@张三@李四 好友", ["张三", "李四"]),
        ("@小米，@华为。", ["小米", "华为"]),
        ("@Apple_中国-官方 发布", ["Apple_中国-官方"]),
        ("@a 太短", []),
        ("联系 service@example.com", []),
        ("@" + "a" * 30 + " 刚好", ["a" * 30]),
        ("@" + "a" * 31 + " 太长", []),
        (LAUNCH_POST, ["小米公司", "雷军"]),
    ],
)
def test_it_finds_mentions_of_nicknames(text: str, names: list[str]) -> None:
    assert [mention.value for mention in check_weibo(text).mentions] == names


def test_it_gives_offsets_into_the_original_text() -> None:
    result = check_weibo(LAUNCH_POST)
    found = [*result.topics, *result.mentions, *result.links]
    assert [(item.text, item.start, item.end) for item in found] == [
        ("#小米14发布会#", 6, 15),
        ("@小米公司", 18, 23),
        ("@雷军", 60, 63),
        ("http://t.cn/A6abcdEF", 35, 55),
    ]
    assert all(LAUNCH_POST[item.start : item.end] == item.text for item in found)


@pytest.mark.parametrize(
    ("text", "link"),
    [
        ("官网：https://www.mi.com/xiaomi14。欢迎选购", "https://www.mi.com/xiaomi14"),
        ("见 http://t.cn/A6abcdEF.", "http://t.cn/A6abcdEF"),
        ("（详见 https://example.com/a)", "https://example.com/a"),
        ("https://example.com/wiki/Foo_(bar)", "https://example.com/wiki/Foo_(bar)"),
        ("HTTPS://EXAMPLE.COM/Path", "HTTPS://EXAMPLE.COM/Path"),
    ],
)
def test_it_finds_links_without_trailing_punctuation(text: str, link: str) -> None:
    (found,) = check_weibo(text).links
    assert found.value == link
    assert text[found.start : found.end] == link
