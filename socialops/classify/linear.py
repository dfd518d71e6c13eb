"""The default classifier: shipped linear models for sentiment/emotion, rules for intent."""

from __future__ import annotations

import re
import threading
from pathlib import Path

from socialops.classify import Classification
from socialops.classify.features import detect_lang
from socialops.classify.model import MODEL_DIR, LinearModel, decide_sentiment, load
from socialops.classify.rules import emotion_en, intent_scores, pick_intent

_EMOJI = re.compile(r"[\U0001F300-\U0001FAFF\u2600-\u27BF]")


def _hint(lang: str) -> str:
    """A caller's language, platform tags included ("zh-CN", "en_US"); "" to detect.

    Only zh and en are taken from tags: platforms' other language tags are often account
    defaults, and detection is cheap.
    """
    if lang == "other":
        return lang
    base = lang.lower().replace("_", "-").split("-", 1)[0]
    return base if base in ("zh", "en") else ""


class LinearClassifier:
    """Loads ``model/*.npz`` on first use (thread-safe); each call scores one text."""

    def __init__(self, model_dir: Path = MODEL_DIR) -> None:
        self.model_dir = model_dir
        self._models: dict[str, LinearModel] | None = None
        self._lock = threading.Lock()

    @property
    def models(self) -> dict[str, LinearModel]:
        if self._models is None:
            with self._lock:
                if self._models is None:
                    self._models = load(self.model_dir)
        return self._models

    def classify(self, text: str, *, lang: str = "") -> Classification:
        lang = _hint(lang) or detect_lang(text)
        model = self._model_for(text, lang)
        heads = model.scores(text) if model is not None else {}
        return self._result(text, lang, model, heads)

    def classify_many(self, texts: list[str], *, lang: str = "") -> list[Classification]:
        """``classify`` for each text, in order, the models scoring one batch per language."""
        hint = _hint(lang)
        langs = [hint or detect_lang(text) for text in texts]
        models = [
            self._model_for(text, text_lang) for text, text_lang in zip(texts, langs, strict=True)
        ]
        heads: list[dict[str, dict[str, float]]] = [{} for _ in texts]
        for model in {id(model): model for model in models if model is not None}.values():
            rows = [row for row, candidate in enumerate(models) if candidate is model]
            for row, scored in zip(
                rows, model.scores_many([texts[row] for row in rows]), strict=True
            ):
                heads[row] = scored
        return [
            self._result(text, text_lang, model, scored)
            for text, text_lang, model, scored in zip(texts, langs, models, heads, strict=True)
        ]

    def _model_for(self, text: str, lang: str) -> LinearModel | None:
        if not text.strip():
            return None
        if not lang and _EMOJI.search(text):
            return self.models.get("en")  # emoji only: the English model learned emoji from tweets
        return self.models.get(lang)

    def _result(
        self,
        text: str,
        lang: str,
        model: LinearModel | None,
        heads: dict[str, dict[str, float]],
    ) -> Classification:
        if not text.strip():
            return Classification(lang=lang, sentiment="neutral", intent="other")
        sentiment_scores = heads.get("sentiment") or {}
        sentiment = (
            decide_sentiment(sentiment_scores, model.neutral_below)
            if model is not None and sentiment_scores
            else "neutral"
        )
        emotion_scores = heads.get("emotion") or {}
        if emotion_scores:
            emotion = max(emotion_scores, key=emotion_scores.__getitem__)
        elif lang in ("en", ""):
            emotion, emotion_scores = emotion_en(text)
        else:
            emotion = ""
        intents = intent_scores(text, sentiment_scores)
        scores = {f"sentiment:{label}": p for label, p in sentiment_scores.items()}
        scores.update({f"emotion:{label}": p for label, p in emotion_scores.items()})
        scores.update({f"intent:{label}": p for label, p in intents.items()})
        return Classification(
            lang=lang,
            sentiment=sentiment,
            intent=pick_intent(intents),
            emotion=emotion,
            scores=scores,
        )
