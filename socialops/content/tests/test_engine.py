"""The lint engine on plain inputs: variants of forbidden words, offsets, every kind of rule."""

from __future__ import annotations

import pytest

from socialops.content.rules import Context, Kind, ParamsError, Rule, clean_params, lint
from socialops.content.rules.normalise import fold


def words_rule(*words: object, severity: str = "error") -> Rule:
    params = clean_params(Kind.FORBIDDEN_WORDS, {"words": list(words)})
    return Rule(id=1, kind=Kind.FORBIDDEN_WORDS, params=params, severity=severity)


WEIBO = {"word": "微博", "pinyin": True, "replacement": "某平台"}

VARIANTS = [
    ("上微博看看", "微博"),
    ("上微 博看看", "微 博"),
    ("上微*博看看", "微*博"),
    ("上微\u200b博看看", "微\u200b博"),
    ("上微·博看看", "微·博"),
    ("上 ｗｅｉｂｏ 看看", "ｗｅｉｂｏ"),
    ("上 WeiBo 看看", "WeiBo"),
    ("关注 weibo 吧", "weibo"),
    ("关注 wei bo 吧", "wei bo"),
    ("关注 Wēi Bó 吧", "Wēi Bó"),
    ("关注 wei1bo2 吧", "wei1bo2"),
    ("关注w.e.i.b.o吧", "w.e.i.b.o"),
]


@pytest.mark.parametrize(("text", "matched"), VARIANTS)
def test_it_finds_a_forbidden_word_through_its_variants(text, matched):
    (finding,) = lint(text, platform="weibo", rules=[words_rule(WEIBO)])
    assert text[finding.start : finding.end] == matched == finding.matched
    assert finding.fixed_text == text.replace(matched, "某平台")


@pytest.mark.parametrize(
    ("text", "matched"),
    [("请开發票", "發票"), ("请开发票", "发票"), ("請開發 票", "發 票")],
)
def test_it_matches_traditional_and_simplified_alike(text, matched):
    (finding,) = lint(text, platform="weibo", rules=[words_rule("发票")])
    assert finding.matched == matched
    assert finding.fixed_text == text.replace(matched, "")


@pytest.mark.parametrize(
    "text",
    [
        "关注 weibo 吧",  # pinyin not asked for
        "weibo",
    ],
)
def test_it_matches_pinyin_only_for_words_that_ask_for_it(text):
    assert lint(text, platform="weibo", rules=[words_rule("微博")]) == []
    assert len(lint(text, platform="weibo", rules=[words_rule(WEIBO)])) == 1


@pytest.mark.parametrize("text", ["buyweibo", "weibos", "read this", "我爱 reading"])
def test_it_keeps_ascii_words_whole(text):
    assert lint(text, platform="weibo", rules=[words_rule(WEIBO, "ad")]) == []


def test_it_maps_offsets_back_through_expanding_and_dropped_characters():
    text = "㈱公司 ＡＤ，发 票\u200b请看 ﬁne 微​博"
    rule = words_rule("ad", "发票", "fine", "微博")
    found = lint(text, platform="weibo", rules=[rule])
    assert [f.matched for f in found] == ["ＡＤ", "发 票", "ﬁne", "微​博"]
    for finding in found:
        assert text[finding.start : finding.end] == finding.matched
    folded = fold(text)
    assert all(0 <= i < len(text) for i in folded.origin)


def test_it_orders_findings_by_position_and_keeps_severity():
    rule = words_rule("发票", WEIBO, severity="warning")
    found = lint("发票在微博发票", platform="weibo", rules=[rule])
    assert [(f.start, f.end) for f in found] == [(0, 2), (3, 5), (5, 7)]
    assert {f.severity for f in found} == {"warning"}


def rule_of(kind: Kind, params: dict, platforms: tuple[str, ...] = ()) -> Rule:
    return Rule(id=7, kind=kind, params=clean_params(kind, params), platforms=platforms)


def test_it_measures_length_the_platforms_way_and_points_past_the_limit():
    rule = rule_of(Kind.MAX_LENGTH, {"limit": None})
    fits = "好" * 140
    assert lint(fits, platform="weibo", rules=[rule]) == []
    assert lint("a" * 280, platform="weibo", rules=[rule]) == []  # ASCII counts ½ on Weibo
    (finding,) = lint(fits + "多出三", platform="weibo", rules=[rule])
    assert (finding.start, finding.end, finding.matched) == (140, 143, "多出三")
    assert "3" in finding.fix
    (on_x,) = lint("好" * 141, platform="x", rules=[rule])  # X weighs CJK as 2: 140 fit
    assert on_x.start == 140


def test_it_uses_a_given_limit_and_skips_platforms_without_one():
    assert lint("好" * 11, platform="weibo", rules=[rule_of(Kind.MAX_LENGTH, {"limit": 10})])
    assert lint("好" * 5000, platform="douban", rules=[rule_of(Kind.MAX_LENGTH, {})]) == []


