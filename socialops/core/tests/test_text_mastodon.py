"""Mastodon: graphemes as StatusLengthValidator counts them, per-instance limit, hashtags."""

from __future__ import annotations

import pytest

from socialops.core.text import check, check_mastodon


@pytest.mark.parametrize(
    ("text", "length"),
    [
        ("", 0),
        ("   ", 0),  # a blank status counts nothing
        ("Hello world", 11),
        ("你好，世界", 5),
        ("https://example.com/" + "a" * 100, 23),
        ("看看 https://zh.wikipedia.org/wiki/微博 吧", 28),  # the Chinese path is in the URL
        ("gemini://example.org/path", 23),
        ("example.com", 11),  # no protocol: no discount
        ("@alice@mastodon.social 你好", 9),  # counted as "@alice 你好"
        ("Hi @bob", 7),
        ("mail a@example.com", 18),
        ("\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466🇨🇳", 2),
        ("e\u0301", 1),
        ("👍🏽 好", 3),
    ],
)
def test_it_counts_graphemes_with_urls_as_23_and_mentions_without_domain(
    text: str, length: int
) -> None:
    assert check_mastodon(text).length == length


def test_it_counts_the_content_warning_too() -> None:
    assert check_mastodon("正文内容", spoiler_text="剧透").length == 6
    assert check_mastodon("   ", spoiler_text="剧透").length == 2


def test_it_uses_the_instance_url_length() -> None:
    assert check_mastodon("see https://example.com", url_length=30).length == 34


@pytest.mark.parametrize(
    ("text", "limit", "over"),
    [
        ("a" * 500, 500, False),
        ("a" * 501, 500, True),
        ("a" * 476 + " https://example.com/" + "x" * 200, 500, False),
        ("a" * 477 + " https://example.com/" + "x" * 200, 500, True),
        ("长" * 5000, 5000, False),  # an instance with a raised limit
        ("长" * 5001, 5000, True),
    ],
)
def test_it_checks_against_the_instance_limit(text: str, limit: int, over: bool) -> None:
    result = check("mastodon", text, limit=limit)
    assert (result.limit, result.over) == (limit, over)


def test_it_defaults_to_500() -> None:
    assert check("mastodon", "hi").limit == 500


@pytest.mark.parametrize(
    ("text", "tags"),
    [
        ("#新品 #发布会", ["新品", "发布会"]),
        ("中文#不是", []),  # needs a space before
        ("#2024 #2024年", ["2024年"]),
        ("#活动https://example.com", ["活动"]),
        ("#foo·bar", ["foo·bar"]),
    ],
)
def test_it_finds_hashtags(text: str, tags: list[str]) -> None:
    assert [tag.value for tag in check_mastodon(text).topics] == tags


def test_it_reports_mentions_and_links_with_offsets() -> None:
    text = "你好 @alice@mastodon.social，看 https://example.com/新品"
    result = check_mastodon(text)
    assert [(m.text, m.value, m.start) for m in result.mentions] == [
        ("@alice@mastodon.social", "alice@mastodon.social", 3)
    ]
    assert [(link.text, link.start) for link in result.links] == [("https://example.com/新品", 28)]
