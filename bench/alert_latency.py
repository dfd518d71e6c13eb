"""Alert latency: from ``Pipeline.add`` of a matching post to a webhook receiver getting the alert.

    .venv/bin/python bench/alert_latency.py [--alerts 200] [--database-url postgres://…]

A real HTTP receiver (http.server in a thread on 127.0.0.1) behind a generic-webhook
Destination; a crisis-words query (every match raises an alert; cooldown 1 minute, each matching
post a minute after the previous one so every alert has its own key). Posts are fed one at a
time with random gaps (20–120 ms, non-matching posts in between) into a Pipeline with
``max_delay=0.2``, the way a source's loop drives it: ``add`` each post, ``tick`` while waiting
for the next (every 20 ms). Delivery is ``delivery.dispatch``'s thread pool, as in production.
One alert is sent first and not measured (a running worker is warm: its delivery threads,
translations, HTTP stack). Prints p50/p90/p99/max over the alerts. Without ``--database-url``
a fresh SQLite database in a temporary directory.
"""

from __future__ import annotations

import argparse
import atexit
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
sys.path.insert(0, str(BASE_DIR / "bench"))

ARRIVED: dict[str, float] = {}  # alert key (by window start) → arrival time
ARRIVED_LOCK = threading.Lock()


class Receiver(BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        at = time.perf_counter()
        alert = json.loads(body).get("alert", {})
        with ARRIVED_LOCK:
            ARRIVED.setdefault(str(alert.get("window_start")), at)
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the signature
        return


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--alerts", type=int, default=200)
    parser.add_argument("--max-delay", type=float, default=0.2)
    parser.add_argument("--tick", type=float, default=0.02, help="Seconds between ticks.")
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    from publishing import _environment, _fresh_database

    scratch = Path(tempfile.mkdtemp(prefix="bench-alerts-"))
    atexit.register(shutil.rmtree, scratch, ignore_errors=True)
    _environment(scratch)
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
        _fresh_database()
    else:
        os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count

    from socialops.accounts.models import Workspace
    from socialops.listening.incoming import IncomingPost
    from socialops.listening.models import Alert, Delivery, Destination, ListeningQuery, QueryKind
    from socialops.listening.pipeline import Pipeline

    call_command("migrate", interactive=False, verbosity=0)
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    workspace = Workspace.objects.create(name="bench", slug="bench-alerts")
    Destination.objects.create(
        workspace=workspace,
        name="receiver",
        kind="webhook",
        url=f"http://127.0.0.1:{server.server_address[1]}/hook",
    )
    ListeningQuery.objects.create(
        workspace=workspace,
        name="crisis",
        text="爆炸 OR 召回 OR 起火",
        kind=QueryKind.CRISIS,
        alert_on_match=True,
        cooldown_minutes=1,
    )
    pipe = Pipeline(max_delay=args.max_delay, batch_size=2000)
    flush_seconds: list[float] = []
    flush = pipe.flush

    def timed_flush() -> Any:
        started = time.perf_counter()
        try:
            return flush()
        finally:
            flush_seconds.append(time.perf_counter() - started)

    pipe.flush = timed_flush  # type: ignore[method-assign]
    rng = random.Random(11)  # noqa: S311 - a reproducible benchmark
    base = datetime(2026, 11, 26, 0, 0, tzinfo=UTC)
    fillers = ["今天天气不错", "新品发布会几点开始", "这家店的咖啡很好喝", "周末去哪儿玩"]
    added: dict[str, float] = {}

    def words() -> str:  # distinct texts: near-copies of a post are counted, not alerted again
        return "".join(chr(rng.randint(0x4E00, 0x9FA5)) for _ in range(rng.randint(6, 20)))

    added_wall: dict[str, float] = {}

    def wait(seconds: float) -> None:
        until = time.perf_counter() + seconds
        while (left := until - time.perf_counter()) > 0:
            time.sleep(min(args.tick, left))
            pipe.tick()

    # a long-running worker has its delivery threads, translations and HTTP stack warm: one
    # alert first, not measured
    warm = IncomingPost(platform="weibo", remote_id="warm", text="召回", posted_at=base)
    pipe.add(warm, workspace_id=workspace.pk)
    deadline = time.perf_counter() + 120
    while not ARRIVED and time.perf_counter() < deadline:
        wait(0.05)
    ARRIVED.clear()
    base += timedelta(days=1)
    for n in range(args.alerts):
        at = base + timedelta(minutes=n)
        for k in range(rng.randint(0, 3)):
            filler = IncomingPost(
                platform="weibo",
                remote_id=f"f{n}-{k}",
                text=f"{rng.choice(fillers)} {n}-{k}",
                posted_at=at,
            )
            pipe.add(filler, workspace_id=workspace.pk)
            wait(rng.uniform(0.005, 0.03))
        post = IncomingPost(
            platform="weibo",
            remote_id=f"c{n}",
            text=f"{words()}{rng.choice(['爆炸', '召回', '起火'])}{words()}",
            posted_at=at,
        )
        added[at.isoformat()] = time.perf_counter()
        added_wall[at.isoformat()] = time.time()
        pipe.add(post, workspace_id=workspace.pk)
        wait(rng.uniform(0.02, 0.12))
    deadline = time.perf_counter() + 60
    while len(ARRIVED) < len(added) and time.perf_counter() < deadline:
        wait(0.05)
    server.shutdown()
    latencies = sorted((ARRIVED[key] - added[key]) * 1000 for key in added if key in ARRIVED)
    if not latencies:
        print("no alert arrived")
        return 1
    quantiles = statistics.quantiles(latencies, n=100)
    raised = sorted(
        (created.timestamp() - added_wall[start.isoformat()]) * 1000
        for start, created in Alert.objects.values_list("window_start", "created_at")
        if start is not None and start.isoformat() in added_wall
    )
    print(
        f"database: {connection.vendor}; max_delay {args.max_delay * 1000:.0f} ms, "
        f"tick {args.tick * 1000:.0f} ms"
    )
    states = dict(
        Delivery.objects.values_list("state").annotate(n=Count("id")).values_list("state", "n")
    )
    errors = set(Delivery.objects.exclude(last_error="").values_list("last_error", flat=True))
    print(
        f"alerts: {Alert.objects.count() - 1} raised, {len(latencies)}/{len(added)} arrived; "
        f"deliveries {states}{f', errors {sorted(errors)[:3]}' if errors else ''}"
    )
    print(
        f"latency add → receiver: p50 {statistics.median(latencies):.0f} ms, "
        f"p90 {quantiles[89]:.0f} ms, p99 {quantiles[98]:.0f} ms, max {latencies[-1]:.0f} ms"
    )
    print(
        f"of which add → alert row: p50 {statistics.median(raised):.0f} ms, "
        f"max {raised[-1]:.0f} ms; flushes {len(flush_seconds)}, "
        f"mean {statistics.mean(flush_seconds) * 1000:.0f} ms, "
        f"max {max(flush_seconds) * 1000:.0f} ms"
    )
    print(f"load average at the end: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0 if len(latencies) == len(added) else 1


if __name__ == "__main__":
    sys.exit(main())
