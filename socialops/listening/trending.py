"""Trending terms: words and hashtags much more common in the recent window than the one before.

Steps: each mention becomes a set of terms (a term counts once per post, so one spammer repeating
a word does not trend it): Weibo hashtags ``#…#`` and ``#word`` tags whole, then Chinese words
(jieba when it is installed, else the overlapping two-character words of each run of Chinese),
English words of three letters or more; stopwords, numbers, links and @handles dropped. A term
trends when it appears in at least ``min_count`` recent posts; it is ranked by lift, the share of
recent posts with it over the (add-one smoothed) share of earlier posts with it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

import regex

from socialops.accounts.models import Workspace

from .models import Mention

MAX_POSTS = 5000  # per window: the newest ones
_URL = regex.compile(r"https?://\S+")
_HANDLE = regex.compile(r"@[\w\-]+")
_WEIBO_TAG = regex.compile(r"#([^#\n]{1,40})#")
_TAG = regex.compile(r"(?<![\w#])#(\w{2,40})")
_HAN_RUN = regex.compile(r"\p{Han}+")
_LATIN = regex.compile(r"[a-z][a-z0-9'\-]{2,}")

STOPWORDS = frozenset(
    """
    的 了 是 在 我 有 和 就 不 人 都 一 一个 上 也 很 到 说 要 去 你 会 着 没有 看 好 自己 这 那
    我们 你们 他们 她们 它们 这个 那个 什么 怎么 为什么 因为 所以 但是 还是 就是 可以 已经 没 吗 呢
    吧 啊 哦 呀 嘛 啦 么 而且 或者 如果 还有 这样 那样 一下 一些 现在 今天 真的 觉得 知道 时候 还
    转发 微博 回复 网页 链接 全文 视频 图片 评论 哈哈 哈哈哈 一起 大家 非常 可能 然后 这里 那里
    the and for you your are was were with this that have has had not but all can our out get
    just from they them their what when who will would there been about more like one its it's
    into than then also very via amp http https com www rt dont don't im i'm
    """.split()
)


@dataclass(frozen=True)
class Term:
    term: str
    recent: int  # posts in the recent window with the term
    previous: int  # posts in the window before
    lift: float


def _jieba() -> Callable[[str], Iterable[str]] | None:
    try:
        import jieba  # type: ignore[import-not-found, import-untyped, unused-ignore]
    except ImportError:
        return None
    jieba.setLogLevel(60)
    return jieba.lcut  # type: ignore[no-any-return]


_CUT = _jieba()


def _chinese_words(run: str) -> Iterable[str]:
    if _CUT is not None:
        return [word for word in _CUT(run) if len(word) >= 2]
    if len(run) < 2:
        return []
    return [run[i : i + 2] for i in range(len(run) - 1)]


def terms_of(text: str) -> set[str]:
    """The distinct terms of one post."""
    text = _HANDLE.sub(" ", _URL.sub(" ", text))
    found: set[str] = set()
    for tag in _WEIBO_TAG.findall(text):
        if tag.strip():
            found.add(f"#{tag.strip()}#")
    text = _WEIBO_TAG.sub(" ", text)
    found.update(f"#{tag.casefold()}" for tag in _TAG.findall(text))
    text = _TAG.sub(" ", text)
    for run in _HAN_RUN.findall(text):
        found.update(word for word in _chinese_words(run) if word not in STOPWORDS)
    found.update(
        word.strip("'-")
        for word in _LATIN.findall(text.casefold())
        if word.strip("'-") not in STOPWORDS and len(word.strip("'-")) >= 3
    )
    return found


def rank(
    recent: Iterable[str], previous: Iterable[str], *, min_count: int = 3, limit: int = 20
) -> list[Term]:
    """Terms of the recent texts ranked by lift over the previous texts."""
    recent_counts: Counter[str] = Counter()
    previous_counts: Counter[str] = Counter()
    recent_total = previous_total = 0
    for text in recent:
        recent_total += 1
        recent_counts.update(terms_of(text))
    for text in previous:
        previous_total += 1
        previous_counts.update(terms_of(text))
    if not recent_total:
        return []
    found = []
    for term, count in recent_counts.items():
        if count < min_count:
            continue
        before = previous_counts.get(term, 0)
        share_now = count / recent_total
        share_before = (before + 1) / (previous_total + 1)
        found.append(Term(term, count, before, round(share_now / share_before, 3)))
    found.sort(key=lambda t: (-t.lift, -t.recent, t.term))
    return found[:limit]


def _texts(workspace: Workspace, start: datetime, end: datetime) -> list[str]:
    return list(
        Mention.objects.filter(workspace=workspace, posted_at__gte=start, posted_at__lt=end)
        .order_by("-posted_at")
        .values_list("text", flat=True)[:MAX_POSTS]
    )


def trending(
    workspace: Workspace,
    *,
    end: datetime,
    window: timedelta = timedelta(hours=24),
    min_count: int = 3,
    limit: int = 20,
) -> list[Term]:
    """The workspace's trending terms in [end - window, end) against the window before."""
    recent = _texts(workspace, end - window, end)
    previous = _texts(workspace, end - 2 * window, end - window)
    return rank(recent, previous, min_count=min_count, limit=limit)
