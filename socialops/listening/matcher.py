"""Every query of every workspace matched at once: one automaton, logic only for candidates.

Each query is reduced to the literals it *requires*: a set such that a text can only match the
query if it contains one of them (OR takes the union of its sides; AND, NEAR and "…"~n take the
cheapest side, since every side is needed; NOT and field filters require nothing). All literals of
all queries go into one Aho-Corasick automaton over normalised text. A text's hits name the
candidate queries; a query that is only an OR of words (the common brand query) matches on the
hit itself, the others are evaluated on the hits (``evaluate.holds``). Queries that require no
literal at all (``NOT spam``, ``platform:weibo``) are evaluated on every text: they are rare, and
``Matcher.unanchored`` lists them so the UI can warn.

A ``Matcher`` never changes; ``LiveMatcher`` rebuilds one on each change (reusing the parsed
queries it already has) and swaps it in, so readers always see a whole version.
"""

from __future__ import annotations

import contextlib
import gc
import math
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import ahocorasick_rs

from .evaluate import Context, PostFields, positive_literals
from .normalise import is_cjk, is_word_char, normalise_mapped
from .program import Program, program
from .query import And, Field, Literal, Near, Node, Not, Or, Proximity, Query, Term, parse

QueryId = Any  # any hashable: an id, or (workspace id, query id) across workspaces
Frequency = Callable[[str], float]  # estimated share of texts containing a literal


@dataclass(frozen=True, slots=True)
class Match:
    query_id: QueryId
    spans: tuple[tuple[int, int], ...]  # in the ORIGINAL text, end exclusive, merged, in order


def guessed_frequency(text: str) -> float:
    """Without corpus figures: each CJK character ~7 bits of surprise, other characters ~4."""
    bits = sum(7 if is_cjk(char) else 4 for char in text if char != " ")
    return math.pow(2.0, -bits)


def required(node: Node, frequency: Frequency = guessed_frequency) -> frozenset[Literal] | None:
    """Literals of which a matching text must contain at least one; None: no such set."""
    if isinstance(node, Term):
        return frozenset({node.literal})
    if isinstance(node, Or):
        union: set[Literal] = set()
        for child in node.children:
            needed = required(child, frequency)
            if needed is None:
                return None
            union |= needed
        return frozenset(union)
    if isinstance(node, Not | Field):
        return None
    sides: Iterable[Node]
    if isinstance(node, And):
        sides = node.children
    elif isinstance(node, Near):
        sides = (node.left, node.right)
    else:
        assert isinstance(node, Proximity)  # noqa: S101 - the Node union is closed
        sides = node.words
    options = [needed for side in sides if (needed := required(side, frequency)) is not None]
    if not options:
        return None
    return min(
        options, key=lambda needed: (sum(frequency(lit.text) for lit in needed), len(needed))
    )


def _is_plain_or(node: Node) -> bool:
    """A word, or an OR of words: any hit of its literals is a match."""
    if isinstance(node, Term):
        return True
    return isinstance(node, Or) and all(_is_plain_or(child) for child in node.children)


@dataclass(frozen=True, slots=True)
class Compiled:
    query: Query
    required: frozenset[Literal] | None
    plain: bool
    highlight: frozenset[Literal]
    program: Program


def compile_query(query: Query, frequency: Frequency = guessed_frequency) -> Compiled:
    return Compiled(
        query=query,
        required=required(query.root, frequency),
        plain=_is_plain_or(query.root),
        highlight=frozenset(positive_literals(query.root)),
        program=program(query),
    )


