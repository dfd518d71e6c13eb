"""Train the sentiment and emotion models from ../shared/data and write them as package data.

    .venv/bin/python -m socialops.classify.train [--data ../shared/data] [--no-snownlp]

Needs the dev dependencies (scikit-learn; SnowNLP for the comparison) and the data folders
described in ../shared/data/README.md; it never copies the data. It makes fixed-seed held-out
splits, trains TF-IDF features (the extractor in ``features.py``) + logistic regression, writes
``model/zh.npz``, ``model/en.npz`` and ``model/manifest.json``, and rewrites the figures section
of docs/classifiers.md. Same data and same versions → the same files.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from socialops.classify.features import FEATURES, normalise, strip_emoticons
from socialops.classify.model import FORMAT, LinearModel, decide_sentiment

SEED = 20261126
TEST_SHARE = 0.2
MAX_FEATURES = {"zh": 80_000, "en": 40_000}
C = {"zh": 4.0, "en": 2.0}
MODEL_DIR = Path(__file__).resolve().parent / "model"
DOCS = Path(__file__).resolve().parents[2] / "docs" / "classifiers.md"

# SMP2020-EWECT labels are the shared emotion set; NLPCC 2020 (weibo_covid19_emotion) maps onto it.
EMOTIONS = ("neutral", "happy", "angry", "sad", "fear", "surprise")
COVID_EMOTION = {
    0: "fear",
    1: "angry",  # disgust
    2: "happy",  # optimism
    3: "surprise",
    4: "happy",  # gratitude
    5: "sad",
    6: "angry",
}
EMOTION_SENTIMENT = {
    "neutral": "neutral",
    "happy": "positive",
    "angry": "negative",
    "sad": "negative",
    "fear": "negative",
    "surprise": "",  # either way: left out of sentiment training and evaluation
}


@dataclass
class Corpus:
    name: str
    lang: str
    texts: list[str]
    sentiment: list[str]  # "" where the corpus says nothing about sentiment
    emotion: list[str]  # "" where the corpus has no emotion labels
    binary: bool = False  # sentiment gold is positive/negative only


def load_corpora(data: Path) -> list[Corpus]:
    corpora = []
    with (data / "weibo_senti" / "dev.tsv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))[1:]
    texts = [row[1] for row in rows if len(row) == 2]
    labels = ["positive" if row[0] == "1" else "negative" for row in rows if len(row) == 2]
    corpora.append(Corpus("weibo_senti", "zh", texts, labels, [""] * len(texts), binary=True))

    for part in ("usual_eval_labeled", "virus_train", "virus_eval_labeled"):
        items = json.loads((data / "smp2020_ewect" / f"{part}.txt").read_text(encoding="utf-8"))
        texts = [item["content"] for item in items]
        emotion = [item["label"] for item in items]
        sentiment = [EMOTION_SENTIMENT[label] for label in emotion]
        corpora.append(Corpus(f"smp2020_ewect/{part}", "zh", texts, sentiment, emotion))

    raw = (data / "weibo_covid19_emotion" / "labeledData.csv").read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(raw)))[1:]
    emotion = [COVID_EMOTION[int(row[1])] for row in rows]
    corpora.append(
        Corpus(
            "weibo_covid19_emotion",
            "zh",
            [row[0] for row in rows],
            [EMOTION_SENTIMENT[label] for label in emotion],
            emotion,
            binary=True,
        )
    )

    tweet_dir = data / "tweeteval_sentiment"
    names = {"0": "negative", "1": "neutral", "2": "positive"}
    texts, labels = [], []
    for part in ("val", "test_part_a"):
        texts += (tweet_dir / f"{part}_text.txt").read_text(encoding="utf-8").splitlines()
        labels += [
            names[line.strip()]
            for line in (tweet_dir / f"{part}_labels.txt").read_text().splitlines()
        ]
    corpora.append(Corpus("tweeteval_sentiment", "en", texts, labels, [""] * len(texts)))
    return corpora


def split(corpus: Corpus) -> tuple[list[int], list[int]]:
    """Fixed-seed, stratified 80/20 split of one corpus (stratified on its primary label)."""
    from sklearn.model_selection import train_test_split

    strata = [e or s for s, e in zip(corpus.sentiment, corpus.emotion, strict=True)]
    indices = list(range(len(corpus.texts)))
    train, test = train_test_split(
        indices, test_size=TEST_SHARE, random_state=SEED, stratify=strata
    )
    return sorted(train), sorted(test)


@dataclass
class Head:
    labels: list[str]
    weights: np.ndarray  # features x labels
    bias: np.ndarray


class Model:
    """A trained vocabulary + idf and its heads, scored exactly as the run-time scorer does."""

    def __init__(self, lang: str, vectorizer: Any, heads: dict[str, Any]) -> None:
        self.lang = lang
        self.vectorizer = vectorizer
        self.heads = heads

    def proba(self, head: str, texts: Sequence[str]) -> tuple[list[str], np.ndarray]:
        model = self.heads[head]
        return list(model.classes_), model.predict_proba(self.vectorizer.transform(texts))


def train_lang(
    lang: str, texts: list[str], targets: dict[str, list[str]], log: Callable[[str], None]
) -> Model:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = TfidfVectorizer(
        analyzer=FEATURES[lang],
        max_features=MAX_FEATURES[lang],
        min_df=2,
        sublinear_tf=True,
        dtype=np.float32,
    )
    matrix = vectorizer.fit_transform(texts)
    heads = {}
    for head, labels in targets.items():
        rows = [i for i, label in enumerate(labels) if label]
        started = time.perf_counter()
        model = LogisticRegression(C=C[lang], max_iter=2000, class_weight="balanced")
        model.fit(matrix[rows], [labels[i] for i in rows])
        heads[head] = model
        log(f"  {lang}/{head}: {len(rows)} texts, {time.perf_counter() - started:.1f}s")
    return Model(lang, vectorizer, heads)


def tune_neutral(
    model: Model,
    texts: list[str],
    sentiment: list[str],
    groups: list[int],
    three_way: list[bool],
    *,
    log: Callable[[str], None],
) -> float:
    """The confidence under which a positive/negative call becomes neutral.

    Chosen on out-of-fold predictions of the training split (3 group folds, so a post and its
    stripped copy stay in one fold), maximising sentiment macro-F1 on the corpora that have
    neutral gold. The held-out splits play no part.
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import f1_score
    from sklearn.model_selection import GroupKFold, cross_val_predict

    rows = [i for i, label in enumerate(sentiment) if label]
    matrix = model.vectorizer.transform([texts[i] for i in rows])
    gold = [sentiment[i] for i in rows]
    estimator = LogisticRegression(C=C[model.lang], max_iter=2000, class_weight="balanced")
    proba = cross_val_predict(
        estimator,
        matrix,
        gold,
        groups=[groups[i] for i in rows],
        cv=GroupKFold(n_splits=3),
        method="predict_proba",
    )
    labels = sorted(set(gold))
    scored = [k for k, i in enumerate(rows) if three_way[i]]
    best, best_f1 = 0.0, -1.0
    for step in range(0, 31):
        threshold = round(0.3 + step * 0.02, 2)
        predicted = [
            decide_sentiment(dict(zip(labels, proba[k], strict=True)), threshold) for k in scored
        ]
        f1 = f1_score([gold[k] for k in scored], predicted, average="macro")
        if f1 > best_f1 + 1e-9:
            best, best_f1 = threshold, f1
    log(f"  {model.lang}: neutral below {best} (out-of-fold macro-F1 {best_f1:.3f})")
    return best


