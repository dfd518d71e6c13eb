"""Text folded for matching, with every folded character mapped back to the original text.

The steps, per original character: traditional → simplified (OpenCC t2s), compatibility
decomposition (full-width → half-width, ligatures), accents and tone marks dropped, case folded;
separators (spaces, punctuation, symbols, zero-width and other format characters) are left out
so that "微 博", "微*博" and "微\u200b博" all read "微博". ``origin[i]`` is the index in the
original text of folded character ``i``; ``gap_before[i]`` says whether a separator was left out
just before it (an ASCII word may begin there).
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass

import opencc

# Categories that separate rather than spell a word: punctuation, symbols, spaces, format
# characters (zero-width space and joiners, soft hyphen, BOM), controls.
_SEPARATOR_CATEGORIES = frozenset(
    {"Pc", "Pd", "Ps", "Pe", "Pi", "Pf", "Po", "Sm", "Sc", "Sk", "So", "Zs", "Zl", "Zp", "Cf", "Cc"}
)


@functools.cache
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional Chinese → simplified, keeping one character per character.

    OpenCC converts phrases; where a phrase changes the length the offsets would no longer line
    up, so that text is converted one character at a time instead.
    """
    converted = _converter().convert(text)
    if len(converted) == len(text):
        return converted
    return "".join(_char_to_simplified(char) for char in text)


@functools.cache
def _char_to_simplified(char: str) -> str:
    converted = _converter().convert(char)
    return converted if len(converted) == 1 else char


@functools.cache
def fold_char(char: str) -> str:
    """One character folded; empty when it is a separator."""
    decomposed = unicodedata.normalize("NFKD", char)
    kept = "".join(c for c in decomposed if not unicodedata.combining(c))
    folded = unicodedata.normalize("NFC", kept).casefold()
    return "".join(c for c in folded if unicodedata.category(c) not in _SEPARATOR_CATEGORIES)


@dataclass(frozen=True, slots=True)
class Folded:
    text: str
    origin: tuple[int, ...]  # folded index → original index
    gap_before: tuple[bool, ...]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original offsets (end exclusive) of the folded characters ``start:end``."""
        return self.origin[start], self.origin[end - 1] + 1


def fold(text: str) -> Folded:
    chars: list[str] = []
    origin: list[int] = []
    gaps: list[bool] = []
    gap = True  # the start of the text is a word boundary
    for index, char in enumerate(to_simplified(text)):
        folded = fold_char(char)
        if not folded:
            gap = True
            continue
        for piece in folded:
            chars.append(piece)
            origin.append(index)
            gaps.append(gap)
            gap = False
    return Folded(text="".join(chars), origin=tuple(origin), gap_before=tuple(gaps))


def fold_word(word: str) -> str:
    return fold(word).text
