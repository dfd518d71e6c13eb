"""The SLA report's arithmetic: percentiles, local days, a fixed number of queries."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from socialops.sla.models import Clock, SlaEvent
from socialops.sla.reports import local_bounds, percentile, sla_report

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(
    ("values", "fraction", "expected"),
    [
        ([], 0.5, None),
        ([7], 0.9, 7),
        ([1, 2, 3, 4], 0.5, 2.5),
        ([1, 2, 3, 4, 5], 0.5, 3),
        ([10, 20, 30, 40, 50, 60, 70, 80, 90, 100], 0.9, 91),
        ([0, 100], 0.9, 90),
        ([5, 5, 5], 0.9, 5),
    ],
)
def test_it_computes_percentiles_like_numpy(values, fraction, expected):
    assert percentile(values, fraction) == expected


def test_it_bounds_a_period_by_local_midnights():
    first, after = local_bounds(date(2026, 11, 26), date(2026, 11, 27), "Asia/Shanghai")

    assert first == datetime(2026, 11, 25, 16, 0, tzinfo=ZoneInfo("UTC"))
    assert after == datetime(2026, 11, 27, 16, 0, tzinfo=ZoneInfo("UTC"))


def _event(conversation, *, at, outcome="hit", elapsed=60, agent=None, metric="first_response"):
    clock = Clock.objects.create(
        workspace=conversation.workspace,
        conversation=conversation,
        metric=metric,
        state=outcome,
        target_seconds=1800,
        started_at=at,
    )
    return SlaEvent.objects.create(
        workspace=conversation.workspace,
        clock=clock,
        conversation=conversation,
        channel=conversation.channel,
        kind=conversation.kind,
        metric=metric,
        outcome=outcome,
        at=at,
        target_seconds=1800,
        elapsed_seconds=elapsed,
        agent=agent,
    )


def test_it_counts_events_on_their_local_day(team, inbox):
    conversation = inbox.conversation(kind="comment")
    _event(conversation, at=datetime(2026, 11, 26, 23, 30, tzinfo=SHANGHAI))  # 15:30 UTC
    _event(conversation, at=datetime(2026, 11, 27, 0, 30, tzinfo=SHANGHAI), outcome="missed")
    _event(conversation, at=datetime(2026, 11, 25, 23, 59, tzinfo=SHANGHAI))  # before the period

    report = sla_report(team.workspace, start=date(2026, 11, 26), end=date(2026, 11, 27))

    assert [(d.day.day, d.hit, d.missed) for d in report.daily] == [(26, 1, 0), (27, 0, 1)]
    assert (report.total.hit, report.total.missed, report.total.hit_rate) == (1, 1, 0.5)
    assert [g.label for g in report.by_kind] == ["Comment"]


def test_it_keeps_other_workspaces_out(team, inbox):
    from socialops.inbox.models import Conversation

    mine = inbox.conversation(kind="dm")
    _event(mine, at=datetime(2026, 11, 26, 12, 0, tzinfo=SHANGHAI))
    theirs = Conversation.objects.create(
        workspace=team.other, channel=mine.channel, kind="dm", thread_key="other"
    )
    _event(theirs, at=datetime(2026, 11, 26, 12, 0, tzinfo=SHANGHAI), outcome="missed")

    report = sla_report(team.workspace, start=date(2026, 11, 26), end=date(2026, 11, 26))

    assert (report.total.hit, report.total.missed) == (1, 0)


def test_it_takes_a_fixed_number_of_queries(team, inbox, django_assert_max_num_queries):
    people = [team.alice, team.bob, team.dave]
    for index in range(60):
        conversation = inbox.conversation(kind=["dm", "comment", "mention"][index % 3])
        _event(
            conversation,
            at=datetime(2026, 11, 1 + index % 28, 12, 0, tzinfo=SHANGHAI),
            outcome="hit" if index % 4 else "missed",
            elapsed=60 * (index + 1),
            agent=people[index % 3],
        )

    with django_assert_max_num_queries(4):
        report = sla_report(team.workspace, start=date(2026, 11, 1), end=date(2026, 11, 30))

    assert report.total.total == 60
    assert report.total.answered == 60
    assert {g.label for g in report.by_agent} == {"Alice", "Bob", "Dave"}
    assert report.total.median_seconds == 30.5 * 60


def test_it_names_the_misses_nobody_has_answered(team, inbox):
    conversation = inbox.conversation(kind="dm")
    _event(
        conversation,
        at=datetime(2026, 11, 26, 12, 0, tzinfo=SHANGHAI),
        outcome="missed",
        elapsed=None,
    )

    report = sla_report(team.workspace, start=date(2026, 11, 26), end=date(2026, 11, 26))

    (nobody,) = report.by_agent
    assert (nobody.key, nobody.label, nobody.missed, nobody.answered) == ("", "Nobody yet", 1, 0)
