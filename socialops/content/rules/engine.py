"""lint(text, platform, rules, context) -> findings: each with its span in the text and a fix."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from socialops.core import text as core_text
from socialops.platforms import catalog

from .normalise import fold, fold_word
from .params import CUSTOM_TIMEOUT, Kind, compile_custom
from .words import Word, matcher

log = logging.getLogger(__name__)

GENERIC_LIMIT = 1_000_000  # entity extraction on a platform without a length limit here


class Severity:
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Rule:
    """A rule as the engine sees it; ``platforms`` empty means every platform."""

    id: int
    kind: str
    params: dict[str, Any]
    severity: str = Severity.ERROR
    platforms: tuple[str, ...] = ()

    def applies_to(self, platform: str) -> bool:
        return not self.platforms or platform in self.platforms


@dataclass(frozen=True, slots=True)
class Context:
    paid: bool = False
    topics: tuple[str, ...] = ()  # topics attached to the post besides those in its text


@dataclass(frozen=True, slots=True)
class Finding:
    rule_id: int
    kind: str
    severity: str
    message: str
    start: int  # code point offsets into the original text, end exclusive
    end: int
    matched: str
    fix: str  # what to do, in words
    fixed_text: str | None = None  # the whole text with the fix applied, where one is certain


@dataclass
class _Text:
    """The text and what rules share about it, computed once."""

    text: str
    platform: str
    _check: core_text.TextCheck | None = field(default=None, repr=False)

    @property
    def check(self) -> core_text.TextCheck:
        if self._check is None:
            self._check = _measure(self.platform, self.text)
        return self._check


def _measure(platform: str, text: str, limit: int | None = None) -> core_text.TextCheck:
    """The text by the platform's own rules (from the catalog), or counted as graphemes."""
    entry = catalog.get(platform)
    rules = entry.text.rules if entry is not None and entry.text.rules != "generic" else platform
    try:
        return core_text.check(rules, text, limit=limit)
    except ValueError:
        return core_text.check_generic(
            platform, text, limit=limit or _catalog_limit(platform) or GENERIC_LIMIT
        )


def _catalog_limit(platform: str) -> int | None:
    entry = catalog.get(platform)
    return entry.text.limits.get("post") if entry is not None else None


def lint(
    text: str, *, platform: str, rules: Iterable[Rule], context: Context | None = None
) -> list[Finding]:
    """Every finding of the rules that apply to ``platform``, ordered by position."""
    context = context or Context()
    shared = _Text(text=text, platform=platform)
    findings: list[Finding] = []
    for rule in rules:
        if rule.applies_to(platform):
            findings += CHECKS[Kind(rule.kind)](rule, shared, context)
    return sorted(findings, key=lambda f: (f.start, f.end, f.kind, f.rule_id))


def _finding(
    rule: Rule, start: int, end: int, text: str, message: str, fix: str, **kw: Any
) -> Finding:
    return Finding(
        rule_id=rule.id,
        kind=rule.kind,
        severity=rule.severity,
        message=message,
        start=start,
        end=end,
        matched=text[start:end],
        fix=fix,
        **kw,
    )


def _without(text: str, start: int, end: int, insert: str = "") -> str:
    return text[:start] + insert + text[end:]


def _max_length(rule: Rule, shared: _Text, context: Context) -> list[Finding]:
    limit = rule.params.get("limit")
    if shared.platform == "wechat" and limit is not None:
        return []  # an article body's limit is the platform's own
    if limit is None and not _has_own_limit(shared.platform):
        return []
    text = shared.text
    measured = _measure(shared.platform, text, limit) if limit else shared.check
    if not measured.over:
        return []
    fits = _longest_prefix_within(lambda n: _measure(shared.platform, text[:n], limit).over, text)
    excess = measured.length - measured.limit
    message = _("%(length)s of %(limit)s characters on this platform: too long.") % {
        "length": measured.length,
        "limit": measured.limit,
    }
    fix = ngettext("Shorten by %(n)s character.", "Shorten by %(n)s characters.", excess) % {
        "n": excess
    }
    return [_finding(rule, fits, len(text), text, message, fix)]


def _has_own_limit(platform: str) -> bool:
    if _catalog_limit(platform):
        return True
    try:
        core_text.check(platform, "")
    except ValueError:
        return False
    return True


def _longest_prefix_within(over: Callable[[int], bool], text: str) -> int:
    """The largest n with text[:n] within the limit (length only grows with n)."""
    low, high = 0, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if over(middle):
            high = middle - 1
        else:
            low = middle
    return low


def _forbidden_words(rule: Rule, shared: _Text, context: Context) -> list[Finding]:
    words = tuple(
        Word(word=w["word"], pinyin=w.get("pinyin", False), replacement=w.get("replacement", ""))
        for w in rule.params.get("words", [])
    )
    text = shared.text
    folded = fold(text)
    findings = []
    for hit in matcher(words).find(folded):
        start, end = folded.span(hit.start, hit.end)
        word = hit.word
        if hit.via_pinyin:
            message = _("Forbidden word “%(word)s”, written in pinyin.") % {"word": word.word}
        elif fold_word(text[start:end]) == fold_word(word.word) and text[start:end] != word.word:
            message = _("Forbidden word “%(word)s”, written differently.") % {"word": word.word}
        else:
            message = _("Forbidden word “%(word)s”.") % {"word": word.word}
        if word.replacement:
            fix = _("Replace it with “%(replacement)s”.") % {"replacement": word.replacement}
        else:
            fix = _("Remove it.")
        fixed = _without(text, start, end, word.replacement)
        findings.append(_finding(rule, start, end, text, message, fix, fixed_text=fixed))
    return findings


