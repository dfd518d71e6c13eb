"""Real `socialops publisher` processes, killed mid-publish and racing: every post goes out once.

The processes share the test's database: on PostgreSQL the test database itself (these tests
commit, transaction=True); on SQLite, whose test database lives in memory, a file copy of it
(VACUUM INTO) that the processes open and the test then reads with sqlite3.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection

from socialops.connectors.sandbox.models import Post as SandboxPost
from socialops.core.clock import now
from socialops.publishing.models import Publication, PublishAttempt

from .factories import sandbox_channel, scheduled_post

pytestmark = pytest.mark.django_db(transaction=True)

BASE_DIR = Path(__file__).resolve().parents[3]
PUBLICATIONS = Publication._meta.db_table
ATTEMPTS = PublishAttempt._meta.db_table
SANDBOX_POSTS = SandboxPost._meta.db_table


@dataclass
class Shared:
    """The database the worker processes use, and how the test reads it."""

    env: dict[str, str]
    sqlite_file: Path | None

    @contextmanager
    def cursor(self) -> Iterator[Any]:
        if self.sqlite_file is None:
            with connection.cursor() as cursor:
                yield cursor
            return
        db = sqlite3.connect(self.sqlite_file, timeout=30)
        try:
            yield db.cursor()
        finally:
            db.close()

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        with self.cursor() as cursor:
            cursor.execute(sql)
            return list(cursor.fetchall())


def _share(tmp_path: Path) -> Shared:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "DEBUG"}}
    env.update(
        SOCIALOPS_VAR_DIR=str(tmp_path),
        PYTHONFAULTHANDLER="1",
        DJANGO_SETTINGS_MODULE="socialops.settings",
        SECRET_KEY=settings.SECRET_KEY,
        CREDENTIALS_KEYS=",".join(settings.CREDENTIALS_KEYS),
    )
    if connection.vendor == "postgresql":
        db = connection.settings_dict
        password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
        env["DATABASE_URL"] = (
            f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
            f"/{db['NAME']}"
        )
        return Shared(env, None)
    copy = tmp_path / "socialops.sqlite3"
    with connection.cursor() as cursor:
        cursor.execute("VACUUM INTO %s", [str(copy)])
    return Shared(env, copy)


def _start(shared: Shared, log: Path, *options: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(  # noqa: S603 - our own interpreter and command
        [sys.executable, "-m", "socialops.cli", "publisher", "--interval", "0.05", *options],
        cwd=BASE_DIR,
        env=shared.env,
        stdout=subprocess.DEVNULL,
        stderr=log.open("wb"),
    )


def _wait_ready(process: subprocess.Popen[bytes], log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while b"publisher ready" not in log.read_bytes():
        assert process.poll() is None, log.read_text(errors="replace")
        assert time.monotonic() < deadline, "the publisher did not start"
        time.sleep(0.02)


def _states(shared: Shared) -> dict[str, int]:
    return dict(shared.rows(f"SELECT state, COUNT(*) FROM {PUBLICATIONS} GROUP BY state"))  # noqa: S608


def _wait_all_published(shared: Shared, count: int, timeout: float = 120) -> dict[str, int]:
    deadline = time.monotonic() + timeout
    states = _states(shared)
    while states.get("published", 0) < count and time.monotonic() < deadline:
        time.sleep(0.25)
        states = _states(shared)
    return states


def _stop(process: subprocess.Popen[bytes], log: Path) -> int:
    process.send_signal(signal.SIGTERM)
    try:
        # generous: on a loaded machine a SQLite writer may wait out its 20 s busy timeout
        return process.wait(timeout=90)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGABRT)  # faulthandler writes every thread's stack to the log
        process.wait(timeout=10)
        raise AssertionError(f"did not stop: {log.read_text(errors='replace')}") from None


def _posts_due_now(team: Any, *, accounts: int, posts: int, label: str) -> None:
    channels = [sandbox_channel(team, handle=f"{label}_{n}") for n in range(accounts)]
    at = now()
    for n in range(posts):
        scheduled_post(team, [channels[n % accounts]], at=at, body=f"{label} 第{n}条 #{n}")


def _sent_once_each(shared: Shared, posts: int) -> None:
    """Every publication is published, once, as the very post the sandbox holds under its key."""
    sent = shared.rows(
        f"SELECT s.text, COUNT(*) FROM {SANDBOX_POSTS} s WHERE s.idempotency_key <> '' "  # noqa: S608
        "GROUP BY s.text"
    )
    assert len(sent) == posts and all(n == 1 for _text, n in sent), sent
    matched = shared.rows(
        f"SELECT p.id FROM {PUBLICATIONS} p JOIN {SANDBOX_POSTS} s "  # noqa: S608
        "ON s.idempotency_key = p.idempotency_key "
        "AND CAST(s.number AS VARCHAR(40)) = p.remote_id WHERE p.state = 'published'"
    )
    assert len(matched) == posts


# One thread per worker, and four (rows of a claim sent at once, each account's in one thread).
CONCURRENCY = pytest.mark.parametrize("threads", ["1", "4"])


@CONCURRENCY
def test_it_publishes_every_post_exactly_once_while_workers_are_killed(team, tmp_path, threads):
    posts, kills = 20, 15
    _posts_due_now(team, accounts=4, posts=posts, label="kill")
    shared = _share(tmp_path)
    seed = random.randrange(1_000_000)  # noqa: S311 - kill moments, not secrets
    chance = random.Random(seed)  # noqa: S311
    options = ("--lease", "2", "--batch", "5", "--slow", "0.2", "--concurrency", threads)

    for kill in range(kills):
        log = tmp_path / f"kill-{kill}.log"
        process = _start(shared, log, *options)
        _wait_ready(process, log)
        time.sleep(chance.uniform(0.05, 1.5))
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    log = tmp_path / "last.log"
    survivor = _start(shared, log, *options)
    # The killed workers may have published everything already: let the survivor get to its
    # loop (and its SIGTERM handler) before it is asked to stop.
    _wait_ready(survivor, log)
    states = _wait_all_published(shared, posts)
    assert _stop(survivor, log) == 0, log.read_text(errors="replace")

    assert states == {"published": posts}, (seed, states, log.read_text(errors="replace"))
    _sent_once_each(shared, posts)
    lost = shared.rows(f"SELECT COUNT(*) FROM {ATTEMPTS} WHERE error_code = 'worker_lost'")  # noqa: S608
    assert lost[0][0] >= 3, f"too few kills landed mid-publish (seed {seed})"


@CONCURRENCY
def test_it_never_publishes_twice_when_workers_race(team, tmp_path, threads):
    posts = 30
    _posts_due_now(team, accounts=3, posts=posts, label="race")
    shared = _share(tmp_path)
    logs = [tmp_path / f"race-{n}.log" for n in range(3)]
    options = ("--batch", "3", "--slow", "0.03", "--concurrency", threads)
    racers = [_start(shared, log, *options) for log in logs]
    for racer, log in zip(racers, logs, strict=True):
        _wait_ready(racer, log)  # a late starter must still be able to stop cleanly

    states = _wait_all_published(shared, posts)
    codes = [_stop(racer, log) for racer, log in zip(racers, logs, strict=True)]

    assert codes == [0, 0, 0], [log.read_text(errors="replace") for log in logs]
    assert states == {"published": posts}
    _sent_once_each(shared, posts)
    attempts = shared.rows(
        f"SELECT publication_id, COUNT(*), MIN(outcome), MAX(outcome) FROM {ATTEMPTS} "  # noqa: S608
        "GROUP BY publication_id"
    )
    assert len(attempts) == posts
    assert {row[1:] for row in attempts} == {(1, "published", "published")}
    workers = shared.rows(f"SELECT COUNT(DISTINCT worker) FROM {ATTEMPTS}")  # noqa: S608
    assert workers[0][0] >= 2, "one worker took everything: no race happened"


def test_it_publishes_from_the_background_worker_too(team, tmp_path):
    _posts_due_now(team, accounts=1, posts=2, label="worker")
    shared = _share(tmp_path)
    log = tmp_path / "worker.log"
    worker = subprocess.Popen(  # noqa: S603 - our own interpreter and command
        [sys.executable, "-m", "socialops.cli", "worker", "--threads", "1"],
        cwd=BASE_DIR,
        env=shared.env,
        stdout=subprocess.DEVNULL,
        stderr=log.open("wb"),
    )

    states = _wait_all_published(shared, 2, timeout=60)
    code = _stop(worker, log)

    assert states == {"published": 2}, log.read_text(errors="replace")
    assert code == 0, log.read_text(errors="replace")
    _sent_once_each(shared, 2)
