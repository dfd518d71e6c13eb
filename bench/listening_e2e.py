"""Listening end to end: 10,000 queries over the real Weibo stream, stored into a database.

    .venv/bin/python bench/listening_e2e.py [--limit 200000] [--no-classify] [--profile]
        [--database-url postgres://postgres@127.0.0.1:5432/bench_listening]

Without ``--database-url`` a fresh SQLite database in a temporary directory (migrated first).
Queries: as bench/listening_match.py builds them (brand-like terms of the corpus: CJK 2–4-grams
and Latin words found in 3–25 texts of a 50,000-text sample; ORs of aliases, AND, NOT, NEAR,
phrases), stored as ListeningQuery rows of one workspace. Posts: ``replay.read_jsonl`` over
../shared/data/weibo_ced/ced_stream.jsonl.gz, through ``Pipeline.add`` (batches of 2,000), the
way a replay source runs. Prints texts/s, matched posts/s, where the time went and peak RSS.
"""

from __future__ import annotations

import argparse
import atexit
import cProfile
import os
import pstats
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
sys.path.insert(0, str(BASE_DIR / "bench"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=BASE_DIR.parent / "shared" / "data")
    parser.add_argument("--limit", type=int, default=200_000, help="Lines to read (0: all).")
    parser.add_argument("--queries", type=int, default=10_000)
    parser.add_argument("--batch-size", type=int, default=2000)
    parser.add_argument("--no-classify", action="store_true")
    parser.add_argument("--profile", action="store_true", help="Print the 25 costliest calls.")
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    stream = args.data / "weibo_ced" / "ced_stream.jsonl.gz"
    if not stream.exists():
        print(f"skipped: {stream} is absent (see ../shared/data/README.md)")
        return 0
    from publishing import _environment, _fresh_database

    scratch = Path(tempfile.mkdtemp(prefix="bench-listening-"))
    atexit.register(shutil.rmtree, scratch, ignore_errors=True)
    _environment(scratch)
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
        _fresh_database()
    else:
        os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    import listening_match as lm
    from django.core.management import call_command
    from django.db import connection

    from socialops.accounts.models import Workspace
    from socialops.listening.models import ListeningQuery, Mention, MinuteCount, Source
    from socialops.listening.pipeline import Pipeline
    from socialops.listening.replay import ReplayError, read_jsonl
    from socialops.listening.store import DatabaseStore

    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    print(f"database: {connection.vendor} ({time.perf_counter() - started:.1f} s to migrate)")
    sample = lm.load(stream, 50_000)
    frequency = lm.document_frequency(sample)
    terms = lm.brand_like_terms(frequency, args.queries, 3, 25)
    texts = lm.make_queries(terms, args.queries)
    workspace = Workspace.objects.create(name="bench", slug="bench-listening")
    ListeningQuery.objects.bulk_create(
        [
            ListeningQuery(workspace=workspace, name=f"q{qid}", text=text, spike_floor=10**9)
            for qid, text in texts.items()
        ],
        batch_size=1000,
    )
    source = Source.objects.create(workspace=workspace, name="weibo", kind="replay")

    class TimedStore(DatabaseStore):
        seconds = 0.0

        def write(self, batch):  # type: ignore[no-untyped-def]
            begun = time.perf_counter()
            try:
                return super().write(batch)
            finally:
                TimedStore.seconds += time.perf_counter() - begun

    started = time.perf_counter()
    pipe = Pipeline(
        store=TimedStore(),
        batch_size=args.batch_size,
        classify=not args.no_classify,
        max_delay=None,
    )
    print(f"queries: {len(pipe.live.current):,} loaded in {time.perf_counter() - started:.1f} s")

    posts = []
    broken = 0
    for item, cursor in read_jsonl(stream):
        if isinstance(item, ReplayError):
            broken += 1
        else:
            posts.append(item)
        if args.limit and cursor >= args.limit:
            break
    profiler = cProfile.Profile() if args.profile else None
    cpu, started = time.process_time(), time.perf_counter()
    if profiler:
        profiler.enable()
    for post in posts:
        pipe.add(post, source=source, workspace_id=workspace.pk)
    pipe.flush()
    if profiler:
        profiler.disable()
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    stats = pipe.stats
    print(
        f"posts: {stats.read:,} read ({broken:,} lines without text skipped), "
        f"{stats.matched:,} matched ({stats.matched / max(stats.read, 1):.1%}), "
        f"{stats.stored:,} new mentions, {stats.duplicates:,} copies"
    )
    print(
        f"end to end: {stats.read / wall:,.0f} texts/s, "
        f"{stats.matched / wall:,.0f} matched posts/s "
        f"(wall {wall:.1f} s, CPU {cpu:.1f} s; classify {'off' if args.no_classify else 'on'})"
    )
    print(f"store (one transaction per flush): {TimedStore.seconds:.1f} s of the wall time")
    print(
        f"rows: {Mention.objects.count():,} mentions, {MinuteCount.objects.count():,} minute counts"
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"peak RSS: {peak / 1024:.0f} MiB (all posts held in memory before the timed run)")
    print(f"load average at the end: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    return 0


if __name__ == "__main__":
    sys.exit(main())
