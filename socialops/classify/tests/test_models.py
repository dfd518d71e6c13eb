from __future__ import annotations

import hashlib
import json
import shutil
import time
from pathlib import Path

import numpy as np
import pytest

from socialops.classify import EMOTIONS, SENTIMENTS, classify, classify_many
from socialops.classify.features import FEATURES
from socialops.classify.linear import LinearClassifier
from socialops.classify.model import FORMAT, MODEL_DIR, ModelError, decide_sentiment, load


@pytest.mark.parametrize(
    ("text", "sentiment"),
    [
        ("太好了，终于收到了，非常满意，谢谢客服！", "positive"),
        ("今天天气真好，心情超级棒[哈哈]", "positive"),
        ("今天天气真好，心情超级棒", "positive"),  # the words alone, no emoticon
        ("我好开心啊", "positive"),
        ("质量太差了，用了两天就坏了，气死我了", "negative"),
        ("太失望了，再也不买了", "negative"),
        ("好难过，想哭", "negative"),
        ("恶心，骗子公司", "negative"),
        ("本店地址：北京市朝阳区", "neutral"),
        ("服務態度太差了，氣死我了", "negative"),  # traditional characters
        ("太好了，非常滿意，謝謝客服！", "positive"),
        ("I love this, best purchase ever!", "positive"),
        ("Thank you so much, you made my day :)", "positive"),
        ("This is the worst service I have ever had. Terrible.", "negative"),
        ("I hate waiting, so annoying", "negative"),
        ("New episode tonight at 8pm on channel 4", "neutral"),
    ],
)
def test_it_labels_clear_sentiment(text: str, sentiment: str) -> None:
    result = classify(text)
    assert result.sentiment == sentiment
    assert result.scores[f"sentiment:{sentiment}"] == max(
        result.scores[f"sentiment:{label}"] for label in SENTIMENTS
    )


@pytest.mark.parametrize(
    ("text", "emotion"),
    [
        ("我好开心啊", "happy"),
        ("气死我了！排了三个小时的队", "angry"),
        ("好难过，想哭[泪]", "sad"),
        ("吓死我了，地震了好害怕", "fear"),
        ("I'm so scared of the storm tonight", "fear"),  # English: the lexicon
        ("so happy and excited for the weekend", "happy"),
        ("The store opens at 9am on Monday.", ""),  # no English cue: unknown
    ],
)
def test_it_labels_clear_emotion(text: str, emotion: str) -> None:
    assert classify(text).emotion == emotion


def test_it_uses_the_given_language_instead_of_detecting() -> None:
    assert classify("今天很开心", lang="en").lang == "en"
    assert classify("今天很开心").lang == "zh"
    assert classify("今天很开心", lang="auto").lang == "zh"
    assert classify("today is great", lang="zh-CN").lang == "zh"  # platform tags
    assert classify("今天很开心", lang="en_US").lang == "en"
    assert classify("今天很开心", lang="ja").lang == "zh"  # other tags: detected
    assert classify("今天很开心", lang="other").lang == "other"
    # the English model knows no Chinese: no score beats the prior
    assert classify("今天很开心", lang="en").emotion == ""


def test_it_answers_empty_and_letterless_text() -> None:
    empty = classify("   ")
    assert (empty.lang, empty.sentiment, empty.intent, empty.emotion) == (
        "",
        "neutral",
        "other",
        "",
    )
    emoji = classify("👍👍")
    assert emoji.lang == ""
    assert emoji.sentiment in SENTIMENTS


def test_it_keeps_every_probability_in_the_scores() -> None:
    result = classify("质量太差了，我要退款")
    sentiment = [result.scores[f"sentiment:{label}"] for label in SENTIMENTS]
    emotion = [result.scores[f"emotion:{label}"] for label in EMOTIONS]
    assert sum(sentiment) == pytest.approx(1.0, abs=1e-3)
    assert sum(emotion) == pytest.approx(1.0, abs=1e-3)
    assert all(0.0 <= value <= 1.0 for value in result.scores.values())


