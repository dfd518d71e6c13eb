"""The matcher: each operator in Chinese and English, fields, highlights, live updates, and the
fast path against the naive evaluator."""

from __future__ import annotations

import threading

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from socialops.listening.evaluate import evaluate
from socialops.listening.matcher import LiveMatcher, Matcher, required
from socialops.listening.normalise import normalise
from socialops.listening.query import QuerySyntaxError, parse


def matches(source: str, text: str, **post: str) -> bool:
    matcher = Matcher.build({"q": source})
    found = [m.query_id for m in matcher.match({"text": text, **post})]
    assert evaluate(parse(source), normalise(text), {"text": text, **post}) == bool(found)
    return bool(found)


@pytest.mark.parametrize(
    ("source", "text", "expected"),
    [
        # words, OR, AND, juxtaposition
        ("苹果", "我买了苹果手机", True),
        ("苹果", "我买了华为手机", False),
        ("苹果 OR 华为", "我买了华为手机", True),
        ("苹果 AND 手机", "苹果很好吃", False),
        ("苹果 手机", "手机是苹果的", True),
        ("apple OR huawei", "I bought a Huawei phone", True),
        ("apple AND phone", "an apple a day", False),
        ("apple phone", "my phone is an Apple", True),
        # English words stand alone; Chinese has no word boundaries
        ("ad", "please read this", False),
        ("ad", "this AD is bad", True),
        ("ad", "广告ad链接", True),
        ("微博", "新浪微博网友", True),
        # NOT and -
        ("苹果 NOT 水果", "苹果是一种水果", False),
        ("苹果 -水果", "苹果发布会", True),
        ("apple -fruit", "apple is a fruit", False),
        ("NOT spam", "hello world", True),
        ("NOT spam", "SPAM here", False),
        # phrases
        ('"苹果手机"', "苹果的手机", False),
        ('"苹果 手机"', "苹果，手机", True),  # separators between CJK characters vanish
        ('"apple pie"', "Apple-Pie recipe", True),
        ('"apple pie"', "pie apple", False),
        ('"apple pie"', "pineapple pie", False),
        # prefix
        ("comput*", "Computers are fun", True),
        ("comput*", "a recomputation", False),
        ("微博*", "微博客", True),
        # NEAR: at most n tokens between, any order
        ("苹果 NEAR/2 手机", "苹果新款手机", True),
        ("苹果 NEAR/1 手机", "苹果新款手机", False),
        ("苹果 NEAR/2 手机", "手机是苹果", True),
        ("苹果 NEAR/2 手机", "苹果的新款手机", False),
        ("iphone手机", "新iPhone手机", True),  # a mixed term checks its Latin end only
        ("iphone手机", "xiphone手机", False),
        ("苹果 -(水果 OR 果汁)", "苹果果汁", False),
        ('"12:30"', "见面时间12:30", True),
        ("apple NEAR/2 phone", "Apple makes a good phone", False),
        ("apple NEAR/3 phone", "Apple makes a good phone", True),
        ("apple NEAR/0 phone", "apple phone", True),
        ("(苹果 OR 华为) NEAR/1 手机", "华为的手机", True),
        ("iphone NEAR/1 手机", "iPhone新手机", True),  # a word and a CJK character: one token each
        # ONEAR: in order
        ("苹果 ONEAR/2 手机", "手机是苹果", False),
        ("苹果 ONEAR/2 手机", "苹果的手机", True),
        ("apple ONEAR/1 phone", "phone by apple", False),
        # nested NEAR: the group's span
        ("a NEAR/1 b NEAR/1 c", "a x b c", True),
        ("a NEAR/1 b NEAR/1 c", "a x b y y c", False),
        # "…"~n: all words, any order, at most n other tokens among them
        ('"苹果 手机"~2', "手机壳和苹果", True),
        ('"苹果 手机"~1', "手机壳和苹果", False),
        ('"apple pie recipe"~1', "recipe: apple and pie", True),
        ('"apple pie recipe"~0', "recipe: apple and pie", False),
        # traditional / simplified, full-width, filler characters
        ("苹果手机", "蘋果手機真好用", True),
        ("蘋果手機", "苹果手机真好用", True),
        ("微博", "微*博", True),
        ("微博", "微 博", True),
        ("微博", "微-博", True),
        ("微博", "微\u200b博", True),
        ("apple", "ＡＰＰＬＥ", True),
        ("café", "CAFE", True),
    ],
)
def test_it_matches_operators(source, text, expected):
    assert matches(source, text) is expected


