"""The guidebook's checks on a reply, through the editorial-rules engine.

A reply is checked against the workspace's enabled rules whose scope is replies or both (and
whose reply kinds include this kind), plus two checks every reply gets: it fits the platform's
length, and no {placeholder} of a canned reply is left unfilled.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

import regex
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from socialops.content.rules import Context, Finding, Kind, Rule, Severity, lint
from socialops.core import text as core_text
from socialops.platforms import catalog

if TYPE_CHECKING:
    from socialops.accounts.models import Workspace

REPLY_KINDS = ("comment", "mention", "dm")
ANY_PLATFORM = ""  # lint_reply(platform=""): rules for every platform, no length check
BUILT_IN = 0  # the rule_id of the checks every reply gets
PLACEHOLDER = regex.compile(r"\{([^{}\s]{1,40})\}")


def reply_rules(workspace: Workspace, kind: str) -> list[Rule]:
    """The enabled rules for a reply of this kind (comment, mention, dm)."""
    from socialops.content.models import EditorialRule

    rows = EditorialRule.objects.filter(workspace=workspace, enabled=True).exclude(
        scope=EditorialRule.Scope.POSTS
    )
    return [row.as_rule() for row in rows if not row.reply_kinds or kind in row.reply_kinds]


def lint_reply(workspace: Workspace, *, platform: str, kind: str, text: str) -> list[Finding]:
    """Findings for a reply about to be sent (kind: comment, mention or dm); errors block it."""
    return check_reply(reply_rules(workspace, kind), platform=platform, text=text)


def check_reply(
    rules: list[Rule], *, platform: str, text: str, placeholders: bool = True
) -> list[Finding]:
    """The rules' findings on a reply, with the built-in length and placeholder checks."""
    engine_rules, own = [], []
    for rule in rules:
        if rule.kind == Kind.MAX_LENGTH and rule.params.get("limit") is None:
            continue  # the platform's own limit: checked below for every reply
        if rule.kind == Kind.MAX_LENGTH and platform == "wechat":
            own.append(rule)  # the engine measures WeChat article bodies, not messages
        elif platform != ANY_PLATFORM or not rule.platforms:
            engine_rules.append(rule)
    by_id = {rule.id: rule for rule in engine_rules}
    findings = [
        _as_reply(f, by_id[f.rule_id]) for f in lint(text, platform=platform, rules=engine_rules)
    ]
    for rule in own:
        if rule.applies_to(platform):
            findings += _too_long(rule, text, platform, rule.params["limit"])
    if platform != ANY_PLATFORM:
        findings += _platform_length(text, platform)
    if placeholders:
        findings += unfilled_placeholders(text)
    return sorted(findings, key=lambda f: (f.start, f.end, f.kind, f.rule_id))


def blocking(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity == Severity.ERROR]


def _as_reply(finding: Finding, rule: Rule) -> Finding:
    """The engine speaks of posts; a required disclosure on a reply is a required phrase."""
    if finding.kind != Kind.REQUIRED_DISCLOSURE:
        return finding
    phrases = " / ".join(rule.params.get("any_of", []))
    message = _("A reply must include one of: %(phrases)s.") % {"phrases": phrases}
    return replace(finding, message=message)


def unfilled_placeholders(text: str) -> list[Finding]:
    findings = []
    for match in PLACEHOLDER.finditer(text):
        findings.append(
            Finding(
                rule_id=BUILT_IN,
                kind="placeholder",
                severity=Severity.ERROR,
                message=_("“%(placeholder)s” is still a placeholder.")
                % {"placeholder": match.group(0)},
                start=match.start(),
                end=match.end(),
                matched=match.group(0),
                fix=_("Replace it with the real value before sending."),
            )
        )
    return findings


def reply_limit(platform: str, text: str) -> core_text.TextCheck | None:
    """The reply measured the platform's way against its limit, where we know the limit.

    A comment or message is held to the platform's post limit (Weibo's comments and posts are
    both 140 by its count; X, Mastodon and Bluesky replies are posts). WeChat's customer-service
    messages have no documented text limit here, so none is applied.
    """
    entry = catalog.get(platform)
    if entry is None or entry.text.rules == "wechat":
        return None
    if entry.text.rules != "generic":
        return core_text.check(entry.text.rules, text)
    limit = entry.text.limits.get("post")
    return core_text.check_generic(platform, text, limit=limit) if limit else None


def _platform_length(text: str, platform: str) -> list[Finding]:
    measured = reply_limit(platform, text)
    if measured is None or not measured.over:
        return []
    return _over(
        Rule(id=BUILT_IN, kind=Kind.MAX_LENGTH, params={}),
        text,
        measured,
        lambda n: bool((m := reply_limit(platform, text[:n])) and m.over),
    )


def _too_long(rule: Rule, text: str, platform: str, limit: int) -> list[Finding]:
    measured = core_text.check_generic(platform, text, limit=limit)
    if not measured.over:
        return []
    return _over(
        rule,
        text,
        measured,
        lambda n: core_text.check_generic(platform, text[:n], limit=limit).over,
    )


def _over(
    rule: Rule, text: str, measured: core_text.TextCheck, over: Callable[[int], bool]
) -> list[Finding]:
    low, high = 0, len(text)
    while low < high:  # the longest prefix that fits
        middle = (low + high + 1) // 2
        if over(middle):
            high = middle - 1
        else:
            low = middle
    excess = measured.length - measured.limit
    return [
        Finding(
            rule_id=rule.id,
            kind=rule.kind,
            severity=rule.severity,
            message=_("%(length)s of %(limit)s characters on this platform: too long.")
            % {"length": measured.length, "limit": measured.limit},
            start=low,
            end=len(text),
            matched=text[low:],
            fix=ngettext("Shorten by %(n)s character.", "Shorten by %(n)s characters.", excess)
            % {"n": excess},
        )
    ]


__all__ = [
    "REPLY_KINDS",
    "Context",
    "Finding",
    "blocking",
    "check_reply",
    "lint_reply",
    "reply_rules",
    "unfilled_placeholders",
]
