"""The runner: leases, cursors that only move with what is stored, failures, backoff, the end."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from socialops.core.clock import now
from socialops.listening import runner
from socialops.listening.incoming import IncomingPost
from socialops.listening.models import Source, SourceKind


@dataclass
class Flushed:
    matched: int


@dataclass
class FakePipeline:
    """add/flush/pending like the real pipeline; remembers what each flush stored."""

    batch_size: int = 10_000
    fail_on_flush: int | None = None  # the n-th flush (1-based) raises
    buffer: list[tuple[IncomingPost, int | None]] = field(default_factory=list)
    stored: list[list[str]] = field(default_factory=list)
    cursors_at_flush: list[str] = field(default_factory=list)

    @property
    def pending(self) -> int:
        return len(self.buffer)

    def add(self, post: IncomingPost, *, source: Any = None, workspace_id: int) -> None:
        self.buffer.append((post, source.pk if source else None))
        if len(self.buffer) >= self.batch_size:
            self.flush()

    def flush(self) -> Flushed:
        if self.fail_on_flush is not None and len(self.stored) + 1 == self.fail_on_flush:
            raise RuntimeError("the database went away")
        ids = [post.remote_id for post, _ in self.buffer]
        hits = sum("示例品牌" in post.text for post, _ in self.buffer)
        self.stored.append(ids)
        source_id = self.buffer[0][1] if self.buffer else None
        if source_id:
            self.cursors_at_flush.append(Source.objects.get(pk=source_id).cursor)
        self.buffer.clear()
        return Flushed(matched=hits)


def lines(n: int, *, start: int = 0, broken: tuple[int, ...] = ()) -> str:
    out = []
    base = datetime(2026, 11, 1, tzinfo=UTC)
    for i in range(start, start + n):
        if i in broken:
            out.append("{not json")
        else:
            at = (base + timedelta(seconds=i)).isoformat()
            out.append(json.dumps({"id": f"p{i}", "text": f"示例品牌 {i}", "time": at}))
    return "\n".join(out) + "\n"


@pytest.fixture
def replays(tmp_path: Path, settings: Any) -> Path:
    settings.LISTENING_REPLAY_DIRS = [tmp_path]
    return tmp_path


def replay_source(team: Any, path: Path, **config: Any) -> Source:
    return Source.objects.create(
        workspace=team.workspace,
        name=f"replay {path.name}",
        kind=SourceKind.REPLAY,
        config={"path": str(path), **config},
    )


def test_a_replay_is_read_to_its_end_and_finishes(team, replays):
    path = replays / "a.jsonl"
    path.write_text(lines(5, broken=(2,)))
    source = replay_source(team, path)
    pipeline = FakePipeline()

    result = runner.run_source(source.pk, pipeline, budget=10)

    source.refresh_from_db()
    assert [i for batch in pipeline.stored for i in batch] == ["p0", "p1", "p3", "p4"]
    assert (source.cursor, source.state, source.locked_until) == ("5", Source.State.FINISHED, None)
    assert source.skipped_total == 1  # read_total/matched_total: the pipeline's store counts
    assert result.finished and (result.read, result.skipped_items, result.matched) == (4, 1, 4)
    assert source.last_read_at is not None
    # a finished source is not read again
    assert runner.run_source(source.pk, pipeline, budget=10).skipped


def test_the_cursor_never_runs_ahead_of_what_is_stored(team, replays, monkeypatch):
    path = replays / "b.jsonl"
    path.write_text(lines(7))
    source = replay_source(team, path)
    monkeypatch.setattr(runner, "FLUSH_SIZE", 3)
    monkeypatch.setattr(runner, "FLUSH_EVERY", 3600.0)
    pipeline = FakePipeline()

    runner.run_source(source.pk, pipeline, budget=10)

    assert pipeline.stored == [["p0", "p1", "p2"], ["p3", "p4", "p5"], ["p6"]]
    # at each flush, the saved cursor still points before that flush's posts
    assert pipeline.cursors_at_flush == ["", "3", "6"]
    assert Source.objects.get(pk=source.pk).cursor == "7"


def test_a_pipeline_that_flushes_itself_moves_the_cursor_with_it(team, replays, monkeypatch):
    path = replays / "c.jsonl"
    path.write_text(lines(5))
    source = replay_source(team, path)
    monkeypatch.setattr(runner, "FLUSH_EVERY", 3600.0)
    pipeline = FakePipeline(batch_size=2)

    runner.run_source(source.pk, pipeline, budget=10)

    assert pipeline.stored == [["p0", "p1"], ["p2", "p3"], ["p4"]]
    assert pipeline.cursors_at_flush == ["", "2", "4"]
    source.refresh_from_db()
    assert source.cursor == "5"


def test_a_failed_flush_keeps_the_cursor_and_the_next_run_rereads(team, replays, monkeypatch):
    path = replays / "d.jsonl"
    path.write_text(lines(6))
    source = replay_source(team, path)
    monkeypatch.setattr(runner, "FLUSH_SIZE", 3)
    monkeypatch.setattr(runner, "FLUSH_EVERY", 3600.0)
    pipeline = FakePipeline(fail_on_flush=2)

    result = runner.run_source(source.pk, pipeline, budget=10)

    source.refresh_from_db()
    assert result.error.startswith("RuntimeError") and not result.finished
    assert (source.state, source.cursor, result.read) == (Source.State.ERROR, "3", 3)
    assert "database went away" in source.last_error
    assert source.locked_by == runner.BACKOFF_MARK
    # backing off: not run again at once
    assert runner.run_source(source.pk, FakePipeline(), budget=10).skipped

    Source.objects.filter(pk=source.pk).update(locked_until=now() - timedelta(seconds=1))
    again = FakePipeline()
    result = runner.run_source(source.pk, again, budget=10)
    source.refresh_from_db()
    assert again.stored[0][0] == "p3"  # from the saved cursor, nothing lost
    assert (source.state, source.cursor, source.last_error) == (Source.State.FINISHED, "6", "")


def test_backoff_doubles_while_failures_continue(team, replays):
    source = replay_source(team, replays / "missing.jsonl")

    first = runner.run_source(source.pk, FakePipeline(), budget=5)
    source.refresh_from_db()
    assert first.error.startswith("config:") and source.state == Source.State.ERROR
    assert source.locked_until and source.last_error_at
    wait1 = source.locked_until - source.last_error_at
    # the row remembers its backoff (locked_until - last_error_at): let it run out
    at = now() - timedelta(seconds=1)
    Source.objects.filter(pk=source.pk).update(locked_until=at, last_error_at=at - wait1)
    runner.run_source(source.pk, FakePipeline(), budget=5)
    source.refresh_from_db()
    assert source.locked_until and source.last_error_at
    wait2 = source.locked_until - source.last_error_at
    assert wait1 == runner.MIN_BACKOFF and wait2 == 2 * wait1


def test_paths_outside_the_replay_directories_are_refused(team, replays, tmp_path_factory):
    outside = tmp_path_factory.mktemp("elsewhere") / "x.jsonl"
    outside.write_text(lines(1))
    source = replay_source(team, outside)

    result = runner.run_source(source.pk, FakePipeline(), budget=5)

    source.refresh_from_db()
    assert source.state == Source.State.ERROR and source.cursor == ""
    assert "must be inside" in source.last_error and result.read == 0


def test_a_relative_path_is_found_in_the_replay_directory(team, replays):
    (replays / "rel.jsonl").write_text(lines(2))
    source = replay_source(team, Path("rel.jsonl"))
    pipeline = FakePipeline()
    runner.run_source(source.pk, pipeline, budget=5)
    assert pipeline.stored == [["p0", "p1"]]


def test_a_lease_keeps_a_second_runner_out(team, replays):
    path = replays / "e.jsonl"
    path.write_text(lines(3))
    source = replay_source(team, path)
    Source.objects.filter(pk=source.pk).update(
        locked_until=now() + timedelta(minutes=1), locked_by="other"
    )
    pipeline = FakePipeline()

    assert runner.run_source(source.pk, pipeline, budget=5).skipped
    assert pipeline.stored == [] and Source.objects.get(pk=source.pk).locked_by == "other"


def test_a_runner_that_lost_its_lease_saves_nothing(team, replays, monkeypatch):
    path = replays / "f.jsonl"
    path.write_text(lines(4))
    source = replay_source(team, path)
    monkeypatch.setattr(runner, "FLUSH_SIZE", 2)
    monkeypatch.setattr(runner, "FLUSH_EVERY", 3600.0)

    class Thief(FakePipeline):
        def flush(self) -> Flushed:
            Source.objects.filter(pk=source.pk).update(locked_by="thief")
            return super().flush()

    result = runner.run_source(source.pk, Thief(), budget=5)

    source.refresh_from_db()
    assert "taken over" in result.error
    assert (source.cursor, source.locked_by, result.read) == ("", "thief", 0)


def test_a_disabled_source_is_not_read(team, replays):
    path = replays / "g.jsonl"
    path.write_text(lines(1))
    source = replay_source(team, path)
    Source.objects.filter(pk=source.pk).update(enabled=False)
    assert runner.run_source(source.pk, FakePipeline(), budget=5).skipped


def test_a_paced_replay_stops_at_the_budget_and_resumes(team, replays):
    path = replays / "h.jsonl"
    base = datetime(2026, 11, 1, tzinfo=UTC)
    rows = [
        {"id": "a", "text": "x", "time": base.isoformat()},
        {"id": "b", "text": "y", "time": (base + timedelta(seconds=0.2)).isoformat()},
        {"id": "c", "text": "z", "time": (base + timedelta(seconds=60)).isoformat()},
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    source = replay_source(team, path, speed=1.0)
    pipeline = FakePipeline()

    first = runner.run_source(source.pk, pipeline, budget=1.0)

    source.refresh_from_db()
    assert [i for batch in pipeline.stored for i in batch] == ["a", "b"]
    assert (source.cursor, source.state, first.finished) == ("2", Source.State.IDLE, False)
    runner.run_source(source.pk, pipeline, budget=1.0)  # the next run starts with "c" at once
    source.refresh_from_db()
    assert [i for batch in pipeline.stored for i in batch] == ["a", "b", "c"]
    assert source.state == Source.State.FINISHED


def iter_of(items: list[Any]) -> Iterator[Any]:
    yield from items