@pytest.mark.parametrize(
    ("source", "post", "expected"),
    [
        ("author:lilei", {"author": "@LiLei"}, True),
        ("author:lilei", {"author": "lileifan"}, False),
        ("author:lile*", {"author": "lileifan"}, True),
        ("platform:weibo", {"platform": "weibo"}, True),
        ("platform:weibo", {"platform": "x"}, False),
        ("lang:zh", {"lang": "zh-Hans"}, True),
        ("lang:zh", {"lang": "en"}, False),
        ("site:weibo.com", {"url": "https://m.weibo.com/status/1"}, True),
        ("site:weibo.com", {"url": "https://notweibo.com/"}, False),
        ("url:status/1", {"url": "https://m.weibo.com/status/1"}, True),
        ("苹果 platform:weibo", {"platform": "weibo"}, True),
        ("苹果 platform:weibo", {"platform": "x"}, False),
        ("苹果 -author:spammer", {"author": "spammer"}, False),
    ],
)
def test_it_filters_on_fields(source, post, expected):
    assert matches(source, "苹果", **post) is expected


def test_it_highlights_spans_in_the_original_text():
    matcher = Matcher.build(
        {
            "brand": "苹果手机 OR iphone",
            "near": "苹果 NEAR/3 手机 -广告",
            "filler": "微博",
        }
    )
    text = "我的蘋果 新款手機和iPhone，還有微*博"
    found = {m.query_id: m.spans for m in matcher.match({"text": text})}
    assert found["brand"] == ((10, 16),)  # 蘋果…手機 are not adjacent: only iPhone
    assert [text[s:e] for s, e in found["near"]] == ["蘋果", "手機"]
    assert [text[s:e] for s, e in found["filler"]] == ["微*博"]


def test_it_does_not_highlight_what_is_excluded():
    matcher = Matcher.build({"q": "apple OR (pie -fruit)"})
    text = "Apple pie, no fruit"
    assert [text[s:e] for s, e in matcher.match({"text": text})[0].spans] == ["Apple", "pie"]


def test_it_requires_the_cheapest_literals():
    def texts(source: str) -> set[str] | None:
        needed = required(parse(source).root)
        return None if needed is None else {lit.text for lit in needed}

    assert texts("苹果 OR 华为") == {"苹果", "华为"}
    assert texts("果 AND 苹果手机") == {"苹果手机"}  # longer is rarer
    assert texts("(a OR b) AND 苹果手机") == {"苹果手机"}
    assert texts("苹果 NEAR/3 手机壳") == {"手机壳"}
    assert texts('"apple pie recipe"~2') == {"recipe"}
    assert texts("苹果 -广告") == {"苹果"}
    assert texts("NOT 广告") is None
    assert texts("platform:weibo") is None
    assert texts("苹果 OR NOT 广告") is None
    assert texts("platform:weibo 苹果") == {"苹果"}


def test_it_evaluates_unanchored_queries_on_every_text():
    matcher = Matcher.build({"pure": "NOT 广告", "field": "platform:weibo", "word": "苹果"})
    assert set(matcher.unanchored) == {"pure", "field"}
    ids = {m.query_id for m in matcher.match({"text": "今天", "platform": "weibo"})}
    assert ids == {"pure", "field"}


def test_it_swaps_in_edits_without_a_restart():
    live = LiveMatcher({"a": "苹果"})
    first = live.current
    assert first.version == 1
    assert [m.query_id for m in first.match({"text": "华为"})] == []

    second = live.update(put={"b": "华为", "a": "三星"})
    assert second.version == 2
    assert live.current is second
    assert [m.query_id for m in second.match({"text": "华为 苹果"})] == ["b"]
    assert [m.query_id for m in first.match({"text": "苹果"})] == ["a"]  # old version untouched

    third = live.update(remove=["b"])
    assert third.version == 3 and len(third) == 1
    assert third.compiled["a"] is second.compiled["a"]  # unchanged queries are not recompiled


def test_it_keeps_the_current_version_when_an_edit_is_bad():
    live = LiveMatcher({"a": "苹果"})
    with pytest.raises(QuerySyntaxError):
        live.update(put={"b": "华为", "c": "(broken"})
    assert live.current.version == 1 and set(live.current.compiled) == {"a"}