class Matcher:
    """An immutable set of compiled queries and their automaton.

    Literal ids: a literal without boundary checks has the id of its automaton pattern, so the
    set of pattern ids found in a text is already the set of literal ids present; literals that
    need a word boundary get ids after the patterns' and are added after their check.
    """

    def __init__(self, compiled: Mapping[QueryId, Compiled], *, version: int = 0) -> None:
        with _gc_paused():
            self._setup(compiled, version)

    def _setup(self, compiled: Mapping[QueryId, Compiled], version: int) -> None:
        self.version = version
        self.compiled = dict(compiled)
        self.unanchored = tuple(qid for qid, c in self.compiled.items() if c.required is None)
        self.plain = frozenset(qid for qid, c in self.compiled.items() if c.plain)

        literals: set[Literal] = set()
        for item in self.compiled.values():
            literals |= item.query.literals
        by_text: dict[str, list[Literal]] = {}
        for literal in sorted(literals, key=lambda lit: (lit.text, lit.left, lit.right)):
            by_text.setdefault(literal.text, []).append(literal)
        self.patterns = list(by_text)
        self.pattern_literals = [tuple(by_text[text]) for text in self.patterns]
        self.literal_ids: dict[Literal, int] = {}
        self._flagged: dict[int, list[tuple[int, bool, bool]]] = {}  # pattern → checked literals
        extra = len(self.patterns)
        for pattern, group in enumerate(self.pattern_literals):
            for literal in group:
                if literal.left or literal.right:
                    self.literal_ids[literal] = extra
                    self._flagged.setdefault(pattern, []).append(
                        (extra, literal.left, literal.right)
                    )
                    extra += 1
                else:
                    self.literal_ids[literal] = pattern
        self._bounded = frozenset(self._flagged)
        plain: list[list[QueryId]] = [[] for _ in range(extra)]
        logic: list[list[QueryId]] = [[] for _ in range(extra)]
        self._functions: dict[QueryId, Callable[[set[int], list[Any]], bool]] = {}
        for qid, item in self.compiled.items():
            ids = tuple(self.literal_ids[literal] for literal in item.program.slots)
            self._functions[qid] = item.program.bind(ids)
            for literal in item.required or ():
                (plain if item.plain else logic)[self.literal_ids[literal]].append(qid)
        none: frozenset[QueryId] = frozenset()
        self._triggered_by = [
            frozenset(p + q) if p or q else none for p, q in zip(plain, logic, strict=True)
        ]
        self._automaton = (
            ahocorasick_rs.AhoCorasick(self.patterns, matchkind=ahocorasick_rs.MatchKind.Standard)
            if self.patterns
            else None
        )

    @classmethod
    def build(
        cls,
        queries: Mapping[QueryId, str | Query],
        *,
        version: int = 0,
        previous: Matcher | None = None,
        frequency: Frequency = guessed_frequency,
    ) -> Matcher:
        """Parse (QuerySyntaxError on the first bad one) and compile; reuse ``previous``'s work."""
        compiled: dict[QueryId, Compiled] = {}
        with _gc_paused():
            for qid, query in queries.items():
                old = previous.compiled.get(qid) if previous is not None else None
                if old is not None and (old.query is query or old.query.source == query):
                    compiled[qid] = old
                    continue
                parsed = parse(query) if isinstance(query, str) else query
                compiled[qid] = compile_query(parsed, frequency)
            return cls(compiled, version=version)

    def __len__(self) -> int:
        return len(self.compiled)

    def match_ids(self, text: str, post: Any = None) -> list[QueryId]:
        """Ids of the queries matching a NORMALISED text (``normalise.normalise``): the hot path."""
        return self._select(text, self._find(text), post)

    def _find(self, text: str) -> list[tuple[int, int, int]]:
        if self._automaton is None:
            return []
        return self._automaton.find_matches_as_indexes(text, overlapping=True)

    def _select(self, text: str, found: list[tuple[int, int, int]], post: Any) -> list[QueryId]:
        if not found and not self.unanchored:
            return []
        present = {hit[0] for hit in found}
        if self._bounded and not self._bounded.isdisjoint(present):
            for pattern, start, end in found:
                for literal_id, left, right in self._flagged.get(pattern, ()):
                    if _stands(text, start, end, left, right):
                        present.add(literal_id)
        # C-level set operations over the present literals: no Python loop per hit
        triggered: set[QueryId] = set().union(*map(self._triggered_by.__getitem__, present))
        matched = triggered & self.plain
        candidates = triggered - matched
        if candidates or self.unanchored:
            env: list[Any] = [text, found, post, None, self, None]
            functions = self._functions
            for qid in candidates:
                if functions[qid](present, env):
                    matched.add(qid)
            for qid in self.unanchored:
                if functions[qid](present, env):
                    matched.add(qid)
        return list(matched)

    def match(self, post: Any) -> list[Match]:
        """Matching queries of a post (``.text``, ``.author``, ``.platform``, ``.lang``, ``.url``
        attributes or keys), each with its highlight spans in the original text."""
        original = _get(post, "text")
        mapped = normalise_mapped(original)
        text = mapped.text
        found = self._find(text)
        ids = self._select(text, found, post)
        if not ids:
            return []
        ctx = self.context(text, found, post)
        matches = []
        for qid in ids:
            spans = sorted(
                mapped.span(start, end)
                for literal in self.compiled[qid].highlight
                for start, end in ctx.occurrences(literal)
            )
            matches.append(Match(query_id=qid, spans=_merge(spans)))
        return matches

    def context(self, text: str, found: list[tuple[int, int, int]], post: Any) -> Context:
        hits: dict[Literal, list[tuple[int, int]]] = {}
        for pattern, start, end in found:
            for literal in self.pattern_literals[pattern]:
                if _stands(text, start, end, literal.left, literal.right):
                    hits.setdefault(literal, []).append((start, end))
        for spots in hits.values():
            spots.sort()
        return Context(text=text, hits=hits, post=PostFields.of(post or {}))


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Building allocates many small objects that all live on: a full collection over a big
    heap for each batch of them would cost more than the build itself."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _stands(text: str, start: int, end: int, left: bool, right: bool) -> bool:
    if left and start > 0 and is_word_char(text[start - 1]):
        return False
    return not (right and end < len(text) and is_word_char(text[end]))


def _merge(spans: list[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return tuple(merged)


def _get(post: Any, name: str) -> str:
    value = post.get(name) if isinstance(post, Mapping) else getattr(post, name, "")
    return str(value or "")


class LiveMatcher:
    """The current Matcher, replaced whole on every change (copy-on-write, versioned)."""

    def __init__(
        self,
        queries: Mapping[QueryId, str | Query] | None = None,
        *,
        frequency: Frequency = guessed_frequency,
    ) -> None:
        self._lock = threading.Lock()
        self._frequency = frequency
        self._current = Matcher.build(queries or {}, version=1, frequency=frequency)

    @property
    def current(self) -> Matcher:
        return self._current

    def update(
        self,
        put: Mapping[QueryId, str | Query] | None = None,
        remove: Iterable[QueryId] = (),
    ) -> Matcher:
        """Add or replace and remove queries in one new version; a bad query changes nothing."""
        with self._lock:
            old = self._current
            queries: dict[QueryId, str | Query] = {
                qid: item.query for qid, item in old.compiled.items()
            }
            for qid in remove:
                queries.pop(qid, None)
            for qid, query in (put or {}).items():
                queries[qid] = parse(query) if isinstance(query, str) else query
            new = Matcher.build(
                queries, version=old.version + 1, previous=old, frequency=self._frequency
            )
            self._current = new  # one reference assignment: readers see old or new, whole
            return new
