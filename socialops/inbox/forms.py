from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import AssignmentRule, Conversation, Kind

THEN_CHOICES = [("open", _("Send")), ("resolved", _("Send and resolve"))]


class ReplyForm(forms.Form):
    text = forms.CharField(
        label=_("Reply"), max_length=5000, widget=forms.Textarea({"rows": 4, "id": "reply-text"})
    )
    accept_warnings = forms.BooleanField(label=_("Send despite the warnings"), required=False)
    then = forms.ChoiceField(choices=[*THEN_CHOICES, ("pending", _("Send and wait"))])


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Internal note"), max_length=5000, widget=forms.Textarea({"rows": 2})
    )


class LabelForm(forms.Form):
    name = forms.CharField(label=_("Label"), max_length=40)
    color = forms.CharField(
        label=_("Colour"),
        max_length=7,
        initial="#64748b",
        widget=forms.TextInput({"type": "color"}),
    )


class SavedViewForm(forms.Form):
    name = forms.CharField(label=_("Name of the view"), max_length=60)
    shared = forms.BooleanField(label=_("Share with the team"), required=False)


class RuleForm(forms.Form):
    name = forms.CharField(label=_("Rule name"), max_length=100)
    strategy = forms.ChoiceField(label=_("How"), choices=AssignmentRule.Strategy.choices)
    kinds = forms.MultipleChoiceField(
        label=_("Kinds"), choices=Kind.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    channel_ids = forms.MultipleChoiceField(label=_("Accounts"), required=False)
    langs = forms.CharField(
        label=_("Languages"), required=False, help_text=_("Codes, comma separated, e.g. zh, en.")
    )
    intents = forms.CharField(
        label=_("Intents"),
        required=False,
        help_text=_("e.g. complaint, question, purchase."),
    )
    member_ids = forms.MultipleChoiceField(label=_("Members"))

    def __init__(self, *args: Any, channels: Any = (), members: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["channel_ids"].choices = [  # type: ignore[attr-defined]
            (str(c.pk), c.display_name or c.handle) for c in channels
        ]
        self.fields["member_ids"].choices = [  # type: ignore[attr-defined]
            (str(u.pk), u.name or u.email) for u in members
        ]

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data

        def split(raw: str) -> list[str]:
            return [part.strip() for part in raw.replace("，", ",").split(",") if part.strip()]

        return {
            "name": data["name"],
            "strategy": data["strategy"],
            "kinds": data["kinds"],
            "channel_ids": [int(pk) for pk in data["channel_ids"]],
            "langs": split(data["langs"]),
            "intents": split(data["intents"]),
            "member_ids": [int(pk) for pk in data["member_ids"]],
        }


STATUS_CHOICES = Conversation.Status.choices
PRIORITY_CHOICES = Conversation.Priority.choices


def add_action_errors(form: forms.Form, exc: Any) -> None:
    for key, messages in exc.message_dict.items():
        field = key if key in form.fields else None
        for message in messages:
            form.add_error(field, message)
