"""Dedupe: repost chains, exact and near duplicates, the count as a signal, bounded memory."""

from __future__ import annotations

import pytest

from socialops.listening.dedupe import Deduper, dedupe_key, split_repost

CAMPAIGN = "双十一iPhone只要999元，快来抢购吧！详情见链接 http://t.cn/A1b2"


def test_it_splits_a_weibo_repost_chain():
    chain = split_repost("说得好//@王思聪:窦评论猿，你还是回学校吧//@小明： 原文在此")
    assert chain.own == "说得好"
    assert chain.via == (("王思聪", "窦评论猿，你还是回学校吧"), ("小明", " 原文在此"))
    assert split_repost("没有转发").via == ()


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("转发微博//@小明: 原文在此", "原文在此"),
        ("轉發微博 //@小明:原文在此", "原文在此"),
        ("//@小明: 原文在此", "原文在此"),
        ("Repost //@a: //@b: 原文在此", "原文在此"),  # empty links are skipped
        ("说得好//@小明: 原文在此", "说得好"),  # own words are a new text
        ("原文在此 http://t.cn/xyz @小红", "原文在此"),  # links and mentions left out
    ],
)
def test_it_keys_a_repost_by_what_it_adds(text, key):
    assert dedupe_key(text) == key


def test_it_counts_exact_duplicates_after_normalising():
    deduper = Deduper()
    first = deduper.see("原文在此！")
    assert first.is_new and first.count == 1
    again = deduper.see("原文 在此")
    assert (again.cluster_id, again.is_new, again.count) == (first.cluster_id, False, 2)
    assert deduper.see(
        "転發微博//@x: 原文在此"
    ).is_new  # a different text ("転" is not boilerplate)
    repost = deduper.see("转发微博//@x: 原文在此")
    assert repost == (first.cluster_id, False, 3)
    assert deduper.count(first.cluster_id) == 3


def test_it_groups_a_copy_paste_campaign():
    deduper = Deduper()
    variants = [
        CAMPAIGN,
        "双十一iPhone只要999元,快来抢购吧!详情见链接 http://t.cn/Zz9 @小明",
        "双十一iPhone只要999元，快来抢购啊！详情见链接",
        "【转】双十一iPhone只要999元，快来抢购吧！详情见链接～",
    ]
    seen = [deduper.see(text) for text in variants]
    assert {s.cluster_id for s in seen} == {seen[0].cluster_id}
    assert [s.count for s in seen] == [1, 2, 3, 4]
    other = deduper.see("今天天气不错，我们去公园散步吧，好不好呀")
    assert other.is_new and other.cluster_id != seen[0].cluster_id


def test_it_keeps_different_texts_apart():
    deduper = Deduper()
    texts = [
        "华为发布了新款手机，性能提升明显",
        "小米发布了新款电视，价格很便宜",
        "苹果今天开了发布会，新品不多",
        "华为手机的拍照效果真的很好",
    ]
    assert all(deduper.see(text).is_new for text in texts)
    assert len(deduper) == 4


def test_it_bounds_memory_by_cluster_count():
    deduper = Deduper(max_clusters=100)
    for i in range(1000):
        deduper.see(f"第{i}条完全不同的文本，编号{i * 7919}，内容{i % 13}")
    assert len(deduper) == 100
    assert len(deduper._exact) <= 100 * deduper.max_exact_per_cluster
    assert sum(len(members) for members in deduper._bands.values()) <= 100 * deduper.bands
    early = deduper.see("第0条完全不同的文本，编号0，内容0")
    assert early.is_new  # forgotten: least recently seen first out


def test_it_forgets_clusters_outside_the_time_window():
    deduper = Deduper(window=60)
    first = deduper.see(CAMPAIGN, at=0)
    assert deduper.see(CAMPAIGN, at=50).count == 2
    assert deduper.see(CAMPAIGN, at=100).count == 3  # last seen at 50: still inside
    later = deduper.see(CAMPAIGN, at=200)
    assert later.is_new and later.cluster_id != first.cluster_id
    assert deduper.count(first.cluster_id) == 0
