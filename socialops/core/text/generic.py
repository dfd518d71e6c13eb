"""Any other platform: graphemes against a given limit, plain links, #topics and @mentions."""

from __future__ import annotations

import regex

from .common import (
    Entity,
    EntityKind,
    TextCheck,
    count_graphemes,
    cut_at_cjk_punctuation,
    entity,
    make_check,
)

_LINK = regex.compile(r"https?://\S+", regex.IGNORECASE)
_TOPIC = regex.compile(r"(?<![A-Za-z0-9_&])[#＃](?P<name>\w+)")
_MENTION = regex.compile(r"(?<![A-Za-z0-9_])[@＠](?P<name>\w(?:[\w.-]*\w)?)")
_MASK = "\uffff"


def check_generic(platform: str, text: str, *, limit: int) -> TextCheck:
    """Grapheme count for a platform without rules of its own here."""
    found: list[Entity] = []
    masked = list(text)
    for match in _LINK.finditer(text):
        url = cut_at_cjk_punctuation(match.group()).rstrip(".,;:!?")
        if url.endswith(")") and "(" not in url:
            url = url[:-1]
        start, end = match.start(), match.start() + len(url)
        found.append(entity("link", text, start, end, url))
        masked[start:end] = _MASK * (end - start)
    masked_text = "".join(masked)
    found += [_named("topic", text, match) for match in _TOPIC.finditer(masked_text)]
    found += [_named("mention", text, match) for match in _MENTION.finditer(masked_text)]
    return make_check(platform, count_graphemes(text), limit, found)


def _named(kind: EntityKind, text: str, match: regex.Match[str]) -> Entity:
    return entity(kind, text, match.start(), match.end(), match.group("name"))
