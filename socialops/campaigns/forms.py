from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import NAME_LENGTH, Topic
from .rendering import SHOWN_PLATFORMS

PLATFORM_NAMES = {
    "weibo": _("Weibo"),
    "x": "X",
    "mastodon": "Mastodon",
    "bluesky": "Bluesky",
    "wechat": _("WeChat"),
}
PLATFORM_LABELS = {
    "weibo": _("Name on Weibo"),
    "x": _("Tag on X"),
    "mastodon": _("Tag on Mastodon"),
    "bluesky": _("Tag on Bluesky"),
    "wechat": _("Name on WeChat"),
}


class TopicForm(forms.Form):
    name = forms.CharField(label=_("Topic"), max_length=NAME_LENGTH)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea({"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for code in SHOWN_PLATFORMS:
            self.fields[f"override_{code}"] = forms.CharField(
                label=PLATFORM_LABELS[code],
                max_length=NAME_LENGTH,
                required=False,
                help_text=_("Leave empty to use the topic's name."),
            )

    def overrides(self) -> dict[str, str]:
        return {code: self.cleaned_data.get(f"override_{code}") or "" for code in SHOWN_PLATFORMS}

    def override_fields(self) -> list[forms.BoundField]:
        return [self[f"override_{code}"] for code in SHOWN_PLATFORMS]

    @staticmethod
    def initial_of(topic: Topic) -> dict[str, Any]:
        initial: dict[str, Any] = {"name": topic.name, "notes": topic.notes}
        for code, value in topic.overrides.items():
            initial[f"override_{code}"] = value
        return initial


class HashtagSetForm(forms.Form):
    name = forms.CharField(label=_("Set name"), max_length=100)
    purpose = forms.CharField(
        label=_("Campaign or pillar"),
        max_length=100,
        required=False,
        help_text=_("e.g. 双十一 campaign, or the 新品 pillar."),
    )
    topics = forms.ModelMultipleChoiceField(
        label=_("Topics"),
        queryset=Topic.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, topics: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if topics is not None:
            self.fields["topics"].queryset = topics  # type: ignore[attr-defined]


def add_action_errors(form: forms.Form, exc: Any) -> None:
    """Put an action's ValidationError on the matching fields (overrides on the form)."""
    for key, messages in exc.message_dict.items():
        field = key if key in form.fields else "topics" if key == "topic_ids" else None
        for message in messages:
            form.add_error(field, message)


class LinkForm(forms.Form):
    target_url = forms.CharField(
        label=_("Link to track"),
        max_length=1500,
        widget=forms.URLInput({"placeholder": "https://"}),
    )
    utm_source = forms.CharField(label="utm_source", max_length=100, required=False)
    utm_medium = forms.CharField(label="utm_medium", max_length=100, required=False)
    utm_campaign = forms.CharField(label="utm_campaign", max_length=100, required=False)
    utm_content = forms.CharField(label="utm_content", max_length=100, required=False)

    def utm(self) -> dict[str, str]:
        return {name: self.cleaned_data.get(name) or "" for name in UTM_NAMES}


UTM_NAMES = ("utm_source", "utm_medium", "utm_campaign", "utm_content")
