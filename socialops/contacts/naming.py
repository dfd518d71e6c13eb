"""Chinese-aware sort keys: names sort by pinyin (then tone), as a Chinese reader expects."""

from __future__ import annotations

import unicodedata

from pypinyin import Style, lazy_pinyin

KEY_LENGTH = 800


def name_key(name: str) -> str:
    """ "李四" → "li3 si4"; Latin text is kept, lower-cased, so "Li Si" sorts beside "李四"."""
    text = unicodedata.normalize("NFKC", name).casefold()
    syllables = lazy_pinyin(text, style=Style.TONE3, neutral_tone_with_five=True)
    return " ".join(" ".join(s.split()) for s in syllables if s.strip())[:KEY_LENGTH]
