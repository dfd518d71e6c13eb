"""Normalisation: folding table, the fast and mapped paths agree, tokens for NEAR."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from socialops.listening.normalise import normalise, normalise_mapped, token_starts


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("微博", "微博"),
        ("微 博", "微博"),
        ("微*博", "微博"),
        ("微-博", "微博"),
        ("微\u200b博", "微博"),  # zero-width space
        ("微\u00ad博", "微博"),  # soft hyphen
        ("微　博", "微博"),  # ideographic space
        ("蘋果手機", "苹果手机"),  # traditional → simplified
        ("ＡＢＣ１２３", "abc123"),  # full-width
        ("iPhone 15  Pro!", "iphone 15 pro"),  # English keeps one space between words
        ("apple-pie", "apple pie"),
        ("Apple微博", "apple微博"),
        ("apple 微博 pie", "apple微博pie"),
        ("café CAFÉ", "cafe cafe"),
        ("  , 你好 !! ", "你好"),
        ("#话题# @某人 😀", "话题某人"),
        ("", ""),
    ],
)
def test_it_normalises(text, expected):
    assert normalise(text) == expected
    assert normalise_mapped(text).text == expected


def test_it_maps_back_to_the_original():
    mapped = normalise_mapped("我爱 蘋*果 and ＡＰＰＬＥ!")
    start = mapped.text.index("苹果")
    assert mapped.span(start, start + 2) == (3, 6)  # "蘋*果" in the original
    start = mapped.text.index("apple")
    assert mapped.span(start, start + 5) == (11, 16)


def test_it_counts_tokens_as_cjk_characters_and_words():
    text = normalise("我爱 iPhone 15 手机")
    assert text == "我爱iphone 15手机"
    tokens = token_starts(text)
    assert [tokens[text.index(part)] for part in ("我", "爱", "iphone", "15", "手", "机")] == [
        0,
        1,
        2,
        3,
        4,
        5,
    ]


_TEXT = st.text(
    alphabet=st.sampled_from(list("ab Z1 -*_.微博蘋果ＡＢ\u200b\u00ad\u0301ßﬁ①㈱é\t\n😀　，")),
    max_size=40,
)


@settings(max_examples=300, deadline=None)
@given(st.one_of(_TEXT, st.text(max_size=40)))
def test_it_gives_the_same_text_fast_and_mapped(text):
    mapped = normalise_mapped(text)
    assert mapped.text == normalise(text)
    assert len(mapped.origin) == len(mapped.text)
    assert list(mapped.origin) == sorted(mapped.origin)
    assert all(0 <= index < len(text) for index in mapped.origin)
