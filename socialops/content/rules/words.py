"""Forbidden words: every variant of every word in one Aho-Corasick automaton over folded text.

A word's variants are its folded form and, where the word asks for it, its pinyin with and
without tone numbers ("weibo", "wei1bo2"); tone marks and spaces fold away with the text.
A variant made only of ASCII letters and digits must stand as a word of its own, so "ad" does
not match inside "read". Automata are cached by the words they hold: a changed rule set is a
new key, so nothing is ever stale.
"""

from __future__ import annotations

import functools
import itertools
from dataclasses import dataclass

import ahocorasick_rs
from pypinyin import Style, pinyin

from .normalise import Folded, fold_word

MAX_PINYIN_READINGS = 8  # heteronyms multiply; a word keeps at most this many readings


@dataclass(frozen=True, slots=True)
class Word:
    word: str
    pinyin: bool = False
    replacement: str = ""


@dataclass(frozen=True, slots=True)
class WordHit:
    word: Word
    start: int  # folded offsets, end exclusive
    end: int
    via_pinyin: bool


def pinyin_variants(word: str) -> set[str]:
    """The word's readings as plain letters and with tone numbers, at most a few of each."""
    variants: set[str] = set()
    for style in (Style.NORMAL, Style.TONE3):
        readings = pinyin(word, style=style, heteronym=True, errors="ignore")
        if not readings or len(readings) != len(word):
            continue  # a character without a reading: pinyin would match something else
        combos = itertools.islice(itertools.product(*readings), MAX_PINYIN_READINGS)
        variants.update("".join(combo) for combo in combos)
    return {fold_word(variant) for variant in variants if variant.isascii()}


class WordMatcher:
    def __init__(self, words: tuple[Word, ...]) -> None:
        owners: dict[str, list[tuple[Word, bool]]] = {}
        for word in words:
            folded = fold_word(word.word)
            if folded:
                owners.setdefault(folded, []).append((word, False))
            if word.pinyin:
                for variant in sorted(pinyin_variants(word.word)):
                    if variant and variant != folded:
                        owners.setdefault(variant, []).append((word, True))
        self.patterns = list(owners)
        self.owners = [owners[pattern] for pattern in self.patterns]
        self.automaton = (
            ahocorasick_rs.AhoCorasick(self.patterns, matchkind=ahocorasick_rs.MatchKind.Standard)
            if self.patterns
            else None
        )

    def find(self, folded: Folded) -> list[WordHit]:
        """Leftmost-longest hits that do not overlap, in text order."""
        if self.automaton is None or not folded.text:
            return []
        candidates: list[WordHit] = []
        for index, start, end in self.automaton.find_matches_as_indexes(
            folded.text, overlapping=True
        ):
            if self.patterns[index].isascii() and not _stands_alone(folded, start, end):
                continue
            word, via_pinyin = self.owners[index][0]
            candidates.append(WordHit(word=word, start=start, end=end, via_pinyin=via_pinyin))
        candidates.sort(key=lambda hit: (hit.start, -hit.end))
        kept: list[WordHit] = []
        for hit in candidates:
            if not kept or hit.start >= kept[-1].end:
                kept.append(hit)
        return kept


def _stands_alone(folded: Folded, start: int, end: int) -> bool:
    text = folded.text
    left = start == 0 or folded.gap_before[start] or not _ascii_alnum(text[start - 1])
    right = end == len(text) or folded.gap_before[end] or not _ascii_alnum(text[end])
    return left and right


def _ascii_alnum(char: str) -> bool:
    return char.isascii() and char.isalnum()


@functools.lru_cache(maxsize=256)
def matcher(words: tuple[Word, ...]) -> WordMatcher:
    return WordMatcher(words)
