"""Sina Weibo: half-width counting, #话题# topics, @昵称 mentions and links."""

from __future__ import annotations

import regex

from .common import Entity, TextCheck, entity, make_check

WEIBO_LIMIT = 140
WEIBO_LONG_TEXT_LIMIT = 2000
# Weibo replaces every link with a t.cn short link and charges the short link, not the URL as
# written: as the issue states it, a link counts as 10 characters whatever its length.
WEIBO_URL_LENGTH = 10

# The characters Weibo's own link pattern accepts (ASCII only: a Chinese path ends the link).
_LINK = regex.compile(
    r"https?://[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+[-A-Za-z0-9_$.+!*()/\\,:;@&=?~#%]*",
    regex.IGNORECASE,
)
_TRAILING_PUNCTUATION = ".,;:!?"
# "#话题#" between ASCII or full-width number signs, on one line, not only spaces.
_TOPIC = regex.compile(r"[#＃](?P<name>[^#＃\r\n]*+)[#＃]")
# "@昵称": Chinese, letters, digits, "_" and "-", 2–30 of them, ended by anything else
# (space, punctuation, another @); not inside an e-mail address.
_NICKNAME_CHAR = r"[\p{Han}A-Za-z0-9_\-]"
_MENTION = regex.compile(
    rf"(?<![A-Za-z0-9_])[@＠](?P<name>{_NICKNAME_CHAR}{{2,30}})(?!{_NICKNAME_CHAR})"
)
_MASK = "\uffff"  # hides links from the topic and mention patterns, keeping offsets


def check_weibo(text: str, *, long_text: bool = False, limit: int | None = None) -> TextCheck:
    """Length of a Weibo post: ASCII ½, any other character 1, a link 10, rounded up."""
    if limit is None:
        limit = WEIBO_LONG_TEXT_LIMIT if long_text else WEIBO_LIMIT
    links = _links(text)
    half_units = _half_units(text)
    masked = list(text)
    for link in links:
        half_units += 2 * WEIBO_URL_LENGTH - _half_units(link.text)
        masked[link.start : link.end] = _MASK * (link.end - link.start)
    masked_text = "".join(masked)
    found: list[Entity] = [*links]
    found += _topics(text, masked_text)
    found += [
        entity("mention", text, match.start(), match.end(), match.group("name"))
        for match in _MENTION.finditer(masked_text)
    ]
    return make_check("weibo", (half_units + 1) // 2, limit, found)


def _half_units(text: str) -> int:
    return sum(1 if char.isascii() else 2 for char in text)


def _topics(text: str, masked_text: str) -> list[Entity]:
    """Topics; the closing sign of a blank pair ("# #话题#") may still open the next one."""
    topics = []
    position = 0
    while match := _TOPIC.search(masked_text, position):
        name = match.group("name").strip()
        if name:
            topics.append(entity("topic", text, match.start(), match.end(), name))
            position = match.end()
        else:
            position = match.end() - 1
    return topics


def _links(text: str) -> list[Entity]:
    links = []
    for match in _LINK.finditer(text):
        url = _trim(match.group())
        links.append(entity("link", text, match.start(), match.start() + len(url), url))
    return links


def _trim(url: str) -> str:
    """Drop a sentence's closing punctuation, and a ")" that closes nothing in the URL."""
    if url[-1] in _TRAILING_PUNCTUATION:
        url = url[:-1]
    if url.endswith(")") and "(" not in url:
        url = url[:-1]
    return url
