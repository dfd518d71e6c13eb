"""Forms of the guidebook pages: a section, a canned reply, and the reply check box."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .canned import ALIASES, VARIABLES
from .models import CannedReply

KIND_CHOICES = [
    ("comment", _("Comments")),
    ("mention", _("Mentions")),
    ("dm", _("Direct messages")),
]


def add_action_errors(form: forms.Form, error: ValidationError) -> None:
    for key, messages in error.message_dict.items():
        form.add_error(key if key in form.fields else None, messages)


class SectionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=100)
    body = forms.CharField(
        label=_("Text"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_(
            "Plain text. A line starting with “- ” or “1. ” is a list item, “## ” a heading; "
            "**bold**; links are made clickable; an empty line starts a new paragraph."
        ),
    )


def variables_help() -> str:
    names = {name: alias for alias, name in ALIASES.items()}
    return " ".join(
        f"{{{name}}}" + (f" {{{names[name]}}}" if name in names else "") for name in VARIABLES
    )


class CannedForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=100)
    body = forms.CharField(
        label=_("Reply"),
        strip=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    shortcut = forms.CharField(
        label=_("Shortcut"),
        max_length=31,
        required=False,
        help_text=_("Typed as /shortcut in the reply box."),
    )
    kinds = forms.MultipleChoiceField(
        label=_("Used in"),
        required=False,
        choices=KIND_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None selected: every kind of conversation."),
    )
    purpose = forms.ChoiceField(
        label=_("Purpose"),
        required=False,
        choices=CannedReply.Purpose.choices,
        help_text=_("An invitation to a DM is offered by the inbox's “Move to DM” button."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["body"].help_text = _(
            "Variables: %(names)s. Unknown ones stay visible for the agent to fill in."
        ) % {"names": variables_help()}

    @staticmethod
    def initial_of(reply: CannedReply) -> dict[str, Any]:
        return {
            "title": reply.title,
            "body": reply.body,
            "shortcut": reply.shortcut,
            "kinds": reply.kinds,
            "purpose": reply.purpose,
        }


class ReplyCheckForm(forms.Form):
    channel_id = forms.IntegerField(min_value=1, max_value=2**63 - 1)
    kind = forms.ChoiceField(label=_("Kind"), choices=KIND_CHOICES)
    text = forms.CharField(required=False, max_length=100_000, strip=False)
