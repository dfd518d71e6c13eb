"""The query language: what parses to what, errors with positions, limits, and a fuzz."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from socialops.listening import query as q
from socialops.listening.query import QuerySyntaxError, parse


@pytest.mark.parametrize(
    ("source", "canonical"),
    [
        ("苹果", "苹果"),
        ("苹果 手机", "(苹果 AND 手机)"),  # juxtaposition is AND
        ("苹果 AND 手机 OR 华为", "((苹果 AND 手机) OR 华为)"),  # AND before OR
        ("苹果 OR 手机 华为", "(苹果 OR (手机 AND 华为))"),
        ("NOT 广告 苹果", "(NOT 广告 AND 苹果)"),  # NOT before AND
        ("苹果 -广告", "(苹果 AND NOT 广告)"),
        ("apple NOT pie", "(apple AND NOT pie)"),
        ("NOT a NEAR/2 b", "NOT (a NEAR/2 b)"),  # NEAR binds tightest
        ("a NEAR/3 b ONEAR/1 c", "((a NEAR/3 b) ONEAR/1 c)"),
        ("(a OR b) NEAR/2 手机", "((a OR b) NEAR/2 手机)"),
        ('"apple pie"', '"apple pie"'),
        ('"Apple  Pie!"', '"apple pie"'),
        ('"苹果 手机"~3', '"苹果 手机"~3'),
        ("“苹果 手机”~3", '"苹果 手机"~3'),  # Chinese quotation marks
        ("（苹果 OR 华为） 手机", "((苹果 OR 华为) AND 手机)"),  # full-width parentheses
        ("comput*", "comput*"),
        ("微博*", "微博"),  # Chinese: * is a no-op
        ("author:@LiLei", 'author:"lilei"'),
        ('author:"Li Lei"', 'author:"lilei"'),
        ("platform:Weibo lang:zh site:weibo.com url:t.cn/abc", None),
        ("AUTHOR:x", 'author:"x"'),
        ("e-mail", "e-mail"),
        ("and or not", "(and AND or AND not)"),  # operators are capitals only
        ("12:30", "12:30"),
    ],
)
def test_it_parses_with_documented_precedence(source, canonical):
    parsed = parse(source)
    if canonical is not None:
        assert str(parsed) == canonical
    assert str(parse(str(parsed))) == str(parsed)  # the canonical form parses to itself


def test_it_normalises_terms_like_text():
    parsed = parse("蘋果手機 OR ＡＰＰＬＥ")
    assert {lit.text for lit in parsed.literals} == {"苹果手机", "apple"}
    word = parse("apple").root
    assert isinstance(word, q.Term) and word.literal.left and word.literal.right
    prefix = parse("comput*").root
    assert isinstance(prefix, q.Term) and prefix.prefix and not prefix.literal.right
    chinese = parse("微博").root
    assert isinstance(chinese, q.Term) and not chinese.literal.left


@pytest.mark.parametrize(
    ("source", "position", "message"),
    [
        ("(苹果 OR 手机", 0, "never closed"),
        ("苹果)", 2, "no opening"),
        ("苹果 AND", 3, "ends after an operator"),
        ("OR 苹果", 0, "OR needs something on both sides"),
        ("苹果 OR OR 手机", 6, "OR needs something"),
        ("a NEAR/2", 2, "ends after an operator"),
        ("NEAR/2 a", 0, "NEAR/n needs something"),
        ('a ""', 2, "Empty quotes"),
        ('a "  "', 2, "Empty quotes"),
        ('a "open', 2, "never closed"),
        ("a NEAR b", 2, "NEAR needs a distance"),
        ("a NEAR/ b", 2, "NEAR needs a distance"),
        ("a ONEAR b", 2, "ONEAR needs a distance"),
        ('"a b"~ c', 5, "needs a distance"),
        ("foo:bar", 0, 'Unknown field "foo"'),
        ("author: x", 0, "needs a value"),
        ("author:(a OR b)", 0, "one value"),
        ("a NEAR/3 (b AND c)", 2, "NEAR joins"),
        ("a NEAR/3 -b", 2, "NEAR joins"),
        ("a NEAR/3 platform:x", 2, "NEAR joins"),
        ("a - b", 2, "right before"),
        ("a*b", 1, "only end a word"),
        ("ab*", 0, "at least 3 letters"),
        ("()", 0, "Empty parentheses"),
        ("a ) b", 2, "no opening"),
        (")", 0, "Nothing before"),
        ("+++", 0, "no letters or digits"),
        ("", 0, "empty"),
        ("   ", 0, "empty"),
        ("NOT", 0, "ends after an operator"),
    ],
)
def test_it_points_at_the_error(source, position, message):
    with pytest.raises(QuerySyntaxError) as caught:
        parse(source)
    assert caught.value.position == position
    assert message in caught.value.message
    assert f"at character {position + 1}" in str(caught.value)


def test_it_renders_a_caret_under_the_error():
    with pytest.raises(QuerySyntaxError) as caught:
        parse("苹果 AND (手机")
    assert caught.value.caret() == "苹果 AND (手机\n         ^"  # 苹果 is four columns wide
    with pytest.raises(QuerySyntaxError) as caught:
        parse("apple AND\nfoo:bar")
    assert caught.value.caret() == "foo:bar\n^"


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("a " * 2100, "too long"),
        (" OR ".join(f"w{i}" for i in range(q.MAX_TERMS + 1)), "too many terms"),
        ("(" * (q.MAX_DEPTH + 1) + "a" + ")" * (q.MAX_DEPTH + 1), "nests too deeply"),
        ("NOT " * (q.MAX_DEPTH + 1) + "a", "nests too deeply"),
        ("-" * 40 + "a", None),  # "--…a" is one word, not 40 NOTs
        ("a NEAR/51 b", "too large"),
        ("a NEAR/99999999999999 b", "too large"),
        ('"a b"~51', "too large"),
        ('"' + " ".join("abcdefghijkl") + '"~5', "at most 10 words"),
    ],
)
def test_it_stops_pathological_queries(source, message):
    if message is None:
        parse(source)
        return
    with pytest.raises(QuerySyntaxError, match=message):
        parse(source)


def test_it_accepts_queries_at_the_limits():
    parse(" OR ".join(f"w{i}" for i in range(q.MAX_TERMS)))
    parse("(" * q.MAX_DEPTH + "a" + ")" * q.MAX_DEPTH)
    parse("a NEAR/50 b")


_ALPHABET = st.sampled_from(
    list('()（）"“”~*-:/ \n\tabANDORNOTNEAR0123456789苹果微博')
    + ["AND", "OR", "NOT", "NEAR/", "ONEAR/3", "author:", "url:", "x:"]
)


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(max_size=80), st.lists(_ALPHABET, max_size=60).map("".join)))
def test_it_never_fails_otherwise_than_with_its_own_error(source):
    started = time.perf_counter()
    try:
        parsed = parse(source)
    except QuerySyntaxError as error:
        assert 0 <= error.position <= len(source)
        error.caret()
    else:
        assert str(parse(str(parsed))) == str(parsed)
    assert time.perf_counter() - started < 1.0


def test_it_parses_a_huge_query_quickly():
    source = " ".join(["(a OR b) NEAR/3 c"] * 80)
    started = time.perf_counter()
    with pytest.raises(QuerySyntaxError, match="too many terms"):
        parse(source)
    assert time.perf_counter() - started < 0.5


def test_a_quoted_field_value_may_end_in_a_prefix_star():
    parsed = parse("AUTHOR:0*")
    assert str(parsed) == 'author:"0"*'
    assert str(parse(str(parsed))) == str(parsed)
