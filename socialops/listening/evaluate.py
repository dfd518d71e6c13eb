"""A query's truth on one text, given where its literals occur: shared by the fast and naive paths.

Proximity is counted in tokens (``normalise.token_starts``): a CJK character is a token, an
English word or a number is a token. The distance between two occurrences is the number of
tokens strictly between them; occurrences that touch or overlap are at distance 0.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from .normalise import is_word_char, token_starts
from .query import And, Field, Literal, Near, Node, Not, Or, Proximity, Query, Term, walk

MAX_OCCURRENCES = 256  # per literal per text: proximity work stays bounded on huge texts

Hits = Mapping[Literal, list[tuple[int, int]]]  # normalised (start, end) per literal, in order


@dataclass(frozen=True, slots=True)
class PostFields:
    author: str = ""
    platform: str = ""
    lang: str = ""
    url: str = ""

    @classmethod
    def of(cls, post: Any) -> PostFields:
        get: Callable[[str], Any]
        if isinstance(post, Mapping):
            get = post.get
        else:

            def get(name: str) -> Any:
                return getattr(post, name, "")

        return cls(
            author=str(get("author") or "").lstrip("@").casefold(),
            platform=str(get("platform") or "").casefold(),
            lang=str(get("lang") or "").casefold().replace("_", "-"),
            url=str(get("url") or "").casefold(),
        )


@dataclass
class Context:
    text: str  # normalised
    hits: Hits
    post: PostFields
    _tokens: list[int] | None = field(default=None, repr=False)

    @property
    def tokens(self) -> list[int]:
        if self._tokens is None:
            self._tokens = token_starts(self.text)
        return self._tokens

    def occurrences(self, literal: Literal) -> list[tuple[int, int]]:
        return self.hits.get(literal, [])


Occurrence = tuple[int, int, int, int]  # first token, last token, start, end (normalised chars)


def holds(node: Node, ctx: Context) -> bool:
    if isinstance(node, Term):
        return bool(ctx.occurrences(node.literal))
    if isinstance(node, And):
        return all(holds(child, ctx) for child in node.children)
    if isinstance(node, Or):
        return any(holds(child, ctx) for child in node.children)
    if isinstance(node, Not):
        return not holds(node.child, ctx)
    if isinstance(node, Field):
        return field_holds(node, ctx.post)
    return bool(occurrences(node, ctx))


def occurrences(node: Node, ctx: Context) -> list[Occurrence]:
    """Where a proximable node (word, phrase, OR group, NEAR) occurs, in tokens and characters."""
    if isinstance(node, Term):
        found = ctx.occurrences(node.literal)
        if not found:
            return []
        tokens = ctx.tokens
        return [(tokens[s], tokens[e - 1], s, e) for s, e in found[:MAX_OCCURRENCES]]
    if isinstance(node, Or):
        merged: list[Occurrence] = []
        for child in node.children:
            merged.extend(occurrences(child, ctx))
        return merged
    if isinstance(node, Near):
        lefts = occurrences(node.left, ctx)
        rights = occurrences(node.right, ctx) if lefts else []
        found_near: list[Occurrence] = []
        for a in lefts:
            for b in rights:
                if _close(a, b, node.distance, node.ordered):
                    found_near.append(
                        (min(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), max(a[3], b[3]))
                    )
                    if len(found_near) >= MAX_OCCURRENCES:
                        return found_near
        return found_near
    if isinstance(node, Proximity):
        return _window(node, ctx)
    return []


def _close(a: Occurrence, b: Occurrence, distance: int, ordered: bool) -> bool:
    if ordered:
        return a[2] < b[2] and b[0] - a[1] - 1 <= distance
    gap = b[0] - a[1] - 1 if a[0] <= b[0] else a[0] - b[1] - 1
    return gap <= distance


def _window(node: Proximity, ctx: Context) -> list[Occurrence]:
    """Smallest windows holding every word, with at most ``distance`` other tokens inside."""
    events: list[tuple[int, int, int, int, int]] = []  # first, last, start, end, word index
    for index, word in enumerate(node.words):
        found = occurrences(word, ctx)
        if not found:
            return []
        events.extend((*occurrence, index) for occurrence in found)
    events.sort()
    del events[MAX_OCCURRENCES:]  # the window scan below is quadratic in the worst case
    need = len(node.words)
    lengths = [_token_length(word.literal.text) for word in node.words]
    inside = sum(lengths)
    counts = [0] * need
    covered = 0
    left = 0
    found_windows: list[Occurrence] = []
    for right, event in enumerate(events):
        if counts[event[4]] == 0:
            covered += 1
        counts[event[4]] += 1
        while covered == need:
            first = events[left]
            last_token = max(e[1] for e in events[left : right + 1])
            end = max(e[3] for e in events[left : right + 1])
            if last_token - first[0] + 1 - inside <= node.distance:
                found_windows.append((first[0], last_token, first[2], end))
            counts[first[4]] -= 1
            if counts[first[4]] == 0:
                covered -= 1
            left += 1
    return found_windows


def _token_length(text: str) -> int:
    return (token_starts(text) or [0])[-1] + 1


def field_holds(node: Field, post: PostFields) -> bool:
    value = node.value
    if node.name == "author":
        return post.author.startswith(value) if node.prefix else post.author == value
    if node.name == "platform":
        return post.platform.startswith(value) if node.prefix else post.platform == value
    if node.name == "lang":
        return post.lang == value or post.lang.startswith(value if node.prefix else value + "-")
    if node.name == "site":
        host = (urlsplit(post.url).hostname or "") if post.url else ""
        return host == value or host.endswith("." + value)
    return value in post.url  # url:


def positive_literals(node: Node) -> set[Literal]:
    """Literals whose hits are worth highlighting: those not under a NOT."""
    found: set[Literal] = set()
    stack: list[Node] = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, Term):
            found.add(current.literal)
        elif isinstance(current, And | Or):
            stack.extend(current.children)
        elif isinstance(current, Near):
            stack.extend((current.left, current.right))
        elif isinstance(current, Proximity):
            stack.extend(current.words)
    return found


# ---- the naive path: every literal scanned with str.find ---------------------------------------


def scan(text: str, literals: Iterable[Literal]) -> dict[Literal, list[tuple[int, int]]]:
    hits: dict[Literal, list[tuple[int, int]]] = {}
    for literal in literals:
        found = []
        start = text.find(literal.text)
        while start >= 0:
            end = start + len(literal.text)
            if stands(text, start, end, literal):
                found.append((start, end))
            start = text.find(literal.text, start + 1)
        if found:
            hits[literal] = found
    return hits


def stands(text: str, start: int, end: int, literal: Literal) -> bool:
    if literal.left and start > 0 and is_word_char(text[start - 1]):
        return False
    return not (literal.right and end < len(text) and is_word_char(text[end]))


def evaluate(query: Query, text: str, post: Any = None) -> bool:
    """The query on one normalised text, by scanning for each of its literals (the reference)."""
    literals = {node.literal for node in walk(query.root) if isinstance(node, Term)}
    ctx = Context(text=text, hits=scan(text, literals), post=PostFields.of(post or {}))
    return holds(query.root, ctx)
