"""Forms of the library pages: add an asset of any kind, edit one, filter the list."""

from __future__ import annotations

import re
import zoneinfo
from datetime import date, datetime, time
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from socialops.content.models import Asset

_TAG_SEPARATORS = re.compile(r"[,，、;；\n]+")
RIGHTS_FILTERS = [
    ("", _("Any usage rights")),
    ("expiring", _("Expiring within 14 days")),
    ("expired", _("Expired")),
    ("ok", _("Valid")),
]


def split_tags(raw: str) -> list[str]:
    """Tags typed in one box, split at commas (also ，and 、), semicolons or new lines."""
    return [tag.strip() for tag in _TAG_SEPARATORS.split(raw or "") if tag.strip()]


def ends_at(day: date | None, time_zone: str) -> datetime | None:
    """Rights that "end on" a day end at the start of that day in the workspace's zone."""
    if day is None:
        return None
    return datetime.combine(day, time.min, tzinfo=zoneinfo.ZoneInfo(time_zone))


class _AssetFields(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    text = forms.CharField(
        label=_("Text or description"),
        required=False,
        max_length=50_000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    url = forms.CharField(label=_("Web address"), required=False, max_length=1000)
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=1000,
        help_text=_("Separate tags with commas, 、 or new lines."),
    )
    rights = forms.ChoiceField(
        label=_("Usage rights"), choices=Asset.Rights.choices, initial=Asset.Rights.OWNED
    )
    rights_holder = forms.CharField(label=_("Rights holder"), required=False, max_length=200)
    rights_note = forms.CharField(label=_("Rights note"), required=False, max_length=500)
    expires_on = forms.DateField(
        label=_("Usage rights end on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def values(self, time_zone: str) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "text": data["text"],
            "url": data["url"],
            "tags": split_tags(data["tags"]),
            "rights": data["rights"],
            "rights_holder": data["rights_holder"],
            "rights_note": data["rights_note"],
            "expires_at": ends_at(data["expires_on"], time_zone),
        }

    def add_action_errors(self, exc: ValidationError) -> None:
        for key, messages in exc.message_dict.items():
            name = "expires_on" if key == "expires_at" else key
            self.add_error(name if name in self.fields else None, messages)


class AssetForm(_AssetFields):
    kind = forms.ChoiceField(label=_("Kind"), choices=Asset.Kind.choices, initial="image")
    file = forms.FileField(label=_("File"), required=False)

    field_order = ["kind", "file", "title", "text", "url", "tags"]


class AssetEditForm(_AssetFields):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["title"].required = True  # on upload it defaults to the file name

    @classmethod
    def initial_of(cls, asset: Asset, time_zone: str) -> dict[str, Any]:
        expires = asset.expires_at
        return {
            "title": asset.title,
            "text": asset.text,
            "url": asset.url,
            "tags": ", ".join(asset.tags or []),
            "rights": asset.rights,
            "rights_holder": asset.rights_holder,
            "rights_note": asset.rights_note,
            "expires_on": expires.astimezone(zoneinfo.ZoneInfo(time_zone)).date()
            if expires
            else None,
        }


class FilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("Every kind")), *Asset.Kind.choices]
    )
    tag = forms.CharField(label=_("Tag"), required=False, max_length=30)
    rights = forms.ChoiceField(label=_("Usage rights"), required=False, choices=RIGHTS_FILTERS)
    archived = forms.BooleanField(label=_("Archived"), required=False)


__all__ = ["AssetEditForm", "AssetForm", "FilterForm", "split_tags"]
