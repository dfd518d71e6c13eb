"""Classifier benchmark: texts/s of ``socialops.classify.classify`` over the real Weibo stream.

    .venv/bin/python bench/classify.py [--limit 200000] [--data ../shared/data]

Reads the non-empty texts of ../shared/data/weibo_ced/ced_stream.jsonl.gz (the CED Weibo
corpus; exits cleanly with a message when it is absent), loads them into memory first, then
classifies each text (language, sentiment and emotion models, intent rules) in this one process,
one by one and then in batches (``classify_many``), and reports texts/s and mean µs per text in
wall-clock and CPU time, the model load time and the label shares.
Not part of `make test`.
"""

from __future__ import annotations

import argparse
import gzip
import json
import platform
import sys
import time
from collections import Counter
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=BASE_DIR.parent / "shared" / "data")
    parser.add_argument("--limit", type=int, default=200_000, help="Texts to classify (0: all).")
    parser.add_argument("--batch", type=int, default=1000, help="Texts per classify_many call.")
    args = parser.parse_args()
    stream = args.data / "weibo_ced" / "ced_stream.jsonl.gz"
    if not stream.exists():
        print(f"skipped: {stream} is absent (see ../shared/data/README.md)")
        return 0

    texts: list[str] = []
    with gzip.open(stream, "rt", encoding="utf-8") as handle:
        for line in handle:
            text = json.loads(line).get("text") or ""
            if text.strip():
                texts.append(text)
                if args.limit and len(texts) >= args.limit:
                    break

    from socialops.classify.linear import LinearClassifier

    classifier = LinearClassifier()
    started = time.perf_counter()
    classifier.classify("预热")
    load_seconds = time.perf_counter() - started

    labels: dict[str, Counter[str]] = {
        "lang": Counter(),
        "sentiment": Counter(),
        "intent": Counter(),
    }
    started, cpu_started = time.perf_counter(), time.process_time()
    for text in texts:
        result = classifier.classify(text)
        labels["lang"][result.lang] += 1
        labels["sentiment"][result.sentiment] += 1
        labels["intent"][result.intent] += 1
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu_started

    chars = sum(len(text) for text in texts)
    print(
        f"machine: {platform.processor() or platform.machine()}, Python {platform.python_version()}"
    )
    print(f"texts: {len(texts):,} non-empty Weibo texts, mean {chars / len(texts):.0f} characters")
    print(f"model load: {load_seconds:.2f} s")
    for kind, spent in (("wall", seconds), ("CPU", cpu)):
        rate, micro = len(texts) / spent, spent / len(texts) * 1e6
        print(f"classify, one by one ({kind} time): {rate:,.0f} texts/s, {micro:.0f} µs/text")

    started, cpu_started = time.perf_counter(), time.process_time()
    for start in range(0, len(texts), args.batch):
        classifier.classify_many(texts[start : start + args.batch])
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    for kind, spent in (("wall", seconds), ("CPU", cpu)):
        rate, micro = len(texts) / spent, spent / len(texts) * 1e6
        print(
            f"classify_many, batches of {args.batch} ({kind} time): "
            f"{rate:,.0f} texts/s, {micro:.0f} µs/text"
        )
    for name, counter in labels.items():
        shares = ", ".join(
            f"{label or '(none)'} {count / len(texts):.1%}"
            for label, count in counter.most_common()
        )
        print(f"{name}: {shares}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
