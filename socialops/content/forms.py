"""Forms of the Rules page: a rule's settings as plain fields, and the try-it box."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from socialops.platforms import catalog

from .models import EditorialRule
from .rules import Kind

# Which form field holds each params key (errors come back as "params.<key>...").
PARAM_FIELDS = {
    "limit": "limit",
    "words": "words",
    "any_of": "any_of",
    "when": "when",
    "max": "max",
    "allow": "allow",
    "topics": "topics",
    "pattern": "pattern",
    "message": "message",
    "ignore_case": "ignore_case",
}
FIELDS_OF_KIND = {
    Kind.MAX_LENGTH: ["limit"],
    Kind.FORBIDDEN_WORDS: ["words"],
    Kind.REQUIRED_DISCLOSURE: ["any_of", "when"],
    Kind.MAX_LINKS: ["max"],
    Kind.MAX_HASHTAGS: ["max"],
    Kind.MAX_MENTIONS: ["max"],
    Kind.LINK_DOMAINS: ["allow"],
    Kind.REQUIRED_TOPIC: ["topics"],
    Kind.CUSTOM: ["pattern", "message", "ignore_case"],
}


def platform_choices() -> list[tuple[str, str]]:
    return [(platform.code, str(platform.name)) for platform in catalog.platforms()]


def _lines(value: str) -> list[str]:
    return [line.strip() for line in value.replace("，", ",").splitlines() if line.strip()]


class RuleForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=EditorialRule.Kind.choices)
    name = forms.CharField(label=_("Name"), max_length=100, required=False)
    severity = forms.ChoiceField(
        label=_("Severity"),
        choices=EditorialRule.Severity.choices,
        help_text=_("An error blocks submitting; a warning only shows."),
    )
    scope = forms.ChoiceField(
        label=_("Checks"),
        choices=EditorialRule.Scope.choices,
        initial=EditorialRule.Scope.POSTS,
        required=False,  # not posted: posts for a new rule, unchanged for an edit
        help_text=_("Replies: the guidebook's rules, checked on every reply in the inbox."),
    )
    reply_kinds = forms.MultipleChoiceField(
        label=_("Replies to"),
        required=False,
        choices=[
            ("comment", _("Comments")),
            ("mention", _("Mentions")),
            ("dm", _("Direct messages")),
        ],
        widget=forms.CheckboxSelectMultiple,
        help_text=_("For replies only. None selected: every kind."),
    )
    applies_to = forms.MultipleChoiceField(
        label=_("Platforms"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
        help_text=_("None selected: every platform."),
    )
    limit = forms.IntegerField(
        label=_("Length limit"),
        min_value=1,
        required=False,
        help_text=_("Empty: the platform's own limit, counted its way."),
    )
    words = forms.CharField(
        label=_("Forbidden words"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "One per line: word | replacement | pinyin. Add “pinyin” to also catch the word "
            "written in pinyin (noisy for short words). Example: 微博 | 某平台 | pinyin"
        ),
    )
    any_of = forms.CharField(
        label=_("Disclosure, any of"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line, e.g. 广告 and #ad."),
    )
    when = forms.ChoiceField(
        label=_("Required on"),
        required=False,
        choices=[("paid", _("Paid posts")), ("always", _("Every post"))],
    )
    max = forms.IntegerField(label=_("At most"), min_value=0, required=False)
    allow = forms.CharField(
        label=_("Allowed domains"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line; subdomains are allowed too. Weibo's own: weibo.com, t.cn."),
    )
    topics = forms.CharField(
        label=_("Topics, one of"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line, without # signs: each platform's format is applied."),
    )
    pattern = forms.CharField(label=_("Regular expression"), max_length=1000, required=False)
    message = forms.CharField(label=_("Message"), max_length=300, required=False)
    ignore_case = forms.BooleanField(label=_("Ignore case"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["applies_to"].choices = platform_choices()  # type: ignore[attr-defined]

    @classmethod
    def initial_of(cls, rule: EditorialRule) -> dict[str, Any]:
        params = rule.params
        initial: dict[str, Any] = {
            "kind": rule.kind,
            "name": rule.name,
            "severity": rule.severity,
            "applies_to": rule.applies_to,
            "scope": rule.scope,
            "reply_kinds": rule.reply_kinds,
        }
        if rule.kind == Kind.FORBIDDEN_WORDS:
            initial["words"] = "\n".join(
                " | ".join(
                    [w["word"], w.get("replacement", "")] + (["pinyin"] if w.get("pinyin") else [])
                ).rstrip(" |")
                for w in params.get("words", [])
            )
        for key in ("any_of", "allow", "topics"):
            if key in params:
                initial[key] = "\n".join(params[key])
        for key in ("limit", "when", "max", "pattern", "message", "ignore_case"):
            if key in params:
                initial[key] = params[key]
        return initial

    def params(self) -> dict[str, Any]:
        data = self.cleaned_data
        kind = Kind(data["kind"])
        if kind == Kind.MAX_LENGTH:
            return {"limit": data["limit"]}
        if kind == Kind.FORBIDDEN_WORDS:
            return {"words": [_word(line) for line in _lines(data["words"])]}
        if kind == Kind.REQUIRED_DISCLOSURE:
            return {"any_of": _lines(data["any_of"]), "when": data["when"] or "paid"}
        if kind in (Kind.MAX_LINKS, Kind.MAX_HASHTAGS, Kind.MAX_MENTIONS):
            return {"max": data["max"] if data["max"] is not None else 0}
        if kind == Kind.LINK_DOMAINS:
            return {"allow": _lines(data["allow"])}
        if kind == Kind.REQUIRED_TOPIC:
            return {"topics": _lines(data["topics"])}
        return {
            "pattern": data["pattern"],
            "message": data["message"],
            "ignore_case": data["ignore_case"],
        }

    def add_action_errors(self, error: ValidationError) -> None:
        """Put the action's field errors ("params.words.0.word") on the fields shown."""
        first_of_kind = FIELDS_OF_KIND[Kind(self.cleaned_data["kind"])][0]
        for key, messages in error.message_dict.items():
            parts = key.split(".")
            if parts[0] == "params":
                name: str | None = PARAM_FIELDS.get(parts[1]) if len(parts) > 1 else None
                name = name or first_of_kind
            else:
                name = key if key in self.fields else None
            for message in messages:
                self.add_error(name, message)


def _word(line: str) -> dict[str, Any]:
    parts = [part.strip() for part in line.split("|")]
    flags = {part.lower() for part in parts[2:]}
    return {
        "word": parts[0],
        "replacement": parts[1] if len(parts) > 1 else "",
        "pinyin": "pinyin" in flags or "拼音" in flags,
    }


class LintForm(forms.Form):
    text = forms.CharField(required=False, max_length=100_000, strip=False)
    platform = forms.ChoiceField(label=_("Platform"))
    paid = forms.BooleanField(label=_("Paid post"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["platform"].choices = platform_choices()  # type: ignore[attr-defined]


class PillarForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=50)
    description = forms.CharField(label=_("Description"), max_length=500, required=False)
    colour = forms.RegexField(
        label=_("Colour"),
        regex=r"^#[0-9a-fA-F]{6}$",
        initial="#0d6efd",
        widget=forms.TextInput(attrs={"type": "color"}),
    )
    target_share = forms.IntegerField(
        label=_("Target share (%)"), min_value=0, max_value=100, initial=0
    )

    def add_action_errors(self, exc: ValidationError) -> None:
        for key, messages in exc.message_dict.items():
            self.add_error(key if key in self.fields else None, messages)
