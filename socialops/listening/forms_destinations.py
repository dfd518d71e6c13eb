"""The alert destination form: the fields of every kind; only the chosen kind's are kept."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .alerts import NAME_LENGTH, SECRET_LENGTH, URL_LENGTH
from .models import AlertKind, Destination, DestinationKind

ALERT_KIND_CHOICES = [(k.value, k.label) for k in AlertKind if k != AlertKind.TEST]


class DestinationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=NAME_LENGTH)
    kind = forms.ChoiceField(label=_("Kind"), choices=DestinationKind.choices)
    url = forms.CharField(
        label=_("Webhook address"),
        max_length=URL_LENGTH,
        required=False,
        help_text=_(
            "The address the bot's settings show (https://…). Any http(s) host is accepted, so a "
            "self-hosted relay works too: check that it is the bot you mean."
        ),
    )
    secret = forms.CharField(
        label=_("Signing secret"),
        max_length=SECRET_LENGTH,
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_(
            "DingTalk and Feishu: the bot's signing secret (加签). Webhook: the key of the "
            "X-SocialOps-Signature header. Leave empty to keep the stored one."
        ),
    )
    clear_secret = forms.BooleanField(label=_("Remove the stored secret"), required=False)
    recipients = forms.CharField(
        label=_("Recipients"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Email addresses, one per line."),
    )
    alert_kinds = forms.MultipleChoiceField(
        label=_("Alert kinds"),
        choices=ALERT_KIND_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every kind."),
    )
    enabled = forms.BooleanField(label=_("Enabled"), required=False, initial=True)

    @staticmethod
    def initial_of(destination: Destination) -> dict[str, Any]:
        return {
            "name": destination.name,
            "kind": destination.kind,
            "url": destination.url,
            "recipients": "\n".join(destination.recipients),
            "alert_kinds": list(destination.alert_kinds),
            "enabled": destination.enabled,
        }

    def values(self) -> dict[str, Any]:
        """What the actions take: a secret only when one is typed, or "" to remove it."""
        data = self.cleaned_data
        values = {
            "name": data["name"],
            "kind": data["kind"],
            "url": data["url"],
            "recipients": data["recipients"],
            "alert_kinds": list(data["alert_kinds"]),
            "enabled": data["enabled"],
        }
        if data["secret"]:
            values["secret"] = data["secret"]
        elif data["clear_secret"]:
            values["secret"] = ""
        return values


def add_action_errors(form: forms.Form, exc: ValidationError) -> None:
    """Put an action's field errors on the form's fields (alert_kinds.0 → alert_kinds)."""
    for key, messages in exc.message_dict.items():
        name = key.split(".")[0]
        for message in messages:
            form.add_error(name if name in form.fields else None, message)
