"""A query compiled to one small Python function over the set of literals present in a text.

``program(query)`` turns the tree into source such as::

    def query(p, env, L0, L1, L2, K):
        return ((L0 in p or L1 in p) and (not L2 in p))

where ``p`` is the set of literal ids found in the text and ``L0…`` are the ids of the query's
literals, bound as default arguments when a Matcher is built (ids differ between matchers; the
compiled code does not, so it is compiled once per query). NEAR and "…"~n first check that
their literals are present, and only then look at positions (``_near``); fields call ``_field``.
The generated source holds nothing but operators and numbered names: no query text reaches it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from types import CodeType, FunctionType
from typing import Any

from .evaluate import Context, PostFields, field_holds, occurrences
from .query import And, Field, Literal, Near, Node, Not, Or, Proximity, Query, Term

Env = list[Any]  # [text, hits, post, Context | None, matcher, PostFields | None]
TEXT, FOUND, POST, CONTEXT, MATCHER, FIELDS = range(6)


@dataclass(frozen=True, slots=True)
class Program:
    code: CodeType
    slots: tuple[Literal, ...]  # L0, L1, … in order
    nodes: tuple[Node, ...]  # K[0], K[1], …: NEAR, "…"~n and field nodes

    def bind(self, ids: tuple[int, ...]) -> Callable[[set[int], Env], bool]:
        function = FunctionType(self.code, _GLOBALS, "query", (*ids, self.nodes))
        return function  # type: ignore[return-value]


def program(query: Query) -> Program:
    slots: dict[Literal, int] = {}
    nodes: list[Node] = []

    def present(node: Node) -> str:
        """Every literal a proximable node needs is present (a cheap test before positions)."""
        if isinstance(node, Term):
            return f"L{slots.setdefault(node.literal, len(slots))} in p"
        if isinstance(node, Or):
            return "(" + " or ".join(present(child) for child in node.children) + ")"
        if isinstance(node, Near):
            return f"({present(node.left)} and {present(node.right)})"
        assert isinstance(node, Proximity)  # noqa: S101 - the parser allows nothing else here
        return "(" + " and ".join(present(word) for word in node.words) + ")"

    def expression(node: Node) -> str:
        if isinstance(node, Term):
            return present(node)
        if isinstance(node, And):
            return "(" + " and ".join(expression(child) for child in node.children) + ")"
        if isinstance(node, Or):
            return "(" + " or ".join(expression(child) for child in node.children) + ")"
        if isinstance(node, Not):
            return f"(not {expression(node.child)})"
        nodes.append(node)
        if isinstance(node, Field):
            return f"_field(env, K[{len(nodes) - 1}])"
        return f"({present(node)} and _near(env, K[{len(nodes) - 1}]))"

    body = expression(query.root)
    names = "".join(f"L{index}, " for index in range(len(slots)))
    source = f"def query(p, env, {names}K):\n    return {body}\n"
    return Program(code=_code(source), slots=tuple(slots), nodes=tuple(nodes))


@functools.lru_cache(maxsize=4096)
def _code(source: str) -> CodeType:
    """Queries of the same shape share their code (the source holds no query text)."""
    module = compile(source, "<query>", "exec")
    return next(const for const in module.co_consts if isinstance(const, CodeType))


def context(env: Env) -> Context:
    ctx = env[CONTEXT]
    if ctx is None:
        ctx = env[CONTEXT] = env[MATCHER].context(env[TEXT], env[FOUND], env[POST])
    return ctx  # type: ignore[no-any-return]


def _near(env: Env, node: Node) -> bool:
    return bool(occurrences(node, context(env)))


def _field(env: Env, node: Field) -> bool:
    fields = env[FIELDS]
    if fields is None:
        fields = env[FIELDS] = PostFields.of(env[POST] or {})
    return field_holds(node, fields)


_GLOBALS: dict[str, Any] = {"__builtins__": {}, "_near": _near, "_field": _field}
