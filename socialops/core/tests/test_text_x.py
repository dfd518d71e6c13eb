"""X: twitter-text v3 weighted length (its conformance cases), hashtags, mentions, links."""

from __future__ import annotations

import time

import pytest

from socialops.core.text import check, check_x, weighted_length

POEMS = (
    "故人西辞黄鹤楼，烟花三月下扬州。孤帆远影碧空尽，唯见长江天际流。朱雀桥边野草花，乌衣巷口夕阳斜。"
    "旧时王谢堂前燕，飞入寻常百姓家。朝辞白帝彩云间，千里江陵一日还。两岸猿声啼不住，轻舟已过万重山。"
    "泪湿罗巾梦不成，夜深前殿按歌声。红颜未老恩先断，斜倚薰笼坐到明。独在异乡为异客，每逢佳节倍思亲。"
    "遥知兄弟登高处，遍插茱萸少一人。"
)
ENGLAND = "\U0001f3f4\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f"  # tag flag
FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"  # 👨‍👩‍👧‍👦


@pytest.mark.parametrize(
    ("text", "length"),
    [
        # from twitter-text's conformance suite (validate.yml, v3 config)
        ("This is a test.", 15),
        ("Hi http://test.co", 26),
        ("http://test.com", 23),
        ("test.com", 23),
        ("Test https://test.com test https://test.com test.com test", 86),
        ("https://www.twitter.com/aloha " * 10, 240),
        (POEMS, 320),
        ("the" + POEMS, 323),
        ("A\u0301B", 2),  # NFC makes Á one character
        ("A\ufb2c", 4),  # NFC decomposes שּׁ into three
        ("\U0001f637\U0001f47e\U0001f621\U0001f525\U0001f4a9", 10),
        ("\U0001f64b\U0001f3fd\U0001f468\u200d\U0001f3a4", 4),  # 🙋🏽 and 👨‍🎤: 2 each
        ("Unicode 9.0 emoji: 🤠; 💃; 💃🏾", 29),
        ("Unicode 10.0 emoji: 🤪; 🧕; 🧕🏾; " + ENGLAND, 34),
        (FAMILY * 140, 280),
        ("randomurlrandomurlrandomurlrandomurlrandomurlrandomurlrandomurls.com", 68),  # label > 63
        ("\u2066\u202ahttp://foobar.پاکستان/\u202c\u2069", 31),
        (
            "This is a tweet with general punctuation characters: "
            "\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u200b\u200c\u200d"
            " ‐ ‑ ‒ – — ― ‖  ‗ ‘ ’ ‚ ‛ “ ” „ ‟ ′ ″ ‴ ‵ ‶ ‷",
            112,
        ),
        # mixed Chinese posts
        ("新品发布会今晚8点直播 🎉 https://www.mi.com/global/ #Xiaomi14 @XiaomiGlobal", 72),
        ("访问example.com了解", 31),  # a bare domain after Chinese is a link
        ("https://zh.wikipedia.org/wiki/微博", 27),  # the Chinese path is not part of the URL
        ("🇨🇳🇺🇸", 4),  # flags: 2 each
        ("😀🏽", 4),  # 😀 takes no skin tone: two emoji
        ("1️⃣ ©️ © ®", 9),  # keycap and emoji-style © are emoji; text-style © and ® weigh 1
        ("👩🏽\u200d💻 🏳️\u200d🌈 ❤️\u200d🔥", 8),
        ("Ｔｅｓｔ", 8),  # full-width letters weigh 2
    ],
)
def test_it_weighs_text_as_twitter_text_v3(text: str, length: int) -> None:
    assert weighted_length(text) == length
    assert check_x(text).length == length


@pytest.mark.parametrize(
    ("text", "length", "over"),
    [
        ("a" * 280, 280, False),
        ("a" * 281, 281, True),
        ("中" * 140, 280, False),
        ("中" * 140 + "a", 281, True),
        ("a" * 256 + " https://example.com/" + "x" * 100, 280, False),
        ("a" * 257 + " https://example.com/" + "x" * 100, 281, True),
    ],
)
def test_it_flags_posts_over_280(text: str, length: int, over: bool) -> None:
    result = check("x", text)
    assert (result.length, result.limit, result.over, result.remaining) == (
        length,
        280,
        over,
        280 - length,
    )


@pytest.mark.parametrize(
    ("text", "tags"),
    [
        ("#新品 发布", ["新品"]),
        ("#新品，欢迎", ["新品"]),
        ("中文#不是标签", []),  # preceded by a letter
        ("#2024", []),
        ("#1st #that1time", ["1st", "that1time"]),
        ("#트위터 #ашок", ["트위터", "ашок"]),
        ("＃全角 标签", ["全角"]),
        ("AT&#T", []),
        ("#tag#next", []),
        ("https://example.com/#anchor", []),
    ],
)
def test_it_finds_hashtags(text: str, tags: list[str]) -> None:
    assert [tag.value for tag in check_x(text).topics] == tags


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("@elonmusk 你好", ["elonmusk"]),
        ("你好@XiaomiGlobal", ["XiaomiGlobal"]),
        ("RT@jack: hi", ["jack"]),
        ("＠jack 全角", ["jack"]),
        ("@user/list", ["user"]),
        ("@fifteen_chars_x ok", ["fifteen_chars_x"]),
        ("@sixteen_chars_xx no", []),
        ("mail a@example.com", []),
        ("@jack@twitter", []),
        ("https://example.com/@jack", []),
    ],
)
def test_it_finds_mentions_of_1_to_15_characters(text: str, names: list[str]) -> None:
    assert [mention.value for mention in check_x(text).mentions] == names


@pytest.mark.parametrize(
    ("text", "written", "url", "start"),
    [
        ("访问example.com了解更多", "example.com", "https://example.com", 2),
        (
            "见www.example.co.uk/path).",
            "www.example.co.uk/path",
            "https://www.example.co.uk/path",
            1,
        ),
        ("https://zh.wikipedia.org/wiki/微博", "https://zh.wikipedia.org/wiki/", None, 0),
        ("看 http://例子.中国/路径", "http://例子.中国/", None, 2),
        ("HTTPS://www.ExaMPLE.COM/index.html", "HTTPS://www.ExaMPLE.COM/index.html", None, 0),
    ],
)
def test_it_finds_links_with_offsets(text: str, written: str, url: str | None, start: int) -> None:
    (link,) = check_x(text).links
    assert (link.text, link.value, link.start) == (written, url or written, start)
    assert text[link.start : link.end] == written


@pytest.mark.parametrize(
    ("text", "length"), [("foo.notatld", 11), ("-example.com", 12), ("user@example.com", 16)]
)
def test_it_does_not_count_non_urls_as_23(text: str, length: int) -> None:
    result = check_x(text)
    assert (result.links, result.length) == ((), length)


@pytest.mark.parametrize(
    ("text", "length"),
    [
        ("a." * 3000, 6000),  # took minutes with twitter-text's unbounded domain pattern
        (("中文" * 20 + "。") * 120, 9840),
        (("中文" * 20 + ".") * 120, 9720),
        ("a-" * 3000, 6000),
    ],
)
def test_it_stays_fast_on_long_runs_of_domain_characters(text: str, length: int) -> None:
    started = time.perf_counter()
    result = check_x(text)
    assert (result.length, result.links) == (length, ())
    assert time.perf_counter() - started < 1.0
