"""Trending terms: what is much more common now than before, in Chinese and English."""

from __future__ import annotations

from datetime import timedelta

from socialops.core.clock import now
from socialops.listening.trending import rank, terms_of, trending

from .test_mentions_support import mention

BEFORE = [
    "安可手机拍照不错",
    "安可手机续航一般",
    "安可客服态度好",
    "今天天气很好",
    "安可手机拍照清晰",
    "I like the Anker camera",
]
NOW = [
    "安可手机爆炸了 #安可爆炸#",
    "听说安可手机爆炸，吓人 #安可爆炸#",
    "安可爆炸事件有人受伤吗 #安可爆炸#",
    "安可手机拍照不错",
    "Anker phone battery explosion? #recall",
    "Another explosion report, Anker please respond #recall",
    "explosion again, this is scary #Recall",
]


def test_it_reads_hashtags_chinese_and_english_words_without_stopwords_links_or_handles():
    found = terms_of("@小米 看 https://t.cn/abc 这个 #安可爆炸# 安可手机 The battery #Recall 的")
    assert "#安可爆炸#" in found and "#recall" in found
    assert "battery" in found and "the" not in found
    assert not any("t.cn" in term or "小米" in term for term in found)
    assert "这个" not in found and "的" not in found
    assert "手机" in found or "安可手机" in found


def test_it_ranks_what_rose_by_lift_with_a_minimum_count():
    ranked = rank(NOW, BEFORE, min_count=3)
    terms = [t.term for t in ranked]
    assert terms[0] in {"#安可爆炸#", "explosion", "#recall", "爆炸"}
    by_term = {t.term: t for t in ranked}
    assert by_term["#安可爆炸#"].recent == 3 and by_term["#安可爆炸#"].previous == 0
    assert by_term["explosion"].recent == 3
    assert by_term["#recall"].recent == 3  # case folded: #recall and #Recall are one
    assert "拍照" not in by_term  # once now: under the minimum count
    # a term as common before as now does not outrank a new one
    common = by_term.get("手机")
    assert common is None or common.lift < by_term["#安可爆炸#"].lift


def test_it_counts_a_term_once_per_post_and_needs_recent_posts():
    assert rank(["爆炸 爆炸 爆炸 爆炸"], [], min_count=2) == []
    assert rank([], BEFORE) == []


def test_it_compares_the_last_window_of_the_workspace_with_the_one_before(team):
    at = now()
    for i, text in enumerate(BEFORE):
        mention(team.workspace, text, at=at - timedelta(hours=30, minutes=i))
    for i, text in enumerate(NOW):
        mention(team.workspace, text, at=at - timedelta(hours=1, minutes=i))
    mention(team.workspace, "#安可爆炸# 太久以前", at=at - timedelta(days=5))

    found = {t.term: t for t in trending(team.workspace, end=at, window=timedelta(hours=24))}

    assert found["#安可爆炸#"].recent == 3 and found["#安可爆炸#"].previous == 0
    assert "天气" not in found
