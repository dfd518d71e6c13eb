from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import platforms
from .imports import split_list
from .models import Contact, EngagementTask


class ContactForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Type"), choices=Contact.Kind.choices, initial="fan")
    importance = forms.TypedChoiceField(
        label=_("Importance"),
        choices=Contact.Importance.choices,
        coerce=int,
        initial=Contact.Importance.NORMAL,
    )
    organisation = forms.CharField(label=_("Organisation"), max_length=200, required=False)
    tags = forms.CharField(
        label=_("Tags"),
        max_length=1000,
        required=False,
        help_text=_("Separated by ; or 、, e.g. 科技；数码"),
    )
    notes = forms.CharField(
        label=_("Notes"), max_length=10_000, required=False, widget=forms.Textarea({"rows": 3})
    )

    def contact_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "kind": data["kind"],
            "importance": data["importance"],
            "organisation": data.get("organisation") or "",
            "tags": split_list(data.get("tags") or ""),
            "notes": data.get("notes") or "",
        }

    @staticmethod
    def initial_of(contact: Contact) -> dict[str, Any]:
        return {
            "name": contact.name,
            "kind": contact.kind,
            "importance": contact.importance,
            "organisation": contact.organisation,
            "tags": "；".join(contact.tags),
            "notes": contact.notes,
        }


class IdentityForm(forms.Form):
    platform = forms.ChoiceField(label=_("Platform"))
    handle = forms.CharField(label=_("Handle"), max_length=201, required=False)
    remote_id = forms.CharField(label=_("User id on the platform"), max_length=200, required=False)
    url = forms.CharField(label=_("Profile link"), max_length=500, required=False)

    def __init__(self, *args: Any, optional: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.optional = optional
        field = self.fields["platform"]
        field.choices = ([("", "—")] if optional else []) + platforms.choices()  # type: ignore[attr-defined]
        field.required = not optional

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        given = data.get("handle") or data.get("remote_id")
        if data.get("platform") and not given:
            raise ValidationError(_("Give the handle or the platform's user id."))
        if not data.get("platform") and (given or data.get("url")):
            self.add_error("platform", _("Choose the platform."))
        return data

    def identity(self) -> dict[str, str] | None:
        data = self.cleaned_data
        if not data.get("platform"):
            return None
        return {key: data.get(key) or "" for key in ("platform", "handle", "remote_id", "url")}


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CSV file"), required=False)
    csv = forms.CharField(
        label=_("Or paste the CSV"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
    )


class ActForm(forms.Form):
    action = forms.ChoiceField(label=_("Action"), choices=EngagementTask.Action.choices)
    text = forms.CharField(
        label=_("Text"), max_length=2000, required=False, widget=forms.Textarea({"rows": 3})
    )
    result_url = forms.CharField(
        label=_("Link to what you posted"), max_length=1000, required=False
    )


def add_action_errors(
    form: forms.Form, exc: ValidationError, *, prefix: str = "", skip: str = ""
) -> None:
    """Put an action's ValidationError on the matching fields, the rest on the form.

    With ``prefix`` only the keys starting with it are taken (``identities.0.handle`` →
    ``handle``); keys starting with ``skip`` are left for another form.
    """
    if not hasattr(exc, "error_dict"):
        for message in exc.messages:
            form.add_error(None, message)
        return
    for key, messages in exc.message_dict.items():
        if (prefix and not key.startswith(prefix)) or (skip and key.startswith(skip)):
            continue
        name = key.removeprefix(prefix)
        field = name if name in form.fields else None
        for message in messages:
            form.add_error(field, message)