def export(model: Model, path: Path) -> dict[str, Any]:
    vocabulary = model.vectorizer.vocabulary_
    ordered = sorted(vocabulary, key=vocabulary.__getitem__)
    for feature in ordered:
        if "\n" in feature:
            raise ValueError(f"feature with a newline: {feature!r}")
    arrays: dict[str, np.ndarray] = {
        "vocab": np.frombuffer("\n".join(ordered).encode("utf-8"), dtype=np.uint8),
        "idf": model.vectorizer.idf_.astype(np.float32),
    }
    heads = {}
    for name, estimator in model.heads.items():
        labels = [str(label) for label in estimator.classes_]
        arrays[f"{name}_weights"] = estimator.coef_.T.astype(np.float16)
        arrays[f"{name}_bias"] = estimator.intercept_.astype(np.float32)
        arrays[f"{name}_labels"] = np.frombuffer(json.dumps(labels).encode(), dtype=np.uint8)
        heads[name] = labels
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)  # type: ignore[arg-type]
    # np.savez stamps zip entries with the current time: rewrite them with a fixed date
    data = _fixed_zip(buffer.getvalue())
    path.write_bytes(data)
    return {
        "file": path.name,
        "sha256": hashlib.sha256(data).hexdigest(),
        "bytes": len(data),
        "features": len(ordered),
        "heads": heads,
    }


