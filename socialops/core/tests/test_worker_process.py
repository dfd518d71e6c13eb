"""The real worker: `socialops worker` starts, and its heartbeat lands in the database."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from cryptography.fernet import Fernet

BASE_DIR = Path(__file__).resolve().parents[3]
WAIT_SECONDS = 30


def _env(var_dir: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "CREDENTIALS_KEYS", "DEBUG"}
    }
    env["SOCIALOPS_VAR_DIR"] = str(var_dir)
    env["DJANGO_SETTINGS_MODULE"] = "socialops.settings"
    return env


def _cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own interpreter and command
        [sys.executable, "-m", "socialops.cli", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _heartbeats(database: Path) -> list[tuple[str, str, str]]:
    if not database.exists():
        return []
    connection = sqlite3.connect(database, timeout=5)
    try:
        return connection.execute(
            "SELECT worker, beat_at, started_at FROM core_workerheartbeat"
        ).fetchall()
    except sqlite3.OperationalError:  # table not there yet, or locked for a moment
        return []
    finally:
        connection.close()


def test_it_runs_the_worker_which_beats_into_the_database(tmp_path):
    env = _env(tmp_path)
    for step in (("init",), ("migrate",)):
        result = _cli(*step, env=env)
        assert result.returncode == 0, result.stderr
    assert (tmp_path / "secret_key").exists()
    assert (tmp_path / "credentials_key").exists()
    Fernet((tmp_path / "credentials_key").read_text().strip())
    database = tmp_path / "socialops.sqlite3"
    assert _heartbeats(database) == []

    worker = subprocess.Popen(  # noqa: S603 - our own interpreter and command
        [sys.executable, "-m", "socialops.cli", "worker", "--threads", "1"],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + WAIT_SECONDS
        beats = _heartbeats(database)
        while not beats and time.monotonic() < deadline and worker.poll() is None:
            time.sleep(0.25)
            beats = _heartbeats(database)
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            output, _ = worker.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            output, _ = worker.communicate()

    assert beats, f"no heartbeat within {WAIT_SECONDS}s; worker said:\n{output}"
    ((name, beat_at, started_at),) = beats
    assert name.endswith(f":{worker.pid}")
    assert beat_at and started_at
    assert (tmp_path / "huey.sqlite3").exists()
