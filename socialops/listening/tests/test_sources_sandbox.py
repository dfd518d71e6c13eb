"""The sandbox and search readers on a real sandbox world, through the runner and the pipeline."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine

from socialops.channels.actions import simulate_faults
from socialops.connectors.sandbox import network
from socialops.connectors.sandbox.models import Post as SandboxPost
from socialops.inbox.tests.factories import persona, sandbox_account, sandbox_channel
from socialops.listening import runner
from socialops.listening.models import ListeningQuery, Mention, Source, SourceKind
from socialops.listening.pipeline import Pipeline
from socialops.listening.sources import search as search_source
from socialops.listening.sources.sandbox import start_cursor

T0 = datetime(2026, 8, 3, 2, 1, tzinfo=UTC)


@pytest.fixture(autouse=True)
def clock() -> Iterator[Any]:
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


def public_post(channel: Any, text: str, *, index: int = 0, ago: float = 60) -> SandboxPost:
    """A public post of the channel's simulated audience, ``ago`` seconds before now."""
    world = sandbox_account(channel).world
    return SandboxPost.objects.create(
        world=world,
        number=network._numbers(world),
        author=persona(channel, index),
        text=text,
        created_at=world.simulated_until - timedelta(seconds=ago),
    )


def query(team: Any, name: str, text: str) -> ListeningQuery:
    return ListeningQuery.objects.create(workspace=team.workspace, name=name, text=text)


def run(source: Source, pipeline: Pipeline) -> runner.RunResult:
    return runner.run_source(source.pk, pipeline, budget=20)


def test_the_sandbox_stream_becomes_mentions_and_resumes(team):
    channel = sandbox_channel(team)
    query(team, "苍穹", "苍穹牌")
    public_post(channel, "今天入手了苍穹牌，体验真不错", ago=120)
    public_post(channel, "周末去爬山", index=1, ago=90)
    source = Source.objects.create(
        workspace=team.workspace, name="s", kind=SourceKind.SANDBOX, channel=channel
    )
    pipeline = Pipeline(classify=False)

    first = run(source, pipeline)

    source.refresh_from_db()
    mention = Mention.objects.get(workspace=team.workspace)
    assert (mention.platform, mention.source_id) == ("sandbox", source.pk)
    assert mention.text == "今天入手了苍穹牌，体验真不错" and mention.author_handle
    assert first.read >= 2 and not first.error and source.state == Source.State.IDLE
    assert source.cursor and source.read_total == first.read and source.matched_total >= 1

    public_post(channel, "苍穹牌的售后太差了", index=2, ago=1)
    second = run(source, pipeline)
    assert second.read == 1  # only what came after the cursor
    assert Mention.objects.filter(workspace=team.workspace).count() == 2


def test_a_new_source_starts_its_backfill_hours_ago(team):
    channel = sandbox_channel(team)
    query(team, "苍穹", "苍穹牌")
    public_post(channel, "苍穹牌 long ago", ago=3 * 3600)
    public_post(channel, "苍穹牌 lately", index=1, ago=600)
    source = Source.objects.create(
        workspace=team.workspace,
        name="s",
        kind=SourceKind.SANDBOX,
        channel=channel,
        config={"backfill_hours": 1},
    )

    run(source, Pipeline(classify=False))

    assert list(Mention.objects.values_list("text", flat=True)) == ["苍穹牌 lately"]


def test_a_connector_failure_is_recorded_and_the_cursor_kept(team):
    channel = sandbox_channel(team)
    source = Source.objects.create(
        workspace=team.workspace,
        name="s",
        kind=SourceKind.SANDBOX,
        channel=channel,
        cursor=start_cursor(1),
    )
    before = Source.objects.get(pk=source.pk).cursor
    simulate_faults(access=team.access("alice"), channel=channel, faults={"auth_expired": True})

    result = run(source, Pipeline(classify=False))

    source.refresh_from_db()
    assert result.error and source.state == Source.State.ERROR
    assert source.cursor == before and "21327" in source.last_error


def test_a_sandbox_source_without_a_channel_is_an_error(team):
    source = Source.objects.create(workspace=team.workspace, name="s", kind=SourceKind.SANDBOX)
    result = run(source, Pipeline(classify=False))
    source.refresh_from_db()
    assert result.error.startswith("config:") and source.state == Source.State.ERROR


def test_search_terms_come_from_what_a_query_requires():
    assert search_source.terms_of("苍穹牌") == ["苍穹牌"]
    assert search_source.terms_of('苍穹牌 OR "Demo Brand"') == ['"demo brand"', "苍穹牌"]
    assert search_source.terms_of("platform:weibo") == []
    assert search_source.terms_of("(broken") == []


def test_search_reads_each_active_query_since_its_last_post(team):
    channel = sandbox_channel(team)
    brand = query(team, "苍穹", "苍穹牌 OR 青云牌")
    query(team, "off", "离线词").__class__.objects.filter(name="off").update(active=False)
    public_post(channel, "苍穹牌 one", ago=300)
    public_post(channel, "青云牌 two", index=1, ago=200)
    public_post(channel, "离线词 three", index=2, ago=100)
    source = Source.objects.create(
        workspace=team.workspace, name="s", kind=SourceKind.SEARCH, channel=channel
    )
    pipeline = Pipeline(classify=False)

    first = run(source, pipeline)

    source.refresh_from_db()
    assert first.read == 2 and not first.error
    assert sorted(Mention.objects.values_list("text", flat=True)) == ["苍穹牌 one", "青云牌 two"]
    mark = json.loads(source.cursor)[str(brand.pk)]
    assert datetime.fromisoformat(mark["t"]) == sandbox_account(channel).world.simulated_until - (
        timedelta(seconds=200)
    )

    again = run(source, pipeline)  # nothing new: nothing read twice
    assert again.read == 0
    public_post(channel, "苍穹牌 four", index=3, ago=1)
    assert run(source, pipeline).read == 1


def test_a_long_search_answer_does_not_skip_what_lies_past_it(team, monkeypatch):
    from socialops.connectors.sandbox import connector as sandbox_connector

    monkeypatch.setattr(sandbox_connector, "SEARCH_LIMIT", 3)
    monkeypatch.setattr(search_source, "FULL_ANSWER", 3)
    channel = sandbox_channel(team)
    query(team, "苍穹", "苍穹牌 OR 青云牌")
    for n in range(5):
        public_post(channel, f"苍穹牌 {n}", index=n, ago=500 - n * 10)
    public_post(channel, "青云牌 late", index=6, ago=100)
    source = Source.objects.create(
        workspace=team.workspace, name="s", kind=SourceKind.SEARCH, channel=channel
    )
    pipeline = Pipeline(classify=False)

    for _ in range(4):
        run(source, pipeline)

    assert sorted(Mention.objects.values_list("text", flat=True)) == [
        "苍穹牌 0", "苍穹牌 1", "苍穹牌 2", "苍穹牌 3", "苍穹牌 4", "青云牌 late"
    ]  # fmt: skip
