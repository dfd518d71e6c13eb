"""The listening query language: lexer, parser, syntax tree, limits and errors with positions.

Grammar (operators in capitals only; lower-case "and" is a word to look for)::

    query    := or
    or       := and ("OR" and)*
    and      := unary (["AND"] unary)*          juxtaposition is AND
    unary    := ("NOT" | "-") unary | near
    near     := primary (("NEAR/n" | "ONEAR/n") primary)*
    primary  := TERM ["*"] | '"' words '"' ["~n"] | FIELD ":" value | "(" or ")"

so NEAR binds tightest, then NOT, then AND, then OR. The syntax and its meaning are documented
in docs/query-language.md.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal as TypingLiteral

from django.utils.translation import gettext as _

from .normalise import is_cjk, is_word_char, normalise

MAX_QUERY_LENGTH = 4000  # characters
MAX_TERMS = 200  # words, phrases and field filters
MAX_DEPTH = 16  # nested parentheses, NOT and NEAR
MAX_DISTANCE = 50  # NEAR/n, ONEAR/n and "…"~n
MAX_PHRASE_WORDS = 10  # in a "…"~n proximity phrase
MIN_PREFIX_STEM = 3  # letters before a trailing * (words of spaced scripts only)

FIELDS = ("author", "lang", "platform", "site", "url")

_OPEN = "(（"
_CLOSE = ")）"
_QUOTES = {'"': '"', "“": "”", "”": "”"}
_STOP = set(_OPEN + _CLOSE) | set(_QUOTES)
_NEAR = re.compile(r"(O?)NEAR(?:/(\d*))?$")
_FIELD = re.compile(r"([A-Za-z]+):")


class QuerySyntaxError(ValueError):
    """A query that cannot be used: ``message`` says why, ``position`` where (0-based)."""

    def __init__(self, message: str, position: int, source: str) -> None:
        super().__init__(message)
        self.message = message
        self.position = max(0, min(position, len(source)))
        self.source = source

    def caret(self) -> str:
        """The query's line with the error, and a ^ under the position."""
        start = self.source.rfind("\n", 0, self.position) + 1
        end = self.source.find("\n", self.position)
        line = self.source[start : end if end >= 0 else len(self.source)]
        column = self.position - start
        # CJK characters are two columns wide in a monospaced font
        pad = "".join("  " if is_cjk(c) or ord(c) >= 0xFF00 else " " for c in line[:column])
        return f"{line}\n{pad}^"

    def __str__(self) -> str:
        return _("%(message)s (at character %(position)d)") % {
            "message": self.message,
            "position": self.position + 1,
        }


# ---- syntax tree ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Literal:
    """Normalised text to find; a word character at an end must stand at a word boundary."""

    text: str
    left: bool  # the character before must not be a word character
    right: bool  # the character after must not be a word character

    @classmethod
    def of(cls, text: str, *, prefix: bool = False) -> Literal:
        return cls(text, is_word_char(text[0]), is_word_char(text[-1]) and not prefix)


@dataclass(frozen=True, slots=True)
class Term:
    literal: Literal
    source: str
    position: int
    prefix: bool = False
    quoted: bool = False


@dataclass(frozen=True, slots=True)
class Proximity:
    """``"a b c"~n``: every word, in any order, with at most n other tokens among them."""

    words: tuple[Term, ...]
    distance: int
    position: int


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    value: str
    position: int
    prefix: bool = False


@dataclass(frozen=True, slots=True)
class Not:
    child: Node


