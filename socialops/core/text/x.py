"""X (Twitter): weighted length of twitter-text v3, hashtags and @mentions."""

from __future__ import annotations

import unicodedata

import regex

from .common import Entity, TextCheck, entity, make_check, remove_overlapping
from .urls import LATIN_ACCENTS, X_URLS, extract_urls

X_LIMIT = 280  # maxWeightedTweetLength
X_URL_WEIGHT = 23  # transformedURLLength

# twitter-text v3 config: weights are in hundredths (scale 100); these code point ranges
# (Latin, Cyrillic, Greek, … and some general punctuation) weigh 1, everything else 2.
_SCALE = 100
_DEFAULT_WEIGHT = 200
_LIGHT_RANGES = ((0, 4351), (8192, 8205), (8208, 8223), (8242, 8247))

# emojiParsingEnabled: an emoji sequence (skin tone, ZWJ family, flag, keycap, tag flag) weighs
# as one character of default weight. A single code point needs no special case: it weighs by
# its code point, as twitter-text's emoji list leaves text-style © and ® out.
_EMOJI_PART = (
    r"(?:\p{RI}\p{RI}|\p{EBase}\p{EMod}"
    r"|(?![#*0-9])\p{Emoji}\uFE0F?(?:[\U000E0020-\U000E007E]+\U000E007F)?)"
)
_EMOJI = regex.compile(rf"[#*0-9]\uFE0F?\u20E3|{_EMOJI_PART}(?:\u200D{_EMOJI_PART})*")

_HASHTAG_ALPHA = r"\p{L}\p{M}"
_HASHTAG_ALNUM = (
    r"\p{L}\p{M}\p{Nd}_\u200c\u200d\ua67e\u05be\u05f3\u05f4\uff5e\u301c\u309b\u309c\u30a0"
    r"\u30fb\u3003\u0f0b\u0f0c\u00b7"
)
_HASHTAG = regex.compile(
    rf"(?:(?<=[\uFE0E\uFE0F])|(?<![{_HASHTAG_ALNUM}&]))[#＃](?![\uFE0F\u20E3])"
    rf"(?P<tag>[{_HASHTAG_ALNUM}]*[{_HASHTAG_ALPHA}][{_HASHTAG_ALNUM}]*)"
)
_END_HASHTAG = regex.compile(r"[#＃]|://")
_MENTION = regex.compile(
    r"(?:(?<![a-zA-Z0-9_!#$%&*@＠])|(?<=(?:^|[^a-zA-Z0-9_+~.-])(?:rt|RT|rT|Rt):?))"
    r"[@＠](?P<name>[a-zA-Z0-9_]{1,20})"
)
_END_MENTION = regex.compile(rf"[@＠{LATIN_ACCENTS}]|://")
_MAX_SCREEN_NAME = 15
_PROTOCOL = regex.compile(r"https?://", regex.IGNORECASE)


def check_x(text: str, *, limit: int = X_LIMIT) -> TextCheck:
    """Weighted length, hashtags, mentions and links of a post on X."""
    return make_check("x", weighted_length(text), limit, _entities(text))


def weighted_length(text: str) -> int:
    """twitter-text v3 parseTweet().weightedLength: NFC, URLs 23, emoji 2, CJK 2, Latin 1."""
    normalized = unicodedata.normalize("NFC", text)
    urls = {url.start: url.end for url in extract_urls(normalized, X_URLS, without_protocol=True)}
    emoji = {
        match.start(): match.end()
        for match in _EMOJI.finditer(normalized)
        if match.end() - match.start() > 1
    }
    total = 0
    index = 0
    while index < len(normalized):
        if index in urls:
            total += X_URL_WEIGHT * _SCALE
            index = urls[index]
        elif index in emoji:
            total += _DEFAULT_WEIGHT
            index = emoji[index]
        else:
            total += _char_weight(normalized[index])
            index += 1
    return total // _SCALE


def _char_weight(char: str) -> int:
    code_point = ord(char)
    if any(low <= code_point <= high for low, high in _LIGHT_RANGES):
        return _SCALE
    return _DEFAULT_WEIGHT


def _entities(text: str) -> list[Entity]:
    """Links, then hashtags and mentions that do not overlap a link (extractEntitiesWithIndices)."""
    links = [
        entity("link", text, url.start, url.end, _with_protocol(text[url.start : url.end]))
        for url in extract_urls(text, X_URLS, without_protocol=True)
    ]
    found: list[Entity] = list(links)
    for match in _HASHTAG.finditer(text):
        if not _END_HASHTAG.match(text, match.end()):
            found.append(entity("topic", text, match.start(), match.end(), match.group("tag")))
    for match in _MENTION.finditer(text):
        name = match.group("name")
        if len(name) <= _MAX_SCREEN_NAME and not _END_MENTION.match(text, match.end()):
            found.append(entity("mention", text, match.start(), match.end(), name))
    return remove_overlapping(found)


def _with_protocol(url: str) -> str:
    return url if _PROTOCOL.match(url) else f"https://{url}"
