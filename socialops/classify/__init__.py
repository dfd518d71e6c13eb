"""Classification of short social texts: language, sentiment, emotion and intent.

One entry point, ``classify``, used by the inbox on arrival and by listening. The classifier behind
it can be replaced (``use``), so a trained model and the lexicon baseline share one interface.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

SENTIMENTS = ("positive", "neutral", "negative")
INTENTS = ("complaint", "question", "praise", "purchase", "spam", "abuse", "other")


@dataclass(frozen=True)
class Classification:
    lang: str  # "zh", "en", or "" when unknown
    sentiment: str  # one of SENTIMENTS
    intent: str  # one of INTENTS
    emotion: str = ""
    scores: dict[str, float] = field(default_factory=dict)  # label -> confidence


class Classifier(Protocol):
    def classify(self, text: str, *, lang: str = "") -> Classification: ...


class _Neutral:
    """Placeholder until the lexicon classifier lands: says nothing it does not know."""

    def classify(self, text: str, *, lang: str = "") -> Classification:
        return Classification(lang=lang, sentiment="neutral", intent="other")


_current: Classifier = _Neutral()


def use(classifier: Classifier) -> None:
    global _current
    _current = classifier


def classify(text: str, *, lang: str = "") -> Classification:
    return _current.classify(text, lang=lang)