def test_the_shipped_model_files_match_what_the_loader_reads() -> None:
    manifest = json.loads((MODEL_DIR / "manifest.json").read_text("utf-8"))
    assert manifest["format"] == FORMAT
    assert set(manifest["models"]) == set(FEATURES)
    for entry in manifest["models"].values():
        path = MODEL_DIR / entry["file"]
        data = path.read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"]
        assert len(data) == entry["bytes"] < 3_000_000  # small package data
        with np.load(path, allow_pickle=False) as arrays:
            vocab = bytes(arrays["vocab"]).decode("utf-8").split("\n")
            assert len(vocab) == len(set(vocab)) == entry["features"]
            assert arrays["idf"].shape == (len(vocab),)
            for head, labels in entry["heads"].items():
                assert json.loads(bytes(arrays[f"{head}_labels"])) == labels
                assert arrays[f"{head}_weights"].shape == (len(vocab), len(labels))
                assert np.isfinite(arrays[f"{head}_weights"]).all()
        assert 0.0 <= entry["neutral_below"] < 1.0
    assert sorted(manifest["models"]["zh"]["heads"]["sentiment"]) == sorted(SENTIMENTS)
    assert sorted(manifest["models"]["zh"]["heads"]["emotion"]) == sorted(EMOTIONS)
    assert sorted(manifest["models"]["en"]["heads"]["sentiment"]) == sorted(SENTIMENTS)


def test_a_weak_positive_or_negative_call_is_neutral() -> None:
    assert decide_sentiment({"positive": 0.5, "neutral": 0.2, "negative": 0.3}, 0.6) == "neutral"
    assert decide_sentiment({"positive": 0.7, "neutral": 0.2, "negative": 0.1}, 0.6) == "positive"
    assert decide_sentiment({"positive": 0.2, "neutral": 0.3, "negative": 0.5}, 0.0) == "negative"
    assert decide_sentiment({"positive": 0.2, "neutral": 0.5, "negative": 0.3}, 0.9) == "neutral"


def test_it_refuses_a_model_file_that_does_not_match_its_checksum(tmp_path: Path) -> None:
    for path in MODEL_DIR.iterdir():
        shutil.copy(path, tmp_path / path.name)
    (tmp_path / "en.npz").write_bytes((tmp_path / "en.npz").read_bytes()[:-10] + b"0" * 10)
    with pytest.raises(ModelError, match="checksum"):
        load(tmp_path)


def test_it_refuses_another_model_format(tmp_path: Path) -> None:
    for path in MODEL_DIR.iterdir():
        shutil.copy(path, tmp_path / path.name)
    manifest = json.loads((tmp_path / "manifest.json").read_text("utf-8"))
    manifest["format"] = FORMAT + 1
    (tmp_path / "manifest.json").write_text(json.dumps(manifest), "utf-8")
    with pytest.raises(ModelError, match="format"):
        LinearClassifier(tmp_path).classify("hello")


def test_it_loads_fast_and_classifies_well_under_a_millisecond() -> None:
    # CPU time, not wall time: the test machines are shared
    classifier = LinearClassifier()
    started = time.process_time()
    classifier.classify("开始")
    assert time.process_time() - started < 2.0  # measured about 0.3 s
    texts = [
        "我要投诉，退款一个月了还没到账，客服也不回复，这家店真的太坑了 //@某人: 同感",
        "Worst customer service ever, I want a refund. How do I cancel my order?",
    ] * 250
    started = time.process_time()
    for text in texts:
        classifier.classify(text)
    assert (time.process_time() - started) / len(texts) < 0.001  # measured about 0.1 ms


def test_a_batch_gets_the_labels_and_scores_of_one_by_one() -> None:
    texts = [
        "太好了，非常满意，谢谢客服！",
        "",
        "质量太差了，我要退款",
        "I love this, best purchase ever!",
        "👍👍",
        "Bonjour à tous, ça va très bien, merci beaucoup",
        "zzzzqqqq",  # no known feature
        "我要投诉！！",
    ]
    batch = classify_many(texts)
    assert len(batch) == len(texts)
    for text, result in zip(texts, batch, strict=True):
        single = classify(text)
        assert (result.lang, result.sentiment, result.emotion, result.intent) == (
            single.lang,
            single.sentiment,
            single.emotion,
            single.intent,
        )
        assert result.scores == pytest.approx(single.scores)
    assert [r.lang for r in classify_many(texts[:2], lang="en")] == ["en", "en"]
