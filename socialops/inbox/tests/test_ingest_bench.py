"""The ingestion benchmark's set-up and loop, at a size a test can afford."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from socialops.inbox.models import Conversation, Message

from .factories import sandbox_channel

BENCH = Path(__file__).resolve().parents[3] / "bench" / "inbox_ingest.py"


def _bench() -> ModuleType:
    sys.path.insert(0, str(BENCH.parent))
    spec = importlib.util.spec_from_file_location("bench_inbox_ingest", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_it_ingests_every_message_the_benchmark_writes(team):
    bench = _bench()
    channel = sandbox_channel(team)
    counts = bench._fill(channel, 250)

    seconds, totals = bench._drain(channel)

    assert sum(counts.values()) == 250 and set(counts) == {"comment", "mention", "dm"}
    assert totals["stored"] == Message.objects.filter(channel=channel).count() == 250
    assert totals["pages"] == 3 and seconds > 0
    by_kind = {kind: Message.objects.filter(conversation__kind=kind).count() for kind in counts}
    assert by_kind == counts
    assert Conversation.objects.filter(kind="dm").count() <= 300  # one per persona at most
