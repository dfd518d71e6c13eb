"""Topics rendered per platform, each form verified against the platform's own text rules."""

from __future__ import annotations

import pytest

from socialops.campaigns.models import Topic
from socialops.campaigns.rendering import render_topic
from socialops.core import text

# (name, weibo, x and mastodon, bluesky, wechat)
TABLE = [
    ("双十一", "#双十一#", "#双十一", "#双十一", "双十一"),
    ("新品发布", "#新品发布#", "#新品发布", "#新品发布", "新品发布"),
    ("Product launch", "#Product launch#", "#ProductLaunch", "#ProductLaunch", "Product launch"),
    ("双十一 2024", "#双十一 2024#", "#双十一2024", "#双十一2024", "双十一 2024"),
    ("618年中大促！", "#618年中大促！#", "#618年中大促", "#618年中大促", "618年中大促！"),
    ("春节·回家", "#春节·回家#", "#春节回家", "#春节回家", "春节·回家"),
    ("new-product day", "#new-product day#", "#newProductDay", "#newProductDay", "new-product day"),
    ("#咖啡#", "#咖啡#", "#咖啡", "#咖啡", "#咖啡#"),
    ("  早安   北京 ", "#早安 北京#", "#早安北京", "#早安北京", "早安 北京"),
    ("café_lovers_", "#café_lovers_#", "#café_lovers", "#café_lovers", "café_lovers_"),
]


@pytest.mark.parametrize(("name", "weibo", "hashtag", "bluesky", "wechat"), TABLE)
def test_it_renders_each_platform_form(name, weibo, hashtag, bluesky, wechat):
    assert render_topic(name, "weibo") == weibo
    assert render_topic(name, "x") == hashtag
    assert render_topic(name, "mastodon") == hashtag
    assert render_topic(name, "bluesky") == bluesky
    assert render_topic(name, "wechat") == wechat
    assert render_topic(name, "xiaohongshu") == wechat


def _sentences(rendered: str) -> list[tuple[str, int]]:
    """The topic alone, after Chinese text and a space, and before more text."""
    return [(rendered, 0), (f"新品上市 {rendered}", 5), (f"新品上市 {rendered} 欢迎参加", 5)]


@pytest.mark.parametrize("name", [row[0] for row in TABLE])
@pytest.mark.parametrize("platform", ["weibo", "x", "mastodon"])
def test_it_renders_a_topic_the_platform_detects(name, platform):
    rendered = render_topic(name, platform)
    for sentence, start in _sentences(rendered):
        (topic,) = text.check(platform, sentence).topics
        assert (topic.start, topic.end) == (start, start + len(rendered))
        assert topic.text == rendered


@pytest.mark.parametrize("name", [row[0] for row in TABLE])
def test_it_renders_a_tag_bluesky_makes_a_facet_of(name):
    rendered = render_topic(name, "bluesky")
    for sentence, start in _sentences(rendered):
        (facet,) = text.check_bluesky(sentence).facets
        assert facet.kind == "tag"
        assert facet.value == rendered[1:]
        prefix = text.utf8_length(sentence[:start])
        assert (facet.byte_start, facet.byte_end) == (prefix, prefix + text.utf8_length(rendered))


@pytest.mark.parametrize("name", ["2024", "！！", "   ", "#＃#", "_"])
def test_it_renders_nothing_where_no_tag_is_possible(name):
    assert render_topic(name, "x") == ""
    assert render_topic(name, "mastodon") == ""
    assert render_topic(name, "bluesky") == ""


@pytest.mark.parametrize("platform", ["x", "mastodon", "bluesky"])
def test_it_agrees_that_a_number_alone_is_no_tag(platform):
    assert text.check(platform, "#2024").topics == ()


def test_it_keeps_a_number_only_topic_on_weibo():
    assert render_topic("2024", "weibo") == "#2024#"
    (topic,) = text.check("weibo", "#2024#").topics
    assert topic.value == "2024"


def test_it_uses_a_platform_override():
    topic = Topic(name="双十一", overrides={"weibo": "双十一狂欢节", "x": "Singles Day"})
    assert render_topic(topic, "weibo") == "#双十一狂欢节#"
    assert render_topic(topic, "x") == "#SinglesDay"
    assert render_topic(topic, "mastodon") == "#双十一"
    assert text.check("x", render_topic(topic, "x")).topics[0].value == "SinglesDay"