def test_it_serves_readers_while_it_rebuilds():
    live = LiveMatcher({i: f"词{i}" for i in range(50)})
    errors: list[BaseException] = []
    stop = threading.Event()

    def read() -> None:
        try:
            while not stop.is_set():
                matcher = live.current
                ids = matcher.match_ids(normalise("词1 词2"))
                assert set(ids) <= set(matcher.compiled)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    reader = threading.Thread(target=read)
    reader.start()
    for version in range(20):
        live.update(put={1000 + version: f"新{version}"}, remove=[version])
    stop.set()
    reader.join()
    assert not errors
    assert live.current.version == 21


def test_it_matches_queries_of_many_workspaces_with_one_automaton():
    matcher = Matcher.build({(1, 10): "苹果", (2, 10): "苹果 手机", (2, 11): "华为"})
    assert len(matcher.patterns) == 3
    assert sorted(matcher.match_ids(normalise("苹果手机"))) == [(1, 10), (2, 10)]


# ---- property: the fast path agrees with the naive evaluator ----------------------------------

_WORDS = ["苹果", "果", "手机", "apple", "app*", "pie", '"apple pie"', '"苹果 手机"~1', "微博"]
_FIELDS = ["platform:weibo", "lang:zh", "author:lilei"]


def _queries() -> st.SearchStrategy[str]:
    leaf = st.sampled_from(_WORDS + _FIELDS)

    def extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        proximable = st.sampled_from(_WORDS[:-1])
        return st.one_of(
            st.tuples(inner, inner).map(lambda p: f"({p[0]} AND {p[1]})"),
            st.tuples(inner, inner).map(lambda p: f"({p[0]} OR {p[1]})"),
            st.tuples(inner, inner).map(lambda p: f"{p[0]} {p[1]}"),
            inner.map(lambda x: f"NOT {x}"),
            st.tuples(proximable, proximable, st.integers(0, 3), st.booleans()).map(
                lambda p: f"{p[0]} {'ONEAR' if p[3] else 'NEAR'}/{p[2]} {p[1]}"
            ),
        )

    return st.recursive(leaf, extend, max_leaves=6)


_TEXTS = st.lists(
    st.sampled_from(
        [
            "苹果",
            "蘋果",
            "手机",
            "手機",
            "果",
            "apple",
            "Apple",
            "apples",
            "pie",
            "app",
            "微",
            "博",
            "*",
            " ",
            "，",
            "x",
            "是",
            "pineapple",
        ]
    ),
    max_size=12,
).map("".join)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(_queries(), min_size=1, max_size=12),
    st.lists(_TEXTS, min_size=1, max_size=8),
    st.sampled_from([{}, {"platform": "weibo", "lang": "zh", "author": "LiLei"}]),
)
def test_it_agrees_with_the_naive_evaluator(sources, texts, post):
    queries = {}
    for index, source in enumerate(sources):
        try:
            queries[index] = parse(source)
        except QuerySyntaxError:
            continue
    matcher = Matcher.build(queries)
    for text in texts:
        normalised = normalise(text)
        fast = set(matcher.match_ids(normalised, post))
        naive = {qid for qid, query in queries.items() if evaluate(query, normalised, post)}
        assert fast == naive, text
        assert {m.query_id for m in matcher.match({"text": text, **post})} == naive


def test_it_reads_posts_as_objects_too():
    from dataclasses import dataclass

    @dataclass
    class Post:
        text: str
        author: str = ""
        platform: str = ""
        lang: str = ""
        url: str = ""

    matcher = Matcher.build({"q": "苹果 platform:weibo site:weibo.com"})
    post = Post(text="苹果", platform="weibo", url="https://weibo.com/1")
    assert [m.query_id for m in matcher.match(post)] == ["q"]
    assert matcher.match(Post(text="苹果", platform="x")) == []


def test_it_picks_the_rarest_side_with_measured_frequencies():
    counts = {"常见": 0.3, "罕见": 0.001}
    query = parse("常见 罕见")
    needed = required(query.root, lambda t: counts.get(t, 1.0))
    assert needed is not None and {lit.text for lit in needed} == {"罕见"}
    matcher = Matcher.build({"q": query}, frequency=lambda t: counts.get(t, 1.0))
    assert matcher.match_ids(normalise("常见罕见")) == ["q"]


def test_it_bounds_proximity_work_on_huge_texts():
    import time

    matcher = Matcher.build({"q": '"苹 果 手 机 壳"~3'})
    text = "苹果手机壳" * 4000
    started = time.perf_counter()
    assert matcher.match({"text": text})
    assert time.perf_counter() - started < 5
