"""The listener loop: passes over due sources, the worker thread, the CLI."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from socialops.listening import loop
from socialops.listening.cli import listen
from socialops.listening.models import Source, SourceKind

from .test_runner import FakePipeline, lines


@pytest.fixture
def replays(tmp_path: Path, settings: Any) -> Path:
    settings.LISTENING_REPLAY_DIRS = [tmp_path]
    return tmp_path


def replay(team: Any, path: Path, name: str, text: str, **fields: Any) -> Source:
    path.write_text(text)
    return Source.objects.create(
        workspace=team.workspace,
        name=name,
        kind=SourceKind.REPLAY,
        config={"path": str(path)},
        **fields,
    )


def test_one_pass_reads_every_enabled_source(team, replays):
    a = replay(team, replays / "a.jsonl", "a", lines(2))
    b = replay(team, replays / "b.jsonl", "b", lines(3, start=10))
    off = replay(team, replays / "c.jsonl", "c", lines(1, start=20), enabled=False)
    pipeline = FakePipeline()
    listener = loop.Listener(pipeline=pipeline, stream_budget=5)

    results = listener.run_once(force=True)

    assert sorted(r.source_id for r in results) == [a.pk, b.pk]
    assert sorted(p for batch in pipeline.stored for p in batch) == [
        "p0",
        "p1",
        "p10",
        "p11",
        "p12",
    ]
    assert Source.objects.get(pk=off.pk).cursor == ""
    # finished replays are not run again
    assert listener.run_once(force=True) == []


def test_a_polled_source_waits_for_its_interval(team, replays, monkeypatch):
    monkeypatch.setattr(loop, "is_streaming", lambda kind: False)
    source = replay(team, replays / "a.jsonl", "a", lines(1))
    Source.objects.filter(pk=source.pk).update(cursor="0")
    listener = loop.Listener(pipeline=FakePipeline(), poll_every=3600)

    assert len(listener.run_once()) == 1
    Source.objects.filter(pk=source.pk).update(state=Source.State.IDLE)
    assert listener.run_once() == []  # not due yet
    listener.poll_every = 0
    assert len(listener.run_once()) == 1


@pytest.mark.django_db(transaction=True)
def test_the_listener_thread_reads_and_stops(team, replays):
    source = replay(team, replays / "a.jsonl", "a", lines(4))
    pipeline = FakePipeline()
    thread = loop.ListenerThread(pipeline=pipeline, stream_budget=5)
    thread.start()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if Source.objects.get(pk=source.pk).state == Source.State.FINISHED:
            break
        time.sleep(0.1)
    thread.stop(timeout=10)

    assert not thread.is_alive()
    source.refresh_from_db()
    assert source.state == Source.State.FINISHED and source.cursor == "4"
    assert [p for batch in pipeline.stored for p in batch] == ["p0", "p1", "p2", "p3"]


def test_the_cli_runs_once_and_lists_the_sources(team, replays, monkeypatch):
    source = replay(team, replays / "a.jsonl", "a", lines(2, broken=(1,)))
    monkeypatch.setattr(loop.Listener, "pipeline", FakePipeline())

    ran = CliRunner().invoke(listen, ["run", "--once", "--source", str(source.pk)])
    assert ran.exit_code == 0, ran.output
    assert f"source {source.pk}: read 1" in ran.output and "(finished)" in ran.output

    listed = CliRunner().invoke(listen, ["sources"])
    assert listed.exit_code == 0 and "finished" in listed.output and "skipped 1" in listed.output

    missing = CliRunner().invoke(listen, ["run", "--once", "--source", "999999"])
    assert missing.exit_code != 0


@pytest.mark.django_db(transaction=True)
def test_stopping_mid_stream_stores_what_was_read_and_saves_the_cursor(team, replays):
    # a paced replay: one post every 0.2 s, far more than the test waits for
    base = "2026-11-01T00:00:00"
    rows = [
        f'{{"id": "p{i}", "text": "t{i}", "time": "{base[:-2]}{i // 5:02d}.{i % 5 * 2}"}}'
        for i in range(200)
    ]
    source = replay(team, replays / "slow.jsonl", "slow", "\n".join(rows) + "\n")
    Source.objects.filter(pk=source.pk).update(config={"path": "slow.jsonl", "speed": 1.0})
    pipeline = FakePipeline()
    thread = loop.ListenerThread(pipeline=pipeline, stream_budget=60)
    thread.start()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and sum(map(len, pipeline.stored)) < 3:
        time.sleep(0.05)
    started = time.monotonic()
    thread.stop(timeout=10)

    assert not thread.is_alive() and time.monotonic() - started < 5
    source.refresh_from_db()
    stored = [p for batch in pipeline.stored for p in batch]
    assert 3 <= len(stored) < 200 and pipeline.pending == 0
    assert source.cursor == str(len(stored)) and source.state == Source.State.IDLE
    assert source.locked_until is None
