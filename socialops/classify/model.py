"""The shipped linear models: loaded from .npz (no pickle) and scored in numpy.

A model file holds ``vocab`` (UTF-8 bytes, one feature per line), ``idf`` and, per head
(``sentiment``, ``emotion``), ``<head>_weights`` (features x labels), ``<head>_bias`` and
``<head>_labels`` (JSON bytes). Scoring repeats scikit-learn's TfidfVectorizer(sublinear_tf=True,
norm="l2") followed by LogisticRegression.predict_proba, so run time needs no scikit-learn.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from socialops.classify.features import FEATURES

if TYPE_CHECKING:
    import numpy as np

MODEL_DIR = Path(__file__).resolve().parent / "model"
FORMAT = 1


class ModelError(RuntimeError):
    """The shipped model files are missing or do not match what this loader reads."""


def manifest(model_dir: Path = MODEL_DIR) -> dict[str, Any]:
    try:
        data: dict[str, Any] = json.loads((model_dir / "manifest.json").read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelError(f"cannot read {model_dir / 'manifest.json'}: {exc}") from exc
    if data.get("format") != FORMAT:
        raise ModelError(f"model format {data.get('format')!r}, this loader reads {FORMAT}")
    return data


class LinearModel:
    def __init__(
        self, lang: str, path: Path, *, sha256: str = "", neutral_below: float = 0.0
    ) -> None:
        import numpy as np

        raw = path.read_bytes()
        if sha256 and hashlib.sha256(raw).hexdigest() != sha256:
            raise ModelError(f"{path.name} does not match its checksum in manifest.json")
        self.lang = lang
        self.neutral_below = neutral_below
        self.extract: Callable[[str], list[str]] = FEATURES[lang]
        import io

        with np.load(io.BytesIO(raw), allow_pickle=False) as data:
            vocab = bytes(data["vocab"]).decode("utf-8").split("\n")
            self.index = {feature: i for i, feature in enumerate(vocab)}
            self.idf = data["idf"].astype(np.float64)
            heads: dict[str, tuple[list[str], np.ndarray, np.ndarray]] = {}
            for key in data.files:
                if not key.endswith("_labels"):
                    continue
                head = key.removesuffix("_labels")
                labels = json.loads(bytes(data[key]).decode("utf-8"))
                weights = data[f"{head}_weights"].astype(np.float64)
                bias = data[f"{head}_bias"].astype(np.float64)
                if weights.shape != (len(vocab), len(labels)) or bias.shape != (len(labels),):
                    raise ModelError(f"{path.name}: {head} has shape {weights.shape}")
                heads[head] = (labels, weights, bias)
        # all heads side by side: one gather and one product per text
        self.heads = {head: labels for head, (labels, _, _) in heads.items()}
        self.weights = np.hstack([weights for _, weights, _ in heads.values()])
        self.bias = np.concatenate([bias for _, _, bias in heads.values()])
        self.slices: list[tuple[str, list[str], int, int]] = []
        start = 0
        for head, (labels, _, _) in heads.items():
            self.slices.append((head, labels, start, start + len(labels)))
            start += len(labels)
        if self.idf.shape != (len(vocab),):
            raise ModelError(f"{path.name}: idf has shape {self.idf.shape}")

    def scores(self, text: str) -> dict[str, dict[str, float]]:
        """Per head, label -> probability; empty dicts when no known feature occurs."""
        import numpy as np

        index = self.index
        found = [
            (index.get(feature), count) for feature, count in Counter(self.extract(text)).items()
        ]
        known = [(i, count) for i, count in found if i is not None]
        if not known:
            return {head: {} for head in self.heads}
        ids = np.array([i for i, _ in known], dtype=np.intp)
        tf = 1.0 + np.log(np.array([count for _, count in known], dtype=np.float64))
        x = tf * self.idf[ids]
        x /= math.sqrt(float(x @ x))
        logits = (x @ self.weights[ids] + self.bias).tolist()
        out = {}
        for head, labels, start, stop in self.slices:
            part = logits[start:stop]
            top = max(part)
            exps = [math.exp(value - top) for value in part]
            total = sum(exps)
            out[head] = {label: value / total for label, value in zip(labels, exps, strict=True)}
        return out

    def scores_many(self, texts: list[str]) -> list[dict[str, dict[str, float]]]:
        """``scores`` for many texts with one numpy pass (several times faster per text)."""
        import numpy as np

        index = self.index
        ids: list[int] = []
        counts: list[int] = []
        sizes: list[int] = []
        for text in texts:
            before = len(ids)
            for feature, count in Counter(self.extract(text)).items():
                i = index.get(feature)
                if i is not None:
                    ids.append(i)
                    counts.append(count)
            sizes.append(len(ids) - before)
        empty: dict[str, dict[str, float]] = {head: {} for head in self.heads}
        if not ids:
            return [dict(empty) for _ in texts]
        id_array = np.array(ids, dtype=np.intp)
        x = (1.0 + np.log(np.array(counts, dtype=np.float64))) * self.idf[id_array]
        size_array = np.array(sizes, dtype=np.intp)
        rows = np.repeat(np.arange(len(texts)), size_array)
        norms = np.sqrt(np.bincount(rows, weights=x * x, minlength=len(texts)))
        x /= norms[rows]
        contributions = self.weights[id_array] * x[:, None]
        logits = np.zeros((len(texts), self.weights.shape[1]))
        # rows are contiguous runs; empty rows have no run, so each sum stops at the next start
        nonempty = size_array > 0
        starts = (np.cumsum(size_array) - size_array)[nonempty]
        logits[nonempty] = np.add.reduceat(contributions, starts, axis=0)
        logits += self.bias
        out: list[dict[str, dict[str, float]]] = []
        heads = []
        for _head, _labels, start, stop in self.slices:
            part = logits[:, start:stop]
            exps = np.exp(part - part.max(axis=1, keepdims=True))
            heads.append((exps / exps.sum(axis=1, keepdims=True)).tolist())
        for row, size in enumerate(sizes):
            if not size:
                out.append(dict(empty))
                continue
            out.append(
                {
                    head: dict(zip(labels, probabilities[row], strict=True))
                    for (head, labels, _, _), probabilities in zip(self.slices, heads, strict=True)
                }
            )
        return out


def decide_sentiment(proba: dict[str, float], neutral_below: float) -> str:
    """The most probable label, but neutral when positive/negative wins with little confidence."""
    label = max(proba, key=proba.__getitem__)
    if label != "neutral" and proba[label] < neutral_below:
        return "neutral"
    return label


def load(model_dir: Path = MODEL_DIR) -> dict[str, LinearModel]:
    """Every language model listed in the manifest, checksums verified."""
    info = manifest(model_dir)
    models = {}
    for lang, entry in info["models"].items():
        if lang not in FEATURES:
            raise ModelError(f"manifest lists an unknown language {lang!r}")
        path = model_dir / entry["file"]
        try:
            models[lang] = LinearModel(
                lang,
                path,
                sha256=entry["sha256"],
                neutral_below=float(entry.get("neutral_below", 0.0)),
            )
        except (OSError, KeyError, ValueError) as exc:
            raise ModelError(f"cannot load {path}: {exc}") from exc
    return models
