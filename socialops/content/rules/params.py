"""What each kind of rule is configured with, checked before a rule is saved."""

from __future__ import annotations

import functools
from enum import StrEnum
from typing import Any, Literal

import pydantic
import regex
from pydantic import BaseModel, ConfigDict, Field

CUSTOM_TIMEOUT = 0.05  # seconds a custom pattern may take on one text when linting
PROBE_TIMEOUT = 0.1  # seconds it may take on each probe when saved
PROBE_LENGTH = 3000


class Kind(StrEnum):
    MAX_LENGTH = "max_length"
    FORBIDDEN_WORDS = "forbidden_words"
    REQUIRED_DISCLOSURE = "required_disclosure"
    MAX_LINKS = "max_links"
    MAX_HASHTAGS = "max_hashtags"
    MAX_MENTIONS = "max_mentions"
    LINK_DOMAINS = "link_domains"
    REQUIRED_TOPIC = "required_topic"
    CUSTOM = "custom"


class _Params(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class MaxLength(_Params):
    limit: int | None = Field(None, ge=1, le=1_000_000)  # None: the platform's own limit


class WordParams(_Params):
    word: str = Field(min_length=1, max_length=100)
    pinyin: bool = False
    replacement: str = Field("", max_length=100)


class ForbiddenWords(_Params):
    words: list[WordParams] = Field(min_length=1, max_length=2000)


class RequiredDisclosure(_Params):
    any_of: list[str] = Field(min_length=1, max_length=20)
    when: Literal["paid", "always"] = "paid"


class MaxCount(_Params):
    max: int = Field(ge=0, le=1000)


class LinkDomains(_Params):
    allow: list[str] = Field(min_length=1, max_length=200)


class RequiredTopic(_Params):
    topics: list[str] = Field(min_length=1, max_length=100)


class Custom(_Params):
    pattern: str = Field(min_length=1, max_length=1000)
    message: str = Field(min_length=1, max_length=300)
    ignore_case: bool = False


PARAMS: dict[Kind, type[_Params]] = {
    Kind.MAX_LENGTH: MaxLength,
    Kind.FORBIDDEN_WORDS: ForbiddenWords,
    Kind.REQUIRED_DISCLOSURE: RequiredDisclosure,
    Kind.MAX_LINKS: MaxCount,
    Kind.MAX_HASHTAGS: MaxCount,
    Kind.MAX_MENTIONS: MaxCount,
    Kind.LINK_DOMAINS: LinkDomains,
    Kind.REQUIRED_TOPIC: RequiredTopic,
    Kind.CUSTOM: Custom,
}


class ParamsError(ValueError):
    """Invalid params; ``fields`` maps "params.<name>" to what is wrong."""

    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__("; ".join(f"{key}: {value}" for key, value in fields.items()))
        self.fields = fields


def clean_params(kind: Kind, params: Any) -> dict[str, Any]:
    """The params as stored: validated, trimmed, defaults filled in; or ParamsError."""
    if not isinstance(params, dict):
        raise ParamsError({"params": "must be a JSON object"})
    if kind == Kind.FORBIDDEN_WORDS and isinstance(params.get("words"), list):
        # A bare string is a word with the defaults.
        params = {
            **params,
            "words": [{"word": w} if isinstance(w, str) else w for w in params["words"]],
        }
    try:
        model = PARAMS[kind].model_validate(params)
    except pydantic.ValidationError as exc:
        fields: dict[str, str] = {}
        for error in exc.errors():
            key = ".".join(["params", *(str(part) for part in error["loc"])])
            fields.setdefault(key, error["msg"])
        raise ParamsError(fields) from exc
    cleaned = model.model_dump()
    _check(kind, cleaned)
    return cleaned


def _check(kind: Kind, cleaned: dict[str, Any]) -> None:
    def blank(items: list[str]) -> bool:
        return any(not item.strip() for item in items)

    if kind == Kind.FORBIDDEN_WORDS:
        for index, word in enumerate(cleaned["words"]):
            word["word"] = word["word"].strip()
            word["replacement"] = word["replacement"].strip()
            if not any(char.isalnum() for char in word["word"]):
                raise ParamsError({f"params.words.{index}.word": "needs a letter or character"})
    elif kind == Kind.REQUIRED_DISCLOSURE and blank(cleaned["any_of"]):
        raise ParamsError({"params.any_of": "must not hold a blank item"})
    elif kind == Kind.LINK_DOMAINS:
        cleaned["allow"] = [domain.strip().lower().strip(".") for domain in cleaned["allow"]]
        for domain in cleaned["allow"]:
            if not regex.fullmatch(r"[\w-]+(\.[\w-]+)+", domain):
                raise ParamsError({"params.allow": f"not a domain: {domain}"})
    elif kind == Kind.REQUIRED_TOPIC:
        cleaned["topics"] = [topic.strip().strip("#＃").strip() for topic in cleaned["topics"]]
        if blank(cleaned["topics"]):
            raise ParamsError({"params.topics": "must not hold a blank topic"})
    elif kind == Kind.CUSTOM:
        problem = pattern_problem(cleaned["pattern"], ignore_case=cleaned["ignore_case"])
        if problem:
            raise ParamsError({"params.pattern": problem})


@functools.lru_cache(maxsize=256)
def compile_custom(pattern: str, *, ignore_case: bool) -> regex.Pattern[str]:
    return regex.compile(pattern, regex.IGNORECASE if ignore_case else 0)


def pattern_problem(pattern: str, *, ignore_case: bool) -> str:
    """Why a custom pattern cannot be saved, or "".

    A pattern that backtracks catastrophically (e.g. "(a+)+$") would stall every lint, so it is
    run against long probe texts built from the characters it names, each with a timeout.
    """
    try:
        compiled = compile_custom(pattern, ignore_case=ignore_case)
    except (regex.error, ValueError, OverflowError, RecursionError) as exc:
        return f"not a valid regular expression: {exc}"
    if compiled.search("") is not None:
        return "matches empty text: it would flag every post"
    for probe in _probes(pattern):
        try:
            compiled.search(probe, timeout=PROBE_TIMEOUT)
        except TimeoutError:
            return "too slow on long texts (catastrophic backtracking); simplify the pattern"
    return ""


def _probes(pattern: str) -> list[str]:
    seeds = {"a", "1", " ", "微", "_", ".", "\n"}
    seeds.update(char for char in pattern if char.isalnum())
    probes = []
    for seed in sorted(seeds)[:40]:
        body = seed * PROBE_LENGTH
        probes += [body + "!", body + "\u0000"]
    probes.append(("ab1 微博." * PROBE_LENGTH)[:PROBE_LENGTH] + "!")
    return probes
