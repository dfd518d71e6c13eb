"""Mastodon: StatusLengthValidator's count, mentions and hashtags."""

from __future__ import annotations

import regex

from .common import Entity, TextCheck, count_graphemes, entity, make_check, remove_overlapping
from .urls import LATIN_ACCENTS, MASTODON_URLS, extract_urls

MASTODON_DEFAULT_LIMIT = 500  # StatusLengthValidator::MAX_CHARS; instances may change it
MASTODON_URL_LENGTH = 23  # URL_PLACEHOLDER_CHARS (characters_reserved_per_url)

# Account::MENTION_RE: "@user" or "@user@domain", not after "=", "/" or a word character.
_MENTION = regex.compile(
    r"(?<![=/\w])@(?P<acct>(?P<username>(?i:[a-z0-9_]+(?:[.-]+[a-z0-9_]+)*))"
    r"(?:@\w+(?:[.-]+\w+)*)?)"
)
_END_MENTION = regex.compile(rf"[@＠{LATIN_ACCENTS}]|://")

# Tag::HASHTAG_RE: after a space or the start; letters, digits, "_", "·", "・", ZWNJ, and at
# least one letter.
_SEPARATORS = "_\u00b7\u30fb\u200c"
_HASHTAG = regex.compile(
    rf"(?:(?<=^)|(?<=\s))[#＃](?P<tag>"
    rf"[\w_][\w{_SEPARATORS}]*[\p{{Alpha}}{_SEPARATORS}][\w{_SEPARATORS}]*[\w_]"
    r"|[\w_]*\p{Alpha}[\w_]*)"
)
_TRAILING_PROTOCOL = regex.compile(r"(.+?)(https?)$")


def check_mastodon(
    text: str,
    *,
    limit: int = MASTODON_DEFAULT_LIMIT,
    url_length: int = MASTODON_URL_LENGTH,
    spoiler_text: str = "",
) -> TextCheck:
    """Length as Mastodon counts it against ``limit``, the instance's max_characters.

    Steps, as StatusLengthValidator: every URL with a protocol becomes ``url_length``
    placeholder characters, every ``@user@domain`` becomes ``@user``, the content warning
    is prepended, and grapheme clusters are counted.
    """
    links = [
        entity("link", text, url.start, url.end, text[url.start : url.end])
        for url in extract_urls(text, MASTODON_URLS, without_protocol=False)
    ]
    mentions = _mentions(text)
    countable = _countable_text(text, remove_overlapping([*links, *mentions]), url_length)
    length = count_graphemes(spoiler_text + countable)
    return make_check(
        "mastodon", length, limit, remove_overlapping([*links, *mentions, *_hashtags(text)])
    )


def _countable_text(text: str, entities: list[Entity], url_length: int) -> str:
    if not text.strip():
        return ""
    parts: list[str] = []
    position = 0
    for found in entities:
        parts.append(text[position : found.start])
        if found.kind == "link":
            parts.append("x" * url_length)
        else:
            parts.append("@" + found.value.split("@")[0])
        position = found.end
    parts.append(text[position:])
    return "".join(parts)


def _mentions(text: str) -> list[Entity]:
    return [
        entity("mention", text, match.start(), match.end(), match.group("acct"))
        for match in _MENTION.finditer(text)
        if not _END_MENTION.match(text, match.end())
    ]


def _hashtags(text: str) -> list[Entity]:
    found = []
    for match in _HASHTAG.finditer(text):
        tag, end = match.group("tag"), match.end()
        if text.startswith("://", end) and (protocol := _TRAILING_PROTOCOL.match(tag)):
            # "#活动https://…": the protocol belongs to the link, not the tag
            tag = protocol.group(1)
            end -= len(protocol.group(2))
        found.append(entity("topic", text, match.start(), end, tag))
    return found
