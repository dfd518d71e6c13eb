"""The publishing benchmark's set-up and loop, at a size a test can afford."""

from __future__ import annotations

import importlib.util
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType

import time_machine

from socialops.publishing.engine import Publisher
from socialops.publishing.models import Publication

from .factories import sandbox_channel, sandbox_posts

BENCH = Path(__file__).resolve().parents[3] / "bench" / "publishing.py"
T0 = datetime(2026, 7, 1, 1, 0, tzinfo=UTC)


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_publishing", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_it_publishes_the_benchmarks_posts_in_their_minute(team):
    bench = _bench()
    with time_machine.travel(T0, tick=False) as clock:
        first = sandbox_channel(team, handle="bench_0")
        channels = [first, *bench._more_channels(first, 2)]
        bench._schedule(team.workspace, channels, 30, start=T0, burst=False)
        publisher = Publisher(worker="bench", limit=10)
        for second in range(0, 61, 2):
            clock.move_to(T0 + timedelta(seconds=second))
            while publisher.run_once():
                pass

    rows = Publication.objects.values_list("state", "due_at", "published_at")
    lateness = [
        (at - due).total_seconds() for state, due, at in rows if state == "published" and at
    ]
    assert len(lateness) == 30
    assert bench._percentile(lateness, 0.99) < 2
    assert sum(len(sandbox_posts(c)) for c in channels) == 30