def test_it_requires_a_disclosure_only_on_paid_posts():
    rule = rule_of(Kind.REQUIRED_DISCLOSURE, {"any_of": ["广告", "#ad"]})
    assert lint("新品上市", platform="weibo", rules=[rule]) == []
    (finding,) = lint("新品上市", platform="weibo", rules=[rule], context=Context(paid=True))
    assert (finding.start, finding.end) == (4, 4)
    assert finding.fixed_text == "新品上市 广告"
    paid = Context(paid=True)
    assert lint("新品上市 #AD", platform="weibo", rules=[rule], context=paid) == []
    assert lint("新品上市【廣告】", platform="weibo", rules=[rule], context=paid) == []


@pytest.mark.parametrize(
    ("kind", "text", "flagged"),
    [
        (Kind.MAX_LINKS, "看 https://a.cn/1 和 https://b.cn/2", ["https://b.cn/2"]),
        (Kind.MAX_LINKS, "看 https://a.cn/1", []),
        (Kind.MAX_HASHTAGS, "#新品# #上市# 好", ["#上市#"]),
        (Kind.MAX_MENTIONS, "@张三 @李四 你好", ["@李四"]),
        (Kind.MAX_MENTIONS, "@张三 你好", []),
    ],
)
def test_it_limits_links_hashtags_and_mentions(kind, text, flagged):
    found = lint(text, platform="weibo", rules=[rule_of(kind, {"max": 1})])
    assert [f.matched for f in found] == flagged


def test_it_allows_only_listed_link_domains():
    rule = rule_of(Kind.LINK_DOMAINS, {"allow": ["weibo.com", "t.cn"]})
    text = "详情 https://weibo.com/u/1 与 http://t.cn/A6x 及 https://evil.example/x 和 https://weibo.com.evil.cn/"
    found = lint(text, platform="weibo", rules=[rule])
    assert [f.matched for f in found] == ["https://evil.example/x", "https://weibo.com.evil.cn/"]
    assert "evil.example" in found[0].message


def test_it_requires_a_topic_in_the_platforms_format():
    rule = rule_of(Kind.REQUIRED_TOPIC, {"topics": ["#新品发布", "双十一"]})
    assert lint("今天 #新品发布# 开始", platform="weibo", rules=[rule]) == []
    (weibo,) = lint("今天 #新品发布 开始", platform="weibo", rules=[rule])  # not Weibo's format
    assert weibo.fixed_text == "今天 #新品发布 开始 #新品发布#"
    assert lint("today #新品发布 starts", platform="mastodon", rules=[rule]) == []
    (mastodon,) = lint("today", platform="mastodon", rules=[rule])
    assert mastodon.fixed_text == "today #新品发布"
    with_topic = Context(topics=("双十一",))
    assert lint("今天", platform="weibo", rules=[rule], context=with_topic) == []


def test_it_applies_a_rule_only_to_its_platforms():
    rule = rule_of(Kind.MAX_LINKS, {"max": 0}, platforms=("weibo",))
    assert lint("https://a.cn", platform="weibo", rules=[rule])
    assert lint("https://a.cn", platform="mastodon", rules=[rule]) == []


def test_it_runs_custom_patterns_with_their_message():
    rule = rule_of(Kind.CUSTOM, {"pattern": r"最[好佳强]", "message": "避免绝对化用语"})
    (finding,) = lint("这是最好的产品", platform="weibo", rules=[rule])
    assert (finding.matched, finding.message, finding.start) == ("最好", "避免绝对化用语", 2)
    assert lint("这是好产品", platform="weibo", rules=[rule]) == []


@pytest.mark.parametrize(
    ("pattern", "problem"),
    [
        (r"(a+)+$", "catastrophic"),
        (r"(a|aa)+$", "catastrophic"),
        (r"(\w+\s?)+$", "catastrophic"),
        (r"([", "not a valid"),
        (r"x*", "empty"),
    ],
)
def test_it_refuses_custom_patterns_that_fail_or_backtrack(pattern, problem):
    with pytest.raises(ParamsError) as caught:
        clean_params(Kind.CUSTOM, {"pattern": pattern, "message": "m"})
    assert problem in caught.value.fields["params.pattern"]


@pytest.mark.parametrize(
    ("kind", "params", "field"),
    [
        (Kind.FORBIDDEN_WORDS, {"words": []}, "params.words"),
        (Kind.FORBIDDEN_WORDS, {"words": ["***"]}, "params.words.0.word"),
        (Kind.MAX_LINKS, {"max": "2"}, "params.max"),
        (Kind.LINK_DOMAINS, {"allow": ["not a domain"]}, "params.allow"),
        (Kind.MAX_LENGTH, {"limit": 10, "extra": 1}, "params.extra"),
    ],
)
def test_it_refuses_bad_params_naming_the_field(kind, params, field):
    with pytest.raises(ParamsError) as caught:
        clean_params(kind, params)
    assert field in caught.value.fields
