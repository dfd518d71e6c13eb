"""Detection helpers: cooldown windows and reading minute totals back by (query, minute)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from socialops.listening.detection import read_totals, window_of
from socialops.listening.models import ListeningQuery, MinuteCount

T0 = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)


def test_it_puts_moments_into_cooldown_windows():
    width = timedelta(minutes=30)
    assert window_of(T0 + timedelta(minutes=29), width) == T0
    assert window_of(T0 + timedelta(minutes=30), width) == T0 + width
    assert window_of(T0 - timedelta(seconds=1), width) == T0 - width


def test_it_reads_totals_of_exactly_the_pairs_asked(team):
    a = ListeningQuery.objects.create(workspace=team.workspace, name="a", text="a")
    b = ListeningQuery.objects.create(workspace=team.workspace, name="b", text="b")
    for query, minute, total in ((a, 0, 5), (a, 1, 7), (b, 0, 2)):
        MinuteCount.objects.create(
            workspace=team.workspace,
            query=query,
            minute=T0 + timedelta(minutes=minute),
            total=total,
            negative=1,
        )

    found = read_totals([(a.pk, T0 + timedelta(minutes=1)), (b.pk, T0), (b.pk, T0 + timedelta(1))])

    assert found == {(a.pk, T0 + timedelta(minutes=1)): (7, 1), (b.pk, T0): (2, 1)}
