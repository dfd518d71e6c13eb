"""/healthz reports the database and the worker's heartbeat."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from huey.contrib.djhuey import HUEY

from socialops.core import tasks
from socialops.core.models import WorkerHeartbeat

NOW = datetime(2026, 8, 8, 8, 0, tzinfo=UTC)


@pytest.fixture
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)
    return time_machine


def _health() -> tuple[int, dict[str, Any]]:
    response = Client().get("/healthz")
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    return response.status_code, response.json()


def test_it_reports_a_worker_never_seen(db, frozen):
    status, body = _health()

    assert status == 200
    assert body["status"] == "degraded"
    assert body["database"]["ok"] is True
    assert body["database"]["detail"] in {"sqlite", "postgresql"}
    assert body["worker"] == {
        "ok": False,
        "status": "never_seen",
        "last_beat": None,
        "age_seconds": None,
    }


def test_it_reports_a_fresh_worker_as_ok(db, frozen):
    WorkerHeartbeat.objects.create(worker="host:1", beat_at=NOW - timedelta(seconds=42))

    status, body = _health()

    assert status == 200
    assert body["status"] == "ok"
    assert body["worker"]["status"] == "ok"
    assert body["worker"]["ok"] is True
    assert body["worker"]["age_seconds"] == 42.0
    assert body["worker"]["worker"] == "host:1"


def test_it_reports_a_silent_worker_as_stale(db, frozen):
    stale = settings.WORKER_HEARTBEAT_STALE_SECONDS
    WorkerHeartbeat.objects.create(worker="host:1", beat_at=NOW - timedelta(seconds=stale))
    assert _health()[1]["worker"]["status"] == "ok"  # exactly at the limit still counts

    WorkerHeartbeat.objects.update(beat_at=NOW - timedelta(seconds=stale + 1))
    status, body = _health()

    assert status == 200
    assert body["status"] == "degraded"
    assert body["worker"]["status"] == "stale"
    assert body["worker"]["ok"] is False


def test_it_goes_by_the_newest_beat_of_any_worker(db, frozen):
    WorkerHeartbeat.objects.create(worker="old:1", beat_at=NOW - timedelta(hours=3))
    WorkerHeartbeat.objects.create(worker="new:2", beat_at=NOW - timedelta(seconds=5))

    assert _health()[1]["worker"]["worker"] == "new:2"


def test_it_answers_503_when_the_database_is_down(db, monkeypatch):
    monkeypatch.setattr(
        "socialops.core.views.database_ok", lambda: (False, "OperationalError: gone")
    )

    status, body = _health()

    assert status == 503
    assert body["status"] == "down"
    assert body["database"] == {"ok": False, "detail": "OperationalError: gone"}
    assert body["worker"]["status"] == "unknown"


def test_it_beats_from_the_periodic_task(db, frozen):
    tasks.heartbeat.call_local()
    frozen.move_to(NOW + timedelta(minutes=1), tick=False)
    tasks.heartbeat.call_local()

    beat = WorkerHeartbeat.objects.get()
    assert beat.worker == tasks.WORKER_NAME
    assert beat.beat_at == NOW + timedelta(minutes=1)
    assert _health()[1]["worker"]["status"] == "ok"


def test_it_runs_the_heartbeat_every_minute_and_purges_hourly():
    moments = [datetime(2026, 1, 1, 5, minute) for minute in range(60)]  # noqa: DTZ001 - huey's clock
    due = [{task.name for task in HUEY.read_periodic(moment)} for moment in moments]

    assert all("heartbeat" in names for names in due)
    assert [minute for minute, names in enumerate(due) if "purge_expired" in names] == [17]


def test_it_beats_when_the_worker_starts(db, frozen, monkeypatch):
    assert "_on_startup" in HUEY._startup
    # The hook drops stale connections first; here that would end the test's transaction.
    dropped: list[bool] = []
    monkeypatch.setattr("django.db.close_old_connections", lambda: dropped.append(True))

    for hook in HUEY._startup.values():
        hook()

    assert dropped == [True]
    beat = WorkerHeartbeat.objects.get(worker=tasks.WORKER_NAME)
    assert beat.started_at == beat.beat_at == NOW


def test_it_purges_heartbeats_of_workers_gone_for_a_day(db, frozen):
    WorkerHeartbeat.objects.create(worker="gone:1", beat_at=NOW - timedelta(days=1, seconds=1))
    WorkerHeartbeat.objects.create(worker="here:2", beat_at=NOW - timedelta(hours=23))

    tasks.purge_expired.call_local()

    assert list(WorkerHeartbeat.objects.values_list("worker", flat=True)) == ["here:2"]
