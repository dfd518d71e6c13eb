"""The demo workspace listens to its sandbox world from the first start."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine

from socialops.accounts.models import Workspace
from socialops.listening import runner
from socialops.listening.demo import DEMO_QUERIES, load_demo_listening
from socialops.listening.models import (
    Destination,
    ListeningQuery,
    MentionMatch,
    QueryKind,
    Source,
    SourceKind,
)
from socialops.listening.pipeline import Pipeline

T0 = datetime(2026, 8, 3, 2, 1, tzinfo=UTC)


@pytest.fixture(autouse=True)
def clock() -> Iterator[Any]:
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


def test_the_demo_listens_to_its_sandbox_world(db):
    from socialops.accounts.demo import load_demo

    load_demo()  # calls load_demo_listening
    demo = Workspace.objects.get(slug="demo")
    queries = {q.name: q for q in ListeningQuery.objects.filter(workspace=demo)}
    assert set(queries) == {spec.name for spec in DEMO_QUERIES}
    assert {q.kind for q in queries.values()} == {
        QueryKind.BRAND,
        QueryKind.PRODUCT,
        QueryKind.COMPETITOR,
        QueryKind.CRISIS,
    }
    source = Source.objects.get(workspace=demo)
    assert source.kind == SourceKind.SANDBOX
    assert source.channel is not None and source.channel.connector == "sandbox"
    assert Destination.objects.filter(workspace=demo, kind="in_app", enabled=True).count() == 1
    assert load_demo_listening(demo) == []  # idempotent

    result = runner.run_source(source.pk, Pipeline(classify=False), budget=60)

    assert not result.error and result.read > 0
    hits = {
        name: MentionMatch.objects.filter(query=query).count() for name, query in queries.items()
    }
    # what the simulated audience says in public is found: brand, competitors, crisis words
    assert hits["示例品牌"] > 0 and hits["竞品甲"] > 0 and hits["格洛博 Globex"] > 0
    assert hits["危机词 Crisis words"] > 0 and hits["示例品牌新品"] > 0
    assert Source.objects.get(pk=source.pk).state == Source.State.IDLE
