"""The pipeline end to end on real models: queries → posts → mentions, counts, alerts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test import override_settings

from socialops.contacts.models import Contact, Identity
from socialops.core.clock import now
from socialops.listening.incoming import IncomingPost
from socialops.listening.models import (
    Alert,
    ListeningQuery,
    Mention,
    MentionMatch,
    MinuteCount,
    QueryKind,
    SamplePost,
    Source,
)
from socialops.listening.pipeline import Pipeline
from socialops.listening.store import MemoryStore

T0 = datetime(2026, 11, 26, 8, 0, 10, tzinfo=UTC)


def post(remote_id: str, text: str, *, at: datetime = T0, author: str = "") -> IncomingPost:
    return IncomingPost(
        platform="weibo", remote_id=remote_id, text=text, posted_at=at, author_handle=author
    )


def query(workspace, name: str, text: str, **fields) -> ListeningQuery:
    return ListeningQuery.objects.create(workspace=workspace, name=name, text=text, **fields)


def pipeline(**options) -> Pipeline:
    options.setdefault("max_delay", None)
    options.setdefault("classify", False)
    return Pipeline(**options)


def test_it_stores_mentions_with_spans_and_minute_counts(team):
    brand = query(team.workspace, "brand", "小米 OR xiaomi")
    rival = query(team.workspace, "rival", "华为 NOT 手表")
    source = Source.objects.create(workspace=team.workspace, name="s", kind="sandbox")
    pipe = pipeline(classify=True)

    pipe.add(post("1", "我买了小米手机，很好用"), source=source, workspace_id=team.workspace.pk)
    pipe.add(post("2", "华为手表也不错"), source=source, workspace_id=team.workspace.pk)
    pipe.add(post("3", "XiaoMi 和 华为 都来了"), source=source, workspace_id=team.workspace.pk)
    pipe.add(post("4", "今天天气很好"), source=source, workspace_id=team.workspace.pk)
    result = pipe.flush()

    assert (result.read, result.matched, result.stored) == (4, 2, 2)
    first = Mention.objects.get(remote_id="1")
    assert first.sentiment in {"positive", "neutral", "negative"}
    assert first.lang == "zh"
    assert list(MentionMatch.objects.filter(mention=first).values_list("query_id", "spans")) == [
        (brand.pk, [[3, 5]])
    ]
    third = Mention.objects.get(remote_id="3")
    assert sorted(
        MentionMatch.objects.filter(mention=third).values_list("query_id", flat=True)
    ) == sorted([brand.pk, rival.pk])
    assert not Mention.objects.filter(remote_id__in=["2", "4"]).exists()
    counts = dict(MinuteCount.objects.values_list("query_id", "total"))
    assert counts == {brand.pk: 2, rival.pk: 1}
    assert MinuteCount.objects.get(query=brand).minute == T0.replace(second=0)
    source.refresh_from_db()
    assert (source.read_total, source.matched_total) == (4, 2)
    assert pipe.stats.per_query == {brand.pk: 2, rival.pk: 1}


def test_it_counts_copies_without_storing_them_twice(team):
    brand = query(team.workspace, "brand", "小米")
    pipe = pipeline()
    ws = team.workspace.pk
    original = "小米发布会今天下午两点开始，大家记得来看直播"

    pipe.add(post("1", original), workspace_id=ws)
    pipe.add(post("2", original), workspace_id=ws)
    pipe.flush()
    pipe.add(post("3", f"转发微博//@张三:{original}"), workspace_id=ws)
    pipe.add(post("1", original), workspace_id=ws)  # the same post read again
    pipe.flush()

    assert list(Mention.objects.values_list("remote_id", "duplicates")) == [("1", 2)]
    assert MinuteCount.objects.get(query=brand).total == 3


def test_it_records_a_post_only_for_its_own_workspace(team):
    ours = query(team.workspace, "brand", "小米")
    query(team.other, "brand", "小米")
    pipe = pipeline()

    pipe.add(post("1", "小米手机"), workspace_id=team.workspace.pk)
    pipe.flush()

    assert list(Mention.objects.values_list("workspace_id", flat=True)) == [team.workspace.pk]
    assert list(MentionMatch.objects.values_list("query_id", flat=True)) == [ours.pk]


def test_it_reloads_edited_queries_without_a_restart(team):
    brand = query(team.workspace, "brand", "小米")
    pipe = pipeline(reload_every=0)
    ws = team.workspace.pk

    pipe.add(post("1", "华为手机"), workspace_id=ws)
    assert pipe.flush().matched == 0
    brand.text, brand.version, brand.updated_at = "小米 OR 华为", 2, now()
    brand.save()
    pipe.add(post("2", "华为手机"), workspace_id=ws)
    assert pipe.flush().matched == 1
    brand.active = False
    brand.save()
    pipe.add(post("3", "华为手机"), workspace_id=ws)
    assert pipe.flush().matched == 0
    assert list(Mention.objects.values_list("remote_id", flat=True)) == ["2"]


def test_it_flushes_by_itself_when_full_or_late(team):
    query(team.workspace, "brand", "小米")
    pipe = pipeline(batch_size=3, max_delay=0.0)
    pipe.max_delay = None
    for n in range(2):
        pipe.add(post(str(n), f"小米{n}"), workspace_id=team.workspace.pk)
    assert pipe.pending == 2
    pipe.add(post("2", "小米2"), workspace_id=team.workspace.pk)
    assert pipe.pending == 0
    pipe.max_delay = 0.0
    pipe.add(post("3", "小米3"), workspace_id=team.workspace.pk)
    assert pipe.pending == 0
    assert Mention.objects.count() == 4


@override_settings(LISTENING_DISPATCH_SYNC=True)
def test_it_raises_a_crisis_alert_once_per_window(team):
    crisis = query(team.workspace, "crisis", "召回 OR 爆炸", kind=QueryKind.CRISIS)
    pipe = pipeline()
    ws = team.workspace.pk

    pipe.add(post("1", "电池爆炸了"), workspace_id=ws)
    first = pipe.flush()
    pipe.add(post("2", "听说要召回", at=T0 + timedelta(minutes=1)), workspace_id=ws)
    second = pipe.flush()

    alert = Alert.objects.get()
    assert alert.kind == "crisis_word" and alert.query_id == crisis.pk
    assert first.alert_ids == (alert.pk,) and second.alert_ids == ()
    assert sorted(alert.mentions.values_list("remote_id", flat=True)) == ["1", "2"]


@override_settings(LISTENING_DISPATCH_SYNC=True)
def test_it_links_authors_to_contacts_and_alerts_on_media(team):
    query(team.workspace, "brand", "小米")
    reporter = Contact.objects.create(workspace=team.workspace, name="财经日报", kind="media")
    Identity.objects.create(
        workspace=team.workspace, contact=reporter, platform="weibo", handle="CaiJing"
    )
    pipe = pipeline()

    pipe.add(post("1", "小米财报", author="caijing"), workspace_id=team.workspace.pk)
    pipe.add(post("2", "小米新品", author="someone"), workspace_id=team.workspace.pk)
    pipe.flush()

    mention = Mention.objects.get(remote_id="1")
    assert (mention.contact_id, mention.author_type) == (reporter.pk, "media")
    assert Mention.objects.get(remote_id="2").contact_id is None
    assert list(Alert.objects.values_list("kind", "key")) == [("vip_author", f"vip:{mention.pk}")]


@override_settings(LISTENING_DISPATCH_SYNC=True)
def test_it_raises_a_spike_alert_once(team):
    brand = query(team.workspace, "brand", "小米", spike_floor=5, spike_ratio=3.0)
    pipe = pipeline()
    ws = team.workspace.pk
    start = T0 - timedelta(hours=3)
    for minute in range(180):  # a quiet history: one mention a minute
        at = start + timedelta(minutes=minute)
        MinuteCount.objects.create(
            workspace=team.workspace, query=brand, minute=at.replace(second=0), total=1
        )

    for n in range(30):
        pipe.add(post(f"p{n}", f"小米 第{n}条"), workspace_id=ws)
        if n % 10 == 9:
            pipe.flush()

    alerts = list(Alert.objects.values_list("kind", "key"))
    assert alerts == [("spike", f"spike:{brand.pk}:{T0:%Y%m%d%H%M}")]
    assert Alert.objects.get().mentions.count() > 0


def test_it_keeps_a_sample_of_what_it_reads(team):
    pipe = pipeline(sample_every=2)
    for n in range(10):
        pipe.add(post(str(n), f"随便说说 {n}"), workspace_id=team.workspace.pk)
    pipe.flush()
    assert SamplePost.objects.filter(workspace=team.workspace).count() == 5


def test_it_counts_in_memory_with_fixed_queries():
    store = MemoryStore()
    pipe = Pipeline(store=store, classify=False, max_delay=None, queries={1: "小米", 2: "华为"})
    for n, text in enumerate(["小米", "华为 小米", "天气", "小米!"]):
        pipe.add(post(str(n), text), workspace_id=0)
    pipe.flush()
    assert dict(store.per_query) == {1: 3, 2: 1}
    assert pipe.stats.read == 4


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor == "sqlite", reason="the PostgreSQL upsert")
def test_it_adds_minute_counts_of_two_pipelines_on_postgresql(team):
    brand = query(team.workspace, "brand", "小米")
    for name in ("a", "b"):
        pipe = pipeline()
        for n in range(3):
            pipe.add(post(f"{name}{n}", f"小米{name}{n}"), workspace_id=team.workspace.pk)
        pipe.flush()
    assert MinuteCount.objects.get(query=brand).total == 6
    assert Mention.objects.count() == 6
