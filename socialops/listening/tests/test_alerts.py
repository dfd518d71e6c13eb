"""Raising alerts: one per (workspace, key), repeats add mentions, a delivery per destination."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from django.db import connection

from socialops.conftest import Team
from socialops.listening.alerts import raise_alert
from socialops.listening.models import Alert, Delivery, Destination, Mention

POSTED = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)


def make_mentions(workspace, count: int, start: int = 0) -> list[int]:
    return [
        Mention.objects.create(
            workspace=workspace,
            platform="weibo",
            remote_id=str(n),
            text=f"帖子 {n}",
            posted_at=POSTED,
        ).pk
        for n in range(start, start + count)
    ]


def destination(team: Team, name: str, kind: str = "webhook", **fields) -> Destination:
    fields.setdefault("url", "https://hooks.example.com/x")
    return Destination.objects.create(workspace=team.workspace, name=name, kind=kind, **fields)


def test_it_raises_an_alert_once_and_adds_the_repeats_mentions(team):
    first = make_mentions(team.workspace, 3)
    more = make_mentions(team.workspace, 2, start=3)

    alert = raise_alert(
        team.workspace.pk,
        kind="spike",
        key="spike:1:2026-11-26T08:00",
        title="品牌 spike",
        detail={"observed": 60, "baseline": 12.5},
        mention_ids=first,
        window_start=POSTED,
    )
    again = raise_alert(
        team.workspace.pk,
        kind="spike",
        key="spike:1:2026-11-26T08:00",
        title="品牌 spike (again)",
        mention_ids=[*first[:1], *more],
    )

    assert alert is not None
    assert again is None
    assert Alert.objects.count() == 1
    stored = Alert.objects.get()
    assert stored.title == "品牌 spike"
    assert stored.detail == {"observed": 60, "baseline": 12.5}
    assert stored.window_start == POSTED
    assert sorted(stored.mentions.values_list("id", flat=True)) == sorted(first + more)


def test_it_keeps_keys_apart_per_workspace(team):
    one = raise_alert(team.workspace.pk, kind="spike", key="k", title="a")
    other = raise_alert(team.other.pk, kind="spike", key="k", title="b")

    assert one is not None and other is not None
    assert one.pk != other.pk


def test_it_creates_a_pending_delivery_per_destination_that_takes_the_kind(team):
    every = destination(team, "every kind")
    spikes = destination(team, "spikes only", alert_kinds=["spike"])
    destination(team, "crisis only", alert_kinds=["crisis_word"])
    destination(team, "off", enabled=False)
    in_app = destination(team, "bell", kind="in_app", url="")
    Destination.objects.create(workspace=team.other, name="elsewhere", kind="in_app")

    alert = raise_alert(team.workspace.pk, kind="spike", key="spike:x", title="t")
    raise_alert(team.workspace.pk, kind="spike", key="spike:x", title="t")

    assert alert is not None
    rows = Delivery.objects.filter(alert=alert)
    assert sorted(rows.values_list("destination_id", flat=True)) == sorted(
        [every.pk, spikes.pk, in_app.pk]
    )
    assert set(rows.values_list("state", "attempts")) == {("pending", 0)}
    assert Delivery.objects.count() == 3  # the repeat made none


def test_it_adds_to_the_alert_another_worker_raised_between_look_and_insert(team, monkeypatch):
    """The insert loses to a concurrent one: the constraint refuses it, the repeat path runs."""
    [mention] = make_mentions(team.workspace, 1)
    theirs = Alert.objects.create(workspace=team.workspace, kind="spike", key="k", title="theirs")
    real_filter = Alert.objects.filter
    looks = []

    def stale_first_look(*args, **kwargs):
        rows = real_filter(*args, **kwargs)
        looks.append(kwargs)
        return rows.none() if len(looks) == 1 else rows  # the first look misses their row

    monkeypatch.setattr(Alert.objects, "filter", stale_first_look)
    result = raise_alert(
        team.workspace.pk, kind="spike", key="k", title="ours", mention_ids=[mention]
    )

    assert result is None
    assert len(looks) == 2
    assert list(Alert.objects.values_list("title", flat=True)) == ["theirs"]
    assert list(theirs.mentions.values_list("id", flat=True)) == [mention]


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the in-memory SQLite test database locks tables instead of waiting; PostgreSQL only",
)
@pytest.mark.django_db(transaction=True)
def test_it_raises_one_alert_when_workers_race():
    from socialops.accounts import actions
    from socialops.conftest import make_user

    owner = make_user("alice")
    workspace = actions.create_workspace(actor=owner, name="Race", slug="race")
    Destination.objects.create(workspace=workspace, name="bell", kind="in_app")
    results: list[object] = []
    barrier = threading.Barrier(4)

    def fire() -> None:
        try:
            barrier.wait()
            results.append(raise_alert(workspace.pk, kind="spike", key="same", title="t"))
        finally:
            connection.close()

    threads = [threading.Thread(target=fire) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(results) == 4
    assert sum(1 for r in results if r is not None) == 1
    assert Alert.objects.filter(workspace=workspace).count() == 1
    assert Delivery.objects.filter(workspace=workspace).count() == 1
