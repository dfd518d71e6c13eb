"""Per-platform text rules: length in each platform's unit, topics, mentions, links, facets.

``check(platform_code, text)`` is the one entry point; the per-platform functions take the
platform's own options (Weibo long text, Mastodon's instance limit and content warning).
"""

from __future__ import annotations

from .bluesky import BLUESKY_LIMIT, check_bluesky
from .common import (
    Entity,
    Facet,
    TextCheck,
    count_code_points,
    count_graphemes,
    utf8_length,
)
from .generic import check_generic
from .mastodon import MASTODON_DEFAULT_LIMIT, check_mastodon
from .wechat import Problem, check_wechat_article, check_wechat_content
from .weibo import WEIBO_LIMIT, WEIBO_LONG_TEXT_LIMIT, check_weibo
from .x import X_LIMIT, check_x, weighted_length

__all__ = [
    "BLUESKY_LIMIT",
    "MASTODON_DEFAULT_LIMIT",
    "WEIBO_LIMIT",
    "WEIBO_LONG_TEXT_LIMIT",
    "X_LIMIT",
    "Entity",
    "Facet",
    "Problem",
    "TextCheck",
    "check",
    "check_bluesky",
    "check_generic",
    "check_mastodon",
    "check_wechat_article",
    "check_wechat_content",
    "check_weibo",
    "check_x",
    "count_code_points",
    "count_graphemes",
    "utf8_length",
    "weighted_length",
]


def check(platform_code: str, text: str, *, limit: int | None = None) -> TextCheck:
    """Measure ``text`` by the rules of ``platform_code``; other platforms need ``limit``.

    For "wechat" the text is an article body (HTML); the title, author and digest are checked
    by ``check_wechat_article``.
    """
    if platform_code == "weibo":
        return check_weibo(text, limit=limit)
    if platform_code == "x":
        return check_x(text, limit=X_LIMIT if limit is None else limit)
    if platform_code == "mastodon":
        return check_mastodon(text, limit=MASTODON_DEFAULT_LIMIT if limit is None else limit)
    if platform_code == "bluesky":
        return check_bluesky(text, limit=BLUESKY_LIMIT if limit is None else limit)
    if platform_code == "wechat":
        if limit is not None:
            raise ValueError("WeChat's article body limit is fixed; do not pass limit")
        return check_wechat_content(text)
    if limit is None:
        raise ValueError(f"no text rules for platform {platform_code!r}; pass its limit")
    return check_generic(platform_code, text, limit=limit)
