"""Text normalisation, language detection and the n-gram features the linear models read.

The training script and the run-time scorer both call ``features_zh`` / ``features_en``, so the
shipped vocabulary always means what the scorer extracts.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable

URL = re.compile(r"(?:https?://|www\.)\S+|\b[a-z0-9.-]+\.(?:com|cn|net|org|io|me|cc)/\S*", re.I)
MENTION = re.compile(r"@[^\s@:：,，。!！?？/]{1,30}")
# Weibo-style emoticons: [哈哈], [泪], [good]
EMOTICON = re.compile(r"\[(?![0-9]+\])[^\[\]\s]{1,8}\]")
HASHTAG_MARK = re.compile(r"#")
DIGITS = re.compile(r"\d+")
SPACES = re.compile(r"\s+")
WORD_EN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|[!?]+|[\U0001F300-\U0001FAFF\u2600-\u27BF]")


def strip_emoticons(text: str) -> str:
    """Remove Weibo bracket emoticons ([哈哈], [泪]); used to train and evaluate without them."""
    return EMOTICON.sub(" ", text)


def normalise(text: str) -> str:
    """NFKC (full-width → half-width), lower case, URLs and @mentions out, digits folded."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = URL.sub(" ", text)
    text = MENTION.sub(" ", text)
    text = HASHTAG_MARK.sub(" ", text)
    text = DIGITS.sub("0", text)
    return SPACES.sub(" ", text).strip()


def _is_han(code: int) -> bool:
    return (
        0x4E00 <= code <= 0x9FFF
        or 0x3400 <= code <= 0x4DBF
        or 0x20000 <= code <= 0x2A6DF
        or 0xF900 <= code <= 0xFAFF
    )


def detect_lang(text: str) -> str:
    """ "zh", "en", "other", or "" when the text has no letters (emoji, links, numbers only).

    Counts script characters outside URLs and mentions: a Han character weighs three Latin
    letters (a Chinese word is one or two characters, an English word about five letters).
    Kana or Hangul make it "other" (Japanese also uses Han); Latin text with many accented
    letters is another European language.
    """
    text = MENTION.sub(" ", URL.sub(" ", text))
    han = latin = accented = kana_hangul = other = 0
    for char in text:
        code = ord(char)
        if code < 128:
            if char.isalpha():
                latin += 1
        elif _is_han(code):
            han += 1
        elif 0x3040 <= code <= 0x30FF or 0xAC00 <= code <= 0xD7AF or 0x1100 <= code <= 0x11FF:
            kana_hangul += 1
        elif char.isalpha():
            if code <= 0x024F:
                accented += 1
            else:
                other += 1
    if kana_hangul and kana_hangul * 4 >= han:
        return "other"
    zh_weight = han * 3
    en_weight = latin + accented
    other_weight = other + kana_hangul * 3
    if zh_weight == en_weight == other_weight == 0:
        return ""
    if zh_weight >= en_weight and zh_weight >= other_weight:
        return "zh"
    if en_weight >= other_weight:
        return "other" if accented * 20 > en_weight else "en"
    return "other"


@functools.cache
def _t2s() -> Callable[[str], str]:
    import opencc

    return opencc.OpenCC("t2s").convert  # type: ignore[no-any-return]


def to_simplified(text: str) -> str:
    """Traditional → simplified characters (the training corpora are simplified)."""
    return _t2s()(text)


def features_zh(text: str) -> list[str]:
    """Character 1-3 grams of the normalised, simplified text, plus each bracket emoticon."""
    text = to_simplified(normalise(text))
    feats = EMOTICON.findall(text)
    chars = text.replace(" ", "")
    size = len(chars)
    feats.extend(chars)
    feats.extend(chars[i : i + 2] for i in range(size - 1))
    feats.extend(chars[i : i + 3] for i in range(size - 2))
    return feats


def features_en(text: str) -> list[str]:
    """Word unigrams and bigrams, and character 3-5 grams inside each padded word."""
    words = WORD_EN.findall(normalise(text))
    feats = [f"w:{word}" for word in words]
    feats.extend(f"b:{a} {b}" for a, b in zip(words, words[1:], strict=False))
    for word in words:
        padded = f" {word} "
        size = len(padded)
        if size <= 4:
            continue
        for n in (3, 4, 5):
            feats.extend(padded[i : i + n] for i in range(size - n + 1))
    return feats


FEATURES = {"zh": features_zh, "en": features_en}
