"""Classification of short social texts: language, sentiment, emotion and intent.

One entry point, ``classify``, used by the inbox on arrival and by listening. The classifier behind
it can be replaced (``use``), so a trained model and the lexicon baseline share one interface.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

SENTIMENTS = ("positive", "neutral", "negative")
INTENTS = ("complaint", "question", "praise", "purchase", "spam", "abuse", "other")
EMOTIONS = ("neutral", "happy", "angry", "sad", "fear", "surprise")


@dataclass(frozen=True)
class Classification:
    lang: str  # "zh", "en", "other", or "" when the text has no letters
    sentiment: str  # one of SENTIMENTS
    intent: str  # one of INTENTS
    emotion: str = ""  # one of EMOTIONS, or "" when unknown
    # "sentiment:<label>", "emotion:<label>", "intent:<label>" -> confidence in [0, 1]
    scores: dict[str, float] = field(default_factory=dict)


class Classifier(Protocol):
    def classify(self, text: str, *, lang: str = "") -> Classification: ...


def default() -> Classifier:
    """The shipped classifier (linear models + intent rules); its models load on first use."""
    return _shipped


def use(classifier: Classifier | None) -> None:
    """Serve ``classify`` with another classifier; ``None`` goes back to the shipped one."""
    global _current
    _current = _shipped if classifier is None else classifier


def classify(text: str, *, lang: str = "") -> Classification:
    """Classify one text; ``lang`` "zh"/"en"/"other" skips detection ("" or "auto" detects)."""
    return _current.classify(text, lang=lang)


def classify_many(texts: list[str], *, lang: str = "") -> list[Classification]:
    """``classify`` for a batch (listening), in order; faster with the shipped classifier."""
    batch = getattr(_current, "classify_many", None)
    if batch is not None:
        return list(batch(texts, lang=lang))
    return [_current.classify(text, lang=lang) for text in texts]


from socialops.classify.linear import LinearClassifier  # noqa: E402 - it needs Classification

_shipped: Classifier = LinearClassifier()
_current: Classifier = _shipped
