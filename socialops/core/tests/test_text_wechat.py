"""WeChat Official Account articles: title 32, author 16, digest 128, body under 20,000 / 1 MB."""

from __future__ import annotations

import pytest

from socialops.core.text import check, check_wechat_article

BODY = (
    "<section><h2>双十一预告</h2><p>今年的活动从 11 月 1 日开始，"
    '<a href="https://mp.weixin.qq.com/s/abc123">点击查看往期回顾</a>。</p>'
    '<img src="https://mmbiz.qpic.cn/mmbiz_jpg/abc/0" alt="海报"></section>'
)


def problems(
    title: str = "双十一预告", author: str = "小米运营", digest: str = "", html: str = BODY
) -> list[tuple[str, str]]:
    return [(p.field, p.code) for p in check_wechat_article(title, author, digest, html)]


def test_it_accepts_a_well_formed_article() -> None:
    assert problems() == []


@pytest.mark.parametrize(
    ("field", "value", "found"),
    [
        ("title", "标" * 32, []),
        ("title", "标" * 33, [("title", "too_long")]),
        ("title", "🎉" * 32, []),  # code points, not UTF-16 units
        ("title", "Ａ" * 33, [("title", "too_long")]),
        ("author", "作" * 16, []),
        ("author", "作" * 17, [("author", "too_long")]),
        ("digest", "摘" * 128, []),
        ("digest", "摘" * 129, [("digest", "too_long")]),
    ],
)
def test_it_limits_title_author_and_digest(
    field: str, value: str, found: list[tuple[str, str]]
) -> None:
    assert problems(**{field: value}) == found


@pytest.mark.parametrize(
    ("html", "found"),
    [
        ("字" * 19_999, []),
        ("字" * 20_000, [("content", "too_long")]),
        ("字" * 349_526, [("content", "too_long"), ("content", "too_large")]),  # 1,048,578 bytes
    ],
)
def test_it_limits_the_body(html: str, found: list[tuple[str, str]]) -> None:
    assert problems(html=html) == found


@pytest.mark.parametrize(
    ("html", "script"),
    [
        (BODY + "<script>alert(1)</script>", True),
        (BODY + '<SCRIPT src="https://example.com/a.js"></SCRIPT>', True),
        (BODY + '<img src="x.png" onerror="alert(1)">', True),
        (BODY + '<a href=" JavaScript:void(0)">领取</a>', True),
        (BODY + "<p>javascript: 是一门语言</p>", False),
        (BODY + "<p>&lt;script&gt; 只是文字</p>", False),
    ],
)
def test_it_reports_script_that_wechat_removes(html: str, script: bool) -> None:
    assert (("content", "script") in problems(html=html)) is script


def test_it_names_what_it_found() -> None:
    (problem,) = check_wechat_article("标题", "", "", '<p onclick="go()">x</p><script></script>')
    assert "<script>" in problem.message and "onclick" in problem.message


@pytest.mark.parametrize(
    ("title", "html", "found"),
    [
        ("", BODY, [("title", "required")]),
        ("  ", BODY, [("title", "required")]),
        ("标题", "", [("content", "required")]),
    ],
)
def test_it_requires_a_title_and_a_body(
    title: str, html: str, found: list[tuple[str, str]]
) -> None:
    assert problems(title=title, html=html) == found


@pytest.mark.parametrize(("count", "over"), [(19_999, False), (20_000, True)])
def test_it_checks_a_body_through_check(count: int, over: bool) -> None:
    result = check("wechat", "<p>" + "字" * (count - 7) + "</p>")
    assert (result.length, result.over) == (count, over)
