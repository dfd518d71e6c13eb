"""Bluesky: 300 graphemes and rich-text facets with UTF-8 byte offsets.

Detection follows the official client (``detectFacets`` of @atproto/api): a mention, link or
tag starts the text or follows a space (a link or mention may also follow "("), a mention's
handle ends in a real top-level domain (or ``.test``), a bare domain becomes ``https://…``,
one closing ``.,;:!?`` and an unmatched ``)`` are trimmed. One deliberate difference: a link
or tag also ends before Chinese or full-width punctuation, so ``#新品，欢迎`` tags ``新品``.
"""

from __future__ import annotations

import regex

from .common import (
    Entity,
    EntityKind,
    Facet,
    FacetKind,
    TextCheck,
    count_graphemes,
    cut_at_cjk_punctuation,
    entity,
    is_known_tld,
    make_check,
    utf8_length,
    utf8_offsets,
)

BLUESKY_LIMIT = 300  # app.bsky.feed.post text: maxGraphemes
BLUESKY_MAX_BYTES = 3000  # app.bsky.feed.post text: maxLength (UTF-8 bytes)
BLUESKY_TAG_MAX_GRAPHEMES = 64
BLUESKY_TAG_MAX_BYTES = 640

# JavaScript's \b is ASCII-only; Python's would not end "@alice.bsky.social你好" before "你".
_ASCII_WORD_END = r"(?:(?<=[A-Za-z0-9_])(?![A-Za-z0-9_])|(?<![A-Za-z0-9_])(?=[A-Za-z0-9_]))"
_MENTION = regex.compile(rf"(?:^|\s|\()@(?P<handle>[a-zA-Z0-9.-]+){_ASCII_WORD_END}")
# atproto handle syntax: dot-separated labels of letters, digits and inner hyphens.
_HANDLE = regex.compile(
    r"([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?"
)
_LINK = regex.compile(
    r"(?:^|\s|\()(?P<uri>https?://\S+|(?P<domain>[a-z][a-z0-9]*(?:\.[a-z0-9]+)+)\S*)",
    regex.IGNORECASE | regex.MULTILINE,
)
_INVISIBLE = r"\u00AD\u2060\u200A\u200B\u200C\u200D\u20e2"
_TAG = regex.compile(
    rf"(?:^|\s)(?P<sign>[#＃])(?P<tag>(?!\ufe0f)[^\s{_INVISIBLE}]*"
    rf"[^\d\s\p{{P}}{_INVISIBLE}]+[^\s{_INVISIBLE}]*)?"
)
_TRAILING_PUNCTUATION = regex.compile(r"\p{P}+$")
_TAG_LETTER = regex.compile(r"[^\d\s\p{P}]")
_FACET_KINDS: dict[EntityKind, FacetKind] = {"link": "link", "mention": "mention", "topic": "tag"}


def check_bluesky(text: str, *, limit: int = BLUESKY_LIMIT) -> TextCheck:
    """Graphemes against ``limit`` (and 3000 bytes), with link, mention and tag facets."""
    found = [*_mentions(text), *_links(text), *_tags(text)]
    offsets = utf8_offsets(text)
    facets = [
        Facet(
            kind=_FACET_KINDS[item.kind],
            byte_start=offsets[item.start],
            byte_end=offsets[item.end],
            value=item.value,
        )
        for item in found
    ]
    return make_check(
        "bluesky",
        count_graphemes(text),
        limit,
        found,
        facets=facets,
        over=utf8_length(text) > BLUESKY_MAX_BYTES,
    )


def _mentions(text: str) -> list[Entity]:
    found = []
    for match in _MENTION.finditer(text):
        handle = match.group("handle")
        if not _HANDLE.fullmatch(handle) or len(handle) > 253:
            continue
        if not (handle.lower().endswith(".test") or is_known_tld(handle.rsplit(".", 1)[1])):
            continue  # probably not a handle
        start = match.start("handle") - 1
        found.append(entity("mention", text, start, match.end("handle"), handle.lower()))
    return found


def _links(text: str) -> list[Entity]:
    found = []
    for match in _LINK.finditer(text):
        written = cut_at_cjk_punctuation(match.group("uri"))
        domain = match.group("domain")
        if domain is not None and not is_known_tld(domain.rsplit(".", 1)[1]):
            continue
        if written[-1] in ".,;:!?":
            written = written[:-1]
        if written.endswith(")") and "(" not in written:
            written = written[:-1]
        if written.endswith("://"):
            continue  # nothing was left of it before the Chinese punctuation
        uri = written if domain is None else f"https://{written}"
        start = match.start("uri")
        found.append(entity("link", text, start, start + len(written), uri))
    return found


def _tags(text: str) -> list[Entity]:
    found = []
    for match in _TAG.finditer(text):
        tag = match.group("tag")
        if not tag:
            continue
        tag = _TRAILING_PUNCTUATION.sub("", cut_at_cjk_punctuation(tag).strip())
        too_long = (
            count_graphemes(tag) > BLUESKY_TAG_MAX_GRAPHEMES
            or utf8_length(tag) > BLUESKY_TAG_MAX_BYTES
        )
        if not tag or too_long or not _has_tag_letter(tag):
            continue
        start = match.start("sign")
        found.append(entity("topic", text, start, start + 1 + len(tag), tag))
    return found


def _has_tag_letter(tag: str) -> bool:
    """After the cut, the tag must still hold a character that is no digit or punctuation."""
    return _TAG_LETTER.search(tag) is not None