def _fixed_zip(data: bytes) -> bytes:
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for info in sorted(source.infolist(), key=lambda item: item.filename):
            fixed = zipfile.ZipInfo(info.filename, date_time=(2026, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(fixed, source.read(info.filename), compresslevel=9)
    return out.getvalue()


def metrics(gold: Sequence[str], predicted: Sequence[str]) -> tuple[float, float]:
    from sklearn.metrics import accuracy_score, f1_score

    labels = sorted(set(gold))
    accuracy = float(accuracy_score(gold, predicted))
    macro = float(f1_score(gold, predicted, labels=labels, average="macro", zero_division=0))
    return accuracy, macro


def predict(model: LinearModel, head: str, texts: Sequence[str], binary: bool) -> list[str]:
    """Labels from the exported files through the run-time scorer: what the product ships."""
    out = []
    for text in texts:
        proba = model.scores(text)[head]
        if not proba:
            out.append("neutral")
        elif binary:  # gold has no neutral: compare positive with negative only
            out.append("positive" if proba["positive"] >= proba["negative"] else "negative")
        elif head == "sentiment":
            out.append(decide_sentiment(proba, model.neutral_below))
        else:
            out.append(max(proba, key=proba.__getitem__))
    return out


def check_export(model: Model, shipped: LinearModel, texts: Sequence[str]) -> float:
    """Largest gap between scikit-learn's probabilities and the shipped scorer's."""
    gap = 0.0
    for head in model.heads:
        labels, proba = model.proba(head, texts)
        for text, row in zip(texts, proba, strict=True):
            ours = shipped.scores(text)[head]
            if ours:
                gap = max(
                    gap, *(abs(ours[label] - p) for label, p in zip(labels, row, strict=True))
                )
    return gap


def snownlp_predict(texts: Sequence[str], binary: bool) -> list[str]:
    from snownlp import SnowNLP

    out = []
    for text in texts:
        p = SnowNLP(text).sentiments if text.strip() else 0.5
        if binary:
            out.append("positive" if p >= 0.5 else "negative")
        else:  # SnowNLP has no neutral: the middle band of its probability is neutral
            out.append("positive" if p >= 0.6 else "negative" if p <= 0.4 else "neutral")
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--data",
        type=Path,
        default=Path(__file__).resolve().parents[3] / "shared" / "data",
        help="Folder holding the corpora (default: ../shared/data beside the repository).",
    )
    parser.add_argument("--no-snownlp", action="store_true", help="Skip the SnowNLP comparison.")
    parser.add_argument(
        "--no-docs", action="store_true", help="Do not rewrite docs/classifiers.md."
    )
    args = parser.parse_args(argv)
    if not (args.data / "weibo_senti").is_dir():
        print(f"no training data in {args.data} (see ../shared/data/README.md)", file=sys.stderr)
        return 2

    def log(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    corpora = load_corpora(args.data)
    splits = {corpus.name: split(corpus) for corpus in corpora}
    held_out = {normalise(corpus.texts[i]) for corpus in corpora for i in splits[corpus.name][1]}

    import sklearn

    manifest: dict[str, Any] = {
        "format": FORMAT,
        "seed": SEED,
        "trained_with": f"scikit-learn {sklearn.__version__}, numpy {np.__version__}",
        "models": {},
        "corpora": {},
    }
    models: dict[str, Model] = {}
    neutral_below: dict[str, float] = {}
    for lang in ("zh", "en"):
        texts: list[str] = []
        sentiment: list[str] = []
        emotion: list[str] = []
        groups: list[int] = []  # a post and its stripped copy share a group
        three_way: list[bool] = []  # the corpus has neutral in its sentiment gold
        for corpus in (c for c in corpora if c.lang == lang):
            kept = 0
            for i in splits[corpus.name][0]:
                text = corpus.texts[i]
                if normalise(text) in held_out:
                    continue  # the same post sits in another corpus's test split
                kept += 1
                variants = [text]
                stripped = strip_emoticons(text)
                if lang == "zh" and stripped != text and stripped.strip():
                    variants.append(stripped)  # teach the words, not only the emoticons
                for variant in variants:
                    texts.append(variant)
                    sentiment.append(corpus.sentiment[i])
                    emotion.append(corpus.emotion[i])
                    groups.append(len(manifest["corpora"]) * 1_000_000 + i)
                    three_way.append(not corpus.binary)
            manifest["corpora"][corpus.name] = {
                "train": kept,
                "test": len(splits[corpus.name][1]),
            }
        targets = {"sentiment": sentiment}
        if lang == "zh":
            targets["emotion"] = emotion
        log(f"training {lang} on {len(texts)} texts")
        models[lang] = train_lang(lang, texts, targets, log)
        neutral_below[lang] = tune_neutral(
            models[lang], texts, sentiment, groups, three_way, log=log
        )

    MODEL_DIR.mkdir(exist_ok=True)
    shipped: dict[str, LinearModel] = {}
    for lang, model in models.items():
        entry = export(model, MODEL_DIR / f"{lang}.npz")
        entry["neutral_below"] = neutral_below[lang]
        manifest["models"][lang] = entry
        shipped[lang] = LinearModel(
            lang,
            MODEL_DIR / entry["file"],
            sha256=entry["sha256"],
            neutral_below=neutral_below[lang],
        )
        sample = [c.texts[i] for c in corpora if c.lang == lang for i in splits[c.name][1][:100]]
        gap = check_export(model, shipped[lang], sample)
        log(f"  {lang}: largest probability gap scikit-learn vs shipped scorer {gap:.4f}")
        if gap > 0.02:
            raise SystemExit(f"the shipped {lang} scorer disagrees with scikit-learn by {gap}")
    (MODEL_DIR / "manifest.json").write_text(
        json.dumps(manifest, indent=2, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8"
    )
    log(f"wrote {MODEL_DIR}")

    rows = evaluate(corpora, splits, shipped, snownlp=not args.no_snownlp, log=log)
    table = figures_markdown(rows)
    print(table)
    if not args.no_docs and DOCS.exists():
        rewrite_docs(table)
    return 0


def evaluate(
    corpora: list[Corpus],
    splits: dict[str, tuple[list[int], list[int]]],
    models: dict[str, LinearModel],
    *,
    snownlp: bool,
    log: Callable[[str], None],
) -> list[dict[str, Any]]:
    rows = []
    for corpus in corpora:
        test = splits[corpus.name][1]
        model = models[corpus.lang]
        for stripped in (False, True):
            if stripped and corpus.lang != "zh":
                continue
            for head in ("sentiment", "emotion"):
                gold_all = corpus.sentiment if head == "sentiment" else corpus.emotion
                pairs = [(corpus.texts[i], gold_all[i]) for i in test if gold_all[i]]
                if stripped:
                    pairs = [(strip_emoticons(t), g) for t, g in pairs]
                    pairs = [(t, g) for t, g in pairs if t.strip()]
                if not pairs:
                    continue
                texts = [t for t, _ in pairs]
                gold = [g for _, g in pairs]
                binary = head == "sentiment" and corpus.binary
                ours = metrics(gold, predict(model, head, texts, binary))
                row: dict[str, Any] = {
                    "corpus": corpus.name,
                    "head": head,
                    "emoticons": "stripped" if stripped else "kept",
                    "n": len(texts),
                    "task": ("pos/neg" if binary else f"{len(set(gold))}-way"),
                    "ours": ours,
                    "snownlp": None,
                }
                if snownlp and head == "sentiment" and corpus.lang == "zh":
                    started = time.perf_counter()
                    row["snownlp"] = metrics(gold, snownlp_predict(texts, binary))
                    took = time.perf_counter() - started
                    log(f"  snownlp {corpus.name} {len(texts)} in {took:.0f}s")
                rows.append(row)
    return rows


def figures_markdown(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| corpus (held-out 20%) | head | emoticons | task | texts | accuracy | macro-F1 "
        "| SnowNLP accuracy | SnowNLP macro-F1 |",
        "|---|---|---|---|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        snow = row["snownlp"]
        snow_cells = f"{snow[0]:.3f} | {snow[1]:.3f}" if snow else "– | –"
        lines.append(
            f"| {row['corpus']} | {row['head']} | {row['emoticons']} | {row['task']} "
            f"| {row['n']:,} | {row['ours'][0]:.3f} | {row['ours'][1]:.3f} | {snow_cells} |"
        )
    return "\n".join(lines)


START, END = "<!-- figures:start -->", "<!-- figures:end -->"


def rewrite_docs(table: str) -> None:
    text = DOCS.read_text(encoding="utf-8")
    if START not in text or END not in text:
        return
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    DOCS.write_text(f"{head}{START}\n{table}\n{END}{tail}", encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
