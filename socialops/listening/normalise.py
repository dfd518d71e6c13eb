"""Text normalised for listening, fast, with positions mapped back to the original on demand.

Per character (the editorial-rules fold, ``socialops.content.rules.normalise``, one character at
a time): traditional → simplified, compatibility decomposition (full-width → half-width), accents
dropped, case folded. Format characters (zero-width space and joiners, soft hyphen, BOM) and
combining marks vanish. Separators (spaces, punctuation, symbols) vanish too, except that one
space is kept between two *word characters* (letters and digits of scripts that write spaces:
Latin, Cyrillic, Greek, Hangul…), so English keeps its word boundaries while "微 博", "微*博",
"微-博" and "微\u200b博" all read "微博".

``normalise(text)`` is the hot path: one ``str.translate`` plus two regular-expression passes.
``normalise_mapped(text)`` walks the text once more to give, for each normalised character, the
index of the original character it came from (for highlighting); both give the same text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from socialops.content.rules.normalise import fold_char, to_simplified

_DELETED_CATEGORIES = frozenset({"Cf", "Mn", "Me", "Cs", "Co"})


def is_cjk(char: str) -> bool:
    """A character of a script written without spaces: each one is a token of its own."""
    code = ord(char)
    return (
        0x2E80 <= code <= 0x9FFF
        or 0xF900 <= code <= 0xFAFF
        or 0xFF66 <= code <= 0xFF9F
        or 0x20000 <= code <= 0x3FFFF
    )


def is_word_char(char: str) -> bool:
    """A letter or digit of a script that separates words with spaces."""
    return char.isalnum() and not is_cjk(char)


class _FoldTable(dict[int, str]):
    """Code point → folded text, filled on first use (``str.translate`` reads it)."""

    def __missing__(self, code: int) -> str:
        folded = fold_one(chr(code))
        self[code] = folded
        return folded


def fold_one(char: str) -> str:
    """One original character folded: "" if it vanishes, " " if it separates."""
    if unicodedata.category(char) in _DELETED_CATEGORIES:
        return ""
    folded = fold_char(to_simplified(char))
    if not folded:
        return " "
    return "".join(c for c in folded if unicodedata.category(c) not in _DELETED_CATEGORIES)


_TABLE = _FoldTable()
_CJK = "\u2e80-\u9fff\uf900-\ufaff\uff66-\uff9f\U00020000-\U0003ffff"
_WORD = rf"[^\W_{_CJK}]"
_LOOSE_SPACES = re.compile(rf"(?<!{_WORD}) | (?!{_WORD})")
_MANY_SPACES = re.compile(r"  +")


def normalise(text: str) -> str:
    """The text as queries see it (see the module docstring)."""
    folded = text.translate(_TABLE)
    if " " not in folded:
        return folded
    if "  " in folded:
        folded = _MANY_SPACES.sub(" ", folded)
    return _LOOSE_SPACES.sub("", folded)


@dataclass(frozen=True, slots=True)
class Mapped:
    text: str
    origin: tuple[int, ...]  # normalised index → original index
    length: int  # of the original text

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original offsets (end exclusive) of the normalised characters ``start:end``."""
        if start >= end:
            return self.origin[start] if start < len(self.origin) else self.length, self.length
        return self.origin[start], self.origin[end - 1] + 1


def normalise_mapped(text: str) -> Mapped:
    """The same text as ``normalise``, with each character's original index."""
    chars: list[str] = []
    origin: list[int] = []
    pending: int | None = None  # original index of the first separator of a pending run
    for index, char in enumerate(text):
        for piece in _TABLE[ord(char)]:
            if piece == " ":
                if pending is None:
                    pending = index
                continue
            if pending is not None:
                if chars and is_word_char(chars[-1]) and is_word_char(piece):
                    chars.append(" ")
                    origin.append(pending)
                pending = None
            chars.append(piece)
            origin.append(index)
    return Mapped(text="".join(chars), origin=tuple(origin), length=len(text))


def token_starts(text: str) -> list[int]:
    """For each character of a normalised text, the index of the token it belongs to.

    A token is one CJK character, or a run of word characters (an English word, a number); a
    space belongs to no token (it gets the index of the next one). Other symbols that survive
    normalisation count as a token each.
    """
    tokens: list[int] = []
    count = -1
    previous_word = False
    for char in text:
        if char == " ":
            tokens.append(count + 1)
            previous_word = False
            continue
        word = is_word_char(char)
        if not (word and previous_word):
            count += 1
        tokens.append(count)
        previous_word = word
    return tokens
