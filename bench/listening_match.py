"""Listening match benchmark: 10,000 boolean queries against the raw automaton, on real Weibo text.

    .venv/bin/python bench/listening_match.py [--quick] [--repeat 3] [--data ../shared/data]

Reads the non-empty texts of ../shared/data/weibo_ced/ced_stream.jsonl.gz (the CED Weibo
corpus; exits cleanly with a message when it is absent; nothing is copied into the repository)
and normalises them once (timed: the pipeline's normalise stage). Then, over the same normalised
texts, in one process and alternating, ``--repeat`` times each:

- raw: one ahocorasick_rs automaton over 10,000 frequent terms (overlapping matches), the limit;
- match-only: ``Matcher.match_ids`` with 10,000 boolean queries built from those terms (brand OR
  synonyms, AND, NOT, NEAR/ONEAR, phrases and "…"~n), i.e. automaton + candidates + logic;
- naive: every query evaluated on every text (``evaluate.evaluate``), on a sample, which also
  checks that the fast path finds exactly the same matches.

Terms: the most frequent CJK 2–4-grams and Latin words of a sample of the texts by document
frequency, leaving out those in more than 2% of texts (stop-word-like). Peak memory with the
10,000 queries loaded is measured in a fresh child process (RSS and tracemalloc).
Not part of `make test`.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import random
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "socialops.settings")

_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")
_LATIN_WORD = re.compile(r"[a-z][a-z0-9]{2,}")


def load(stream: Path, limit: int) -> list[str]:
    texts: list[str] = []
    with gzip.open(stream, "rt", encoding="utf-8") as handle:
        for line in handle:
            text = json.loads(line).get("text") or ""
            if text.strip():
                texts.append(text)
                if limit and len(texts) >= limit:
                    break
    return texts


def document_frequency(texts: list[str]) -> Counter[str]:
    frequency: Counter[str] = Counter()
    for text in texts:
        grams: set[str] = set(_LATIN_WORD.findall(text))
        for run in _CJK_RUN.findall(text):
            for size in (2, 3, 4):
                grams.update(run[i : i + size] for i in range(len(run) - size + 1))
        frequency.update(grams)
    return frequency


def frequent_terms(
    frequency: Counter[str], size: int, count: int, share: float = 0.02
) -> list[str]:
    """The most frequent terms, leaving out those in more than ``share`` of the texts."""
    return [term for term, n in frequency.most_common() if n <= share * size][:count]


def brand_like_terms(frequency: Counter[str], count: int, low: int, high: int) -> list[str]:
    """Terms as rare as brand and product names: in ``low``…``high`` texts of the sample."""
    band = sorted(term for term, n in frequency.items() if low <= n <= high)
    return random.Random(7).sample(band, min(count, len(band)))  # noqa: S311


def make_queries(terms: list[str], count: int, seed: int = 6) -> dict[int, str]:
    rng = random.Random(seed)  # noqa: S311 - a reproducible benchmark

    def term() -> str:
        return rng.choice(terms)

    queries: dict[int, str] = {}
    for qid in range(count):
        kind = rng.random()
        if kind < 0.40:  # brand OR synonyms
            query = " OR ".join(term() for _ in range(rng.randint(2, 4)))
        elif kind < 0.60:  # brand AND topic
            query = f"({term()} OR {term()}) {term()}"
        elif kind < 0.75:  # brand minus noise
            query = f"({term()} OR {term()}) -{term()} -{term()}"
        elif kind < 0.90:  # proximity
            operator = rng.choice(["NEAR", "NEAR", "ONEAR"])
            query = f"({term()} OR {term()}) {operator}/{rng.randint(2, 8)} {term()}"
        elif kind < 0.95:
            query = f'"{term()}{term()}" OR {term()}'
        else:
            query = f'"{term()} {term()}"~{rng.randint(2, 6)}'
        queries[qid] = query
    return queries


def timed(function, texts):  # type: ignore[no-untyped-def]
    started, cpu = time.perf_counter(), time.process_time()
    result = function(texts)
    return time.perf_counter() - started, time.process_time() - cpu, result


def memory_child(query_file: str) -> int:
    import tracemalloc

    import django

    django.setup()
    from socialops.listening.matcher import LiveMatcher, Matcher

    queries = json.loads(Path(query_file).read_text(encoding="utf-8"))
    before = _rss_kib()
    started = time.perf_counter()
    live = LiveMatcher(dict(enumerate(queries)))
    build = time.perf_counter() - started
    after = _rss_kib()
    started = time.perf_counter()
    live.update(put={len(queries): queries[0] + " OR 新词"}, remove=[1])
    edit = time.perf_counter() - started
    del live
    tracemalloc.start()
    matcher = Matcher.build(dict(enumerate(queries)))
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        json.dumps(
            {
                "queries": len(matcher),
                "patterns": len(matcher.patterns),
                "build_s": build,
                "edit_s": edit,
                "rss_before_kib": before,
                "rss_after_kib": after,
                "python_peak_bytes": peak,
            }
        )
    )
    return 0


def _rss_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=BASE_DIR.parent / "shared" / "data")
    parser.add_argument("--quick", action="store_true", help="100,000 texts, 1 repeat.")
    parser.add_argument("--limit", type=int, default=0, help="Texts to use (0: all).")
    parser.add_argument("--repeat", type=int, default=3, help="Timed runs of raw and match.")
    parser.add_argument("--queries", type=int, default=10_000)
    parser.add_argument("--naive-sample", type=int, default=300)
    parser.add_argument("--memory-child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_child:
        return memory_child(args.memory_child)
    if args.quick:
        args.limit = args.limit or 100_000
        args.repeat = 1
        args.naive_sample = min(args.naive_sample, 100)

    stream = args.data / "weibo_ced" / "ced_stream.jsonl.gz"
    if not stream.exists():
        print(f"skipped: {stream} is absent (see ../shared/data/README.md)")
        return 0

    import ahocorasick_rs
    import django

    django.setup()
    from socialops.listening.evaluate import evaluate
    from socialops.listening.matcher import Matcher
    from socialops.listening.normalise import normalise
    from socialops.listening.query import Query

    started = time.perf_counter()
    originals = load(stream, args.limit)
    load_s = time.perf_counter() - started
    norm_wall, norm_cpu, texts = timed(lambda items: [normalise(t) for t in items], originals)
    chars = sum(len(t) for t in originals)

    sample = texts[:: max(1, len(texts) // 50_000)][:50_000]
    frequency = document_frequency(sample)
    frequent = frequent_terms(frequency, len(sample), args.queries)
    raw = ahocorasick_rs.AhoCorasick(frequent, matchkind=ahocorasick_rs.MatchKind.Standard)
    n = len(texts)

    def run_raw(items: list[str]) -> int:
        find = raw.find_matches_as_indexes
        hits = 0
        for text in items:
            hits += len(find(text, overlapping=True))
        return hits

    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(
        f"texts: {n:,} non-empty Weibo texts, mean {chars / n:.0f} characters (load {load_s:.1f} s)"
    )
    print(f"normalise: {n / norm_wall:,.0f} texts/s wall, {n / norm_cpu:,.0f} texts/s CPU")
    print(
        f"raw terms: the {len(frequent):,} most frequent CJK 2–4-grams and Latin words under 2% "
        f"document frequency in a {len(sample):,}-text sample"
    )
    low, high = 3, 25
    scenarios = {
        "frequent": frequent,
        "brand-like": brand_like_terms(frequency, args.queries, low, high),
    }
    failed = False
    for name, terms in scenarios.items():
        queries = make_queries(terms, args.queries)
        started = time.perf_counter()
        matcher = Matcher.build(queries)
        build_s = time.perf_counter() - started
        if name == "frequent":
            memory = _memory(queries)

        def run_match(items: list[str], matcher: Matcher = matcher) -> int:
            match = matcher.match_ids
            matched = 0
            for text in items:
                if match(text):
                    matched += 1
            return matched

        raw_runs, match_runs = [], []
        hits = matched = 0
        for _ in range(args.repeat):
            wall, cpu, hits = timed(run_raw, texts)
            raw_runs.append((wall, cpu))
            wall, cpu, matched = timed(run_match, texts)
            match_runs.append((wall, cpu))

        naive_texts = texts[:: max(1, n // args.naive_sample)][: args.naive_sample]
        parsed = {qid: item.query for qid, item in matcher.compiled.items()}

        def run_naive(items: list[str], parsed: dict[int, Query] = parsed) -> list[set[int]]:
            return [{q for q, query in parsed.items() if evaluate(query, text)} for text in items]

        _naive_wall, naive_cpu, naive_found = timed(run_naive, naive_texts)
        fast_found = [set(matcher.match_ids(text)) for text in naive_texts]
        agree = sum(a == b for a, b in zip(naive_found, fast_found, strict=True))
        failed = failed or agree != len(naive_texts)

        print()
        label = "the raw terms" if name == "frequent" else f"terms in {low}–{high} sample texts"
        print(f"== scenario {name}: queries built from {label}")
        print(
            f"queries: {len(matcher):,}, patterns {len(matcher.patterns):,}, "
            f"unanchored {len(matcher.unanchored)}, plain OR {len(matcher.plain):,}; "
            f"build {build_s:.2f} s; texts matching ≥ 1 query: {matched / n:.2%}; "
            f"raw hits per text {hits / n:.2f}"
        )
        raw_wall, raw_cpu = [n / w for w, _ in raw_runs], [n / c for _, c in raw_runs]
        match_wall, match_cpu = [n / w for w, _ in match_runs], [n / c for _, c in match_runs]
        for title, wall_rates, cpu_rates in (
            ("raw automaton", raw_wall, raw_cpu),
            ("match-only", match_wall, match_cpu),
        ):
            print(
                f"{title}: CPU best {max(cpu_rates):,.0f} texts/s "
                f"(runs {', '.join(f'{r:,.0f}' for r in cpu_rates)}); "
                f"wall best {max(wall_rates):,.0f}"
            )
        ratios = [m / r for m, r in zip(match_cpu, raw_cpu, strict=True)]
        print(
            f"ratio match-only / raw (CPU, same run): best {max(ratios):.1%}, "
            f"median {statistics.median(ratios):.1%}, worst {min(ratios):.1%}"
        )
        print(
            f"naive per-query scan: {len(naive_texts) / naive_cpu:,.1f} texts/s CPU "
            f"({len(naive_texts)} texts); the fast path agrees on {agree}/{len(naive_texts)}"
        )

    print()
    print(
        f"memory with {memory['queries']:,} queries ({memory['patterns']:,} patterns) loaded, "
        f"fresh process: RSS {memory['rss_before_kib'] / 1024:.0f} → "
        f"{memory['rss_after_kib'] / 1024:.0f} MiB "
        f"(+{(memory['rss_after_kib'] - memory['rss_before_kib']) / 1024:.0f} MiB); "
        f"Python peak while building {memory['python_peak_bytes'] / 2**20:.0f} MiB; "
        f"build {memory['build_s']:.2f} s, one edit {memory['edit_s'] * 1000:.0f} ms"
    )
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"this process's peak RSS (all texts held in memory): {own / 1024:.0f} MiB")
    print(f"load average at the end: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 1 if failed else 0


def _memory(queries: dict[int, str]) -> dict[str, float]:
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as f:
        json.dump([queries[qid] for qid in sorted(queries)], f, ensure_ascii=False)
    try:
        child = subprocess.run(  # noqa: S603 - our own script, our own arguments
            [sys.executable, __file__, "--memory-child", f.name],
            capture_output=True,
            text=True,
            check=True,
        )
    finally:
        os.unlink(f.name)
    return json.loads(child.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


if __name__ == "__main__":
    sys.exit(main())
