from __future__ import annotations

import pytest

from socialops.classify.features import detect_lang, strip_emoticons


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("今天天气真好", "zh"),
        ("The store opens at nine.", "en"),
        ("这个iPhone太贵了", "zh"),  # mixed: Han weighs more than Latin letters
        ("我用 iOS 和 Android 两个系统", "zh"),
        ("Just landed in 北京", "en"),
        ("好 https://example.com/a-very-long-english-looking-path-for-testing", "zh"),
        ("@someEnglishHandle 谢谢", "zh"),  # mentions do not count
        ("Great 👍👍👍 😂", "en"),  # emoji do not count
        ("👍👍 https://t.cn/abc 123", ""),  # nothing but emoji, a link and digits
        ("", ""),
        ("こんにちは、元気ですか", "other"),
        ("東京に行きました", "other"),  # Japanese with Han and kana
        ("안녕하세요 반갑습니다", "other"),
        ("Привет, как дела?", "other"),
        ("Bonjour à tous, ça va très bien, merci beaucoup, à bientôt", "other"),
        ("[哈哈][哈哈]", "zh"),
    ],
)
def test_it_detects_the_language(text: str, lang: str) -> None:
    assert detect_lang(text) == lang


def test_it_strips_weibo_emoticons_only() -> None:
    assert strip_emoticons("好开心[哈哈]！[good] 第[1]名").split() == ["好开心", "！", "第[1]名"]
