from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest

import socialops.classify as classify_module
from socialops.classify import Classification, classify, classify_many, use


class Shouting:
    def __init__(self) -> None:
        self.seen: list[tuple[str, str]] = []

    def classify(self, text: str, *, lang: str = "") -> Classification:
        self.seen.append((text, lang))
        return Classification(lang="en", sentiment="negative", intent="abuse", emotion="angry")


@pytest.fixture(autouse=True)
def restore_default() -> Iterator[None]:
    yield
    use(None)


def test_it_swaps_the_classifier_with_use() -> None:
    fake = Shouting()
    use(fake)
    result = classify("谢谢你们", lang="zh")
    assert (result.sentiment, result.intent, result.emotion) == ("negative", "abuse", "angry")
    assert fake.seen == [("谢谢你们", "zh")]


def test_it_goes_back_to_the_shipped_classifier_with_use_none() -> None:
    use(Shouting())
    use(None)
    result = classify("谢谢你们，太棒了")
    assert (result.sentiment, result.intent) == ("positive", "praise")
    assert type(classify_module._current).__name__ == "LinearClassifier"


def test_a_classification_is_immutable() -> None:
    result = classify("hello")
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.sentiment = "positive"  # type: ignore[misc]


def test_a_batch_goes_through_a_swapped_classifier_too() -> None:
    fake = Shouting()
    use(fake)
    assert [r.intent for r in classify_many(["a", "b"], lang="zh")] == ["abuse", "abuse"]
    assert fake.seen == [("a", "zh"), ("b", "zh")]