@dataclass(frozen=True, slots=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Or:
    children: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Near:
    """``left NEAR/n right``: at most n tokens between them; ``ordered``: left comes first."""

    left: Node
    right: Node
    distance: int
    ordered: bool
    position: int


Node = Term | Proximity | Field | Not | And | Or | Near


@dataclass(frozen=True, slots=True)
class Query:
    source: str
    root: Node
    literals: frozenset[Literal] = field(default_factory=frozenset)

    def __str__(self) -> str:
        return unparse(self.root)


def walk(node: Node) -> Iterator[Node]:
    yield node
    if isinstance(node, Not):
        yield from walk(node.child)
    elif isinstance(node, And | Or):
        for child in node.children:
            yield from walk(child)
    elif isinstance(node, Near):
        yield from walk(node.left)
        yield from walk(node.right)
    elif isinstance(node, Proximity):
        yield from node.words


def unparse(node: Node) -> str:
    """Canonical text of a tree, fully parenthesised (for display and round trips)."""
    if isinstance(node, Term):
        return (
            f'"{node.literal.text}"' if node.quoted else node.source + ("*" if node.prefix else "")
        )
    if isinstance(node, Proximity):
        return '"' + " ".join(w.literal.text for w in node.words) + f'"~{node.distance}'
    if isinstance(node, Field):
        return f'{node.name}:"{node.value}"' + ("*" if node.prefix else "")
    if isinstance(node, Not):
        return f"NOT {unparse(node.child)}"
    if isinstance(node, And | Or):
        joiner = " AND " if isinstance(node, And) else " OR "
        return "(" + joiner.join(unparse(child) for child in node.children) + ")"
    operator = "ONEAR" if node.ordered else "NEAR"
    return f"({unparse(node.left)} {operator}/{node.distance} {unparse(node.right)})"


# ---- lexer ----------------------------------------------------------------------------------

Kind = TypingLiteral["(", ")", "AND", "OR", "NOT", "NEAR", "TERM", "PHRASE", "FIELD", "END"]


@dataclass(frozen=True, slots=True)
class Token:
    kind: Kind
    position: int
    text: str = ""
    distance: int = 0  # NEAR/n; PHRASE with ~n (−1: no ~)
    ordered: bool = False
    prefix: bool = False
    name: str = ""  # FIELD


def tokenize(source: str) -> list[Token]:
    tokens: list[Token] = []
    index, length = 0, len(source)
    while index < length:
        char = source[index]
        if char.isspace():
            index += 1
        elif char in _OPEN:
            tokens.append(Token("(", index))
            index += 1
        elif char in _CLOSE:
            tokens.append(Token(")", index))
            index += 1
        elif char in _QUOTES:
            token, index = _phrase(source, index)
            tokens.append(token)
        elif char == "-" and index + 1 < length and _starts_operand(source[index + 1]):
            tokens.append(Token("NOT", index))
            index += 1
        else:
            end = index
            while end < length and not source[end].isspace() and source[end] not in _STOP:
                end += 1
            if source[index:end] == "-":
                raise QuerySyntaxError(
                    _("- must be written right before what it excludes, as in -spam."),
                    index,
                    source,
                )
            tokens.append(_word(source, index, end))
            index = end
            if tokens[-1].kind == "FIELD" and not tokens[-1].text:
                token, index = _field_value(source, tokens.pop(), index)
                tokens.append(token)
    tokens.append(Token("END", length))
    return tokens


def _starts_operand(char: str) -> bool:
    return not char.isspace() and char not in _CLOSE and char != "-"


def _phrase(source: str, start: int) -> tuple[Token, int]:
    closing = _QUOTES[source[start]]
    end = source.find(closing, start + 1)
    if closing != '"':  # “…” may also be closed by a plain quote
        plain = source.find('"', start + 1)
        end = plain if end < 0 or 0 <= plain < end else end
    if end < 0:
        raise QuerySyntaxError(_("This quotation mark is never closed."), start, source)
    text = source[start + 1 : end]
    if not text.strip():
        raise QuerySyntaxError(_("Empty quotes: put words between them."), start, source)
    index = end + 1
    distance = -1
    if index < len(source) and source[index] == "~":
        digits = re.match(r"\d+", source[index + 1 :])
        if not digits:
            raise QuerySyntaxError(
                _('"~" after a phrase needs a distance, like "a b"~5.'), index, source
            )
        distance = _distance(source, index, digits.group())
        index += 1 + len(digits.group())
    return Token("PHRASE", start, text=text, distance=distance), index


def _distance(source: str, position: int, digits: str) -> int:
    distance = int(digits[:6])
    if len(digits) > 6 or distance > MAX_DISTANCE:
        raise QuerySyntaxError(
            _("The distance %(distance)s is too large: at most %(limit)d.")
            % {"distance": digits[:12], "limit": MAX_DISTANCE},
            position,
            source,
        )
    return distance


def _word(source: str, start: int, end: int) -> Token:
    word = source[start:end]
    if word in ("AND", "OR", "NOT"):
        return Token(word, start)  # type: ignore[arg-type]
    near = _NEAR.match(word)
    if near:
        operator = "ONEAR" if near.group(1) else "NEAR"
        if not near.group(2):
            raise QuerySyntaxError(
                _("%(operator)s needs a distance, like %(operator)s/5.") % {"operator": operator},
                start,
                source,
            )
        distance = _distance(source, start, near.group(2))
        return Token("NEAR", start, distance=distance, ordered=bool(near.group(1)))
    named = _FIELD.match(word)
    if named:
        name = named.group(1).lower()
        if name not in FIELDS:
            raise QuerySyntaxError(
                _('Unknown field "%(name)s": use one of %(fields)s, or put the text in quotes.')
                % {"name": named.group(1), "fields": ", ".join(f"{f}:" for f in FIELDS)},
                start,
                source,
            )
        value = word[named.end() :]
        return Token("FIELD", start, text=value, name=name, distance=named.end())
    return Token("TERM", start, text=word)


def _field_value(source: str, token: Token, index: int) -> tuple[Token, int]:
    """A field written with its value in quotes (``author:"Li Lei"``) or with nothing after."""
    if index < len(source) and source[index] in _QUOTES:
        phrase, index = _phrase(source, index)
        if phrase.distance >= 0:
            raise QuerySyntaxError(_("A field value cannot have ~n."), phrase.position, source)
        text = phrase.text
        if index < len(source) and source[index] == "*":  # author:"li lei"* : a prefix
            text, index = text + "*", index + 1
        return Token("FIELD", token.position, text=text, name=token.name), index
    if index < len(source) and source[index] in _OPEN:
        message = _("A field takes one value: write (%(name)s:a OR %(name)s:b).")
    else:
        message = _("The field %(name)s: needs a value.")
    raise QuerySyntaxError(message % {"name": token.name}, token.position, source)


# ---- parser ---------------------------------------------------------------------------------


def parse(source: str) -> Query:
    """The query's tree, or QuerySyntaxError saying what is wrong and where."""
    if len(source) > MAX_QUERY_LENGTH:
        raise QuerySyntaxError(
            _("The query is too long: %(length)d characters, at most %(limit)d.")
            % {"length": len(source), "limit": MAX_QUERY_LENGTH},
            MAX_QUERY_LENGTH,
            source,
        )
    parser = _Parser(source, tokenize(source))
    if parser.peek.kind == "END":
        raise QuerySyntaxError(_("The query is empty."), 0, source)
    root = parser.or_()
    if parser.peek.kind == ")":
        raise QuerySyntaxError(
            _("This closing parenthesis has no opening one."), parser.peek.position, source
        )
    if parser.peek.kind != "END":  # pragma: no cover - every other token starts an operand
        raise QuerySyntaxError(_("Unexpected text."), parser.peek.position, source)
    literals = frozenset(node.literal for node in walk(root) if isinstance(node, Term))
    return Query(source=source, root=root, literals=literals)


def _NEAR_OPERANDS() -> str:  # noqa: N802 - reads as the message it is
    return _("NEAR joins words, phrases and OR groups of them, not AND, NOT or fields.")


_OPERAND_START = frozenset({"(", "NOT", "TERM", "PHRASE", "FIELD"})


class _Parser:
    def __init__(self, source: str, tokens: list[Token]) -> None:
        self.source = source
        self.tokens = tokens
        self.index = 0
        self.depth = 0
        self.terms = 0

    @property
    def peek(self) -> Token:
        return self.tokens[self.index]

    def take(self) -> Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def error(self, message: str, position: int) -> QuerySyntaxError:
        return QuerySyntaxError(message, position, self.source)

    def deeper(self, position: int) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error(
                _("The query nests too deeply: at most %(limit)d levels.") % {"limit": MAX_DEPTH},
                position,
            )

    def count_term(self, position: int) -> None:
        self.terms += 1
        if self.terms > MAX_TERMS:
            raise self.error(
                _("The query has too many terms: at most %(limit)d.") % {"limit": MAX_TERMS},
                position,
            )

    def or_(self) -> Node:
        children = [self.and_()]
        while self.peek.kind == "OR":
            self.take()
            children.append(self.and_())
        return children[0] if len(children) == 1 else Or(tuple(children))

    def and_(self) -> Node:
        children = [self.unary()]
        while True:
            if self.peek.kind == "AND":
                self.take()
            elif self.peek.kind not in _OPERAND_START:
                break
            children.append(self.unary())
        return children[0] if len(children) == 1 else And(tuple(children))

    def unary(self) -> Node:
        token = self.peek
        if token.kind != "NOT":
            return self.near()
        self.take()
        self.deeper(token.position)
        child = self.unary()
        self.depth -= 1
        return Not(child)

    def near(self) -> Node:
        left = self.primary()
        chained = 0
        while self.peek.kind == "NEAR":
            operator = self.take()
            chained += 1
            self.deeper(operator.position)
            if self.peek.kind in ("NOT", "FIELD"):
                raise self.error(_NEAR_OPERANDS(), operator.position)
            right = self.primary()
            for side in (left, right):
                self.check_proximable(side, operator)
            left = Near(left, right, operator.distance, operator.ordered, operator.position)
        self.depth -= chained
        return left

    def check_proximable(self, node: Node, operator: Token) -> None:
        if isinstance(node, Term | Proximity | Near):
            return
        if isinstance(node, Or):
            for child in node.children:
                self.check_proximable(child, operator)
            return
        raise self.error(_NEAR_OPERANDS(), operator.position)

    def primary(self) -> Node:
        token = self.take()
        if token.kind == "(":
            self.deeper(token.position)
            if self.peek.kind == ")":
                raise self.error(_("Empty parentheses."), token.position)
            node = self.or_()
            if self.peek.kind != ")":
                raise self.error(_("This parenthesis is never closed."), token.position)
            self.take()
            self.depth -= 1
            return node
        if token.kind == "TERM":
            return self.term(token)
        if token.kind == "PHRASE":
            return self.phrase(token)
        if token.kind == "FIELD":
            return self.field(token)
        if token.kind == "END":
            previous = self.tokens[self.index - 2] if self.index >= 2 else token
            raise self.error(
                _("The query ends after an operator: add what it applies to."),
                previous.position,
            )
        if token.kind == ")":
            raise self.error(_("Nothing before this closing parenthesis."), token.position)
        operator = (
            ("ONEAR/n" if token.ordered else "NEAR/n") if token.kind == "NEAR" else token.kind
        )
        raise self.error(
            _("%(operator)s needs something on both sides.") % {"operator": operator},
            token.position,
        )

    def term(self, token: Token) -> Term:
        self.count_term(token.position)
        word = token.text
        stem = word.rstrip("*")
        prefix = stem != word
        if "*" in stem:
            raise self.error(
                _("* may only end a word (prefix search), as in comput*."),
                token.position + stem.index("*"),
            )
        text = normalise(stem)
        if not text:
            raise self.error(_("This word has no letters or digits."), token.position)
        if prefix and not is_word_char(text[-1]):
            prefix = False  # Chinese has no word ends: 微博* already matches 微博xxx
        elif prefix and len(text.split(" ")[-1]) < MIN_PREFIX_STEM:
            raise self.error(
                _("A prefix needs at least %(limit)d letters before the *.")
                % {"limit": MIN_PREFIX_STEM},
                token.position,
            )
        return Term(Literal.of(text, prefix=prefix), stem, token.position, prefix=prefix)

    def phrase(self, token: Token) -> Term | Proximity:
        if token.distance < 0:
            self.count_term(token.position)
            text = normalise(token.text)
            if not text:
                raise self.error(_("This phrase has no letters or digits."), token.position)
            return Term(Literal.of(text), token.text, token.position, quoted=True)
        words = []
        for raw in token.text.split():
            text = normalise(raw)
            if text:
                self.count_term(token.position)
                words.append(Term(Literal.of(text), raw, token.position, quoted=True))
        if not words:
            raise self.error(_("This phrase has no letters or digits."), token.position)
        if len(words) > MAX_PHRASE_WORDS:
            raise self.error(
                _("A phrase with ~n has at most %(limit)d words.") % {"limit": MAX_PHRASE_WORDS},
                token.position,
            )
        if len(words) == 1:
            return words[0]
        return Proximity(tuple(words), token.distance, token.position)

    def field(self, token: Token) -> Field:
        self.count_term(token.position)
        value = token.text
        prefix = value.endswith("*")
        value = value.rstrip("*")
        if token.name == "author":
            value = value.lstrip("@")
        value = normalise_field(value)
        if not value:
            raise self.error(
                _("The field %(name)s: needs a value.") % {"name": token.name}, token.position
            )
        return Field(token.name, value, token.position, prefix=prefix)


def normalise_field(value: str) -> str:
    """Field values compare case-insensitively, full-width folded, spaces trimmed."""
    return "".join(c for c in value if not c.isspace()).translate(_FULL_WIDTH).casefold()


_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