def _required_disclosure(rule: Rule, shared: _Text, context: Context) -> list[Finding]:
    if rule.params.get("when", "paid") == "paid" and not context.paid:
        return []
    wanted: list[str] = rule.params.get("any_of", [])
    folded = fold(shared.text).text
    if any(fold_word(item) and fold_word(item) in folded for item in wanted):
        return []
    text = shared.text
    first = wanted[0] if wanted else ""
    message = _("The post must disclose it is an advertisement: add one of %(items)s.") % {
        "items": " / ".join(wanted)
    }
    fix = _("Add “%(disclosure)s”.") % {"disclosure": first}
    fixed = f"{text} {first}" if text else first
    return [_finding(rule, len(text), len(text), text, message, fix, fixed_text=fixed)]


def _max_entities(kind: str) -> Callable[[Rule, _Text, Context], list[Finding]]:
    def check(rule: Rule, shared: _Text, context: Context) -> list[Finding]:
        entities: Sequence[core_text.Entity] = getattr(shared.check, kind)
        most = int(rule.params.get("max", 0))
        if len(entities) <= most:
            return []
        text = shared.text
        labels = {
            "links": _("links"),
            "topics": _("hashtags"),
            "mentions": _("mentions"),
        }
        message = _("%(count)s %(what)s; at most %(max)s allowed.") % {
            "count": len(entities),
            "what": labels[kind],
            "max": most,
        }
        findings = []
        for entity in entities[most:]:
            fixed = _without(text, entity.start, entity.end)
            fix = _("Remove “%(entity)s”.") % {"entity": entity.text}
            findings.append(
                _finding(rule, entity.start, entity.end, text, message, fix, fixed_text=fixed)
            )
        return findings

    return check


def _link_domains(rule: Rule, shared: _Text, context: Context) -> list[Finding]:
    allowed: list[str] = rule.params.get("allow", [])
    text = shared.text
    findings = []
    for link in shared.check.links:
        host = _host(link.value)
        if any(host == domain or host.endswith("." + domain) for domain in allowed):
            continue
        message = _("Links to %(host)s are not allowed; allowed: %(allowed)s.") % {
            "host": host or link.text,
            "allowed": ", ".join(allowed),
        }
        fix = _("Remove the link or use an allowed domain.")
        fixed = _without(text, link.start, link.end)
        findings.append(_finding(rule, link.start, link.end, text, message, fix, fixed_text=fixed))
    return findings


def _host(url: str) -> str:
    try:
        return (urlsplit(url if "://" in url else "http://" + url).hostname or "").lower()
    except ValueError:
        return ""


def topic_format(platform: str, topic: str) -> str:
    """How a topic is written on the platform: #话题# on Weibo, #tag elsewhere."""
    if platform == "weibo":
        return f"#{topic}#"
    return "#" + "".join(topic.split())


def _required_topic(rule: Rule, shared: _Text, context: Context) -> list[Finding]:
    wanted: list[str] = rule.params.get("topics", [])
    present = {fold_word(topic.value) for topic in shared.check.topics}
    present |= {fold_word(topic) for topic in context.topics}
    if any(fold_word(topic) in present for topic in wanted):
        return []
    text = shared.text
    first = topic_format(shared.platform, wanted[0]) if wanted else ""
    message = _("Add one of the topics %(topics)s.") % {
        "topics": " ".join(topic_format(shared.platform, t) for t in wanted)
    }
    fix = _("Add “%(topic)s”.") % {"topic": first}
    fixed = f"{text} {first}" if text else first
    return [_finding(rule, len(text), len(text), text, message, fix, fixed_text=fixed)]


def _custom(rule: Rule, shared: _Text, context: Context) -> list[Finding]:
    text = shared.text
    try:
        compiled = compile_custom(
            rule.params["pattern"], ignore_case=rule.params.get("ignore_case", False)
        )
        matches = [m.span() for m in compiled.finditer(text, timeout=CUSTOM_TIMEOUT)]
    except TimeoutError:
        log.warning("custom rule %s timed out on a text of %s characters", rule.id, len(text))
        return []
    message = str(rule.params.get("message", ""))
    fix = _("Rewrite this part.")
    return [
        _finding(rule, start, end, text, message, fix)
        for start, end in matches
        if end > start  # an empty match has nothing to point at
    ][:100]


CHECKS: dict[Kind, Callable[[Rule, _Text, Context], list[Finding]]] = {
    Kind.MAX_LENGTH: _max_length,
    Kind.FORBIDDEN_WORDS: _forbidden_words,
    Kind.REQUIRED_DISCLOSURE: _required_disclosure,
    Kind.MAX_LINKS: _max_entities("links"),
    Kind.MAX_HASHTAGS: _max_entities("topics"),
    Kind.MAX_MENTIONS: _max_entities("mentions"),
    Kind.LINK_DOMAINS: _link_domains,
    Kind.REQUIRED_TOPIC: _required_topic,
    Kind.CUSTOM: _custom,
}
