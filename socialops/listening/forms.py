"""Forms of the listening query and source pages; the actions check everything again."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from socialops.channels.models import Channel

from .actions import MAX_COOLDOWN, MAX_FLOOR, MAX_RATIO, NAME_LENGTH, QUERY_FIELDS
from .models import ListeningQuery, QueryKind, Source, SourceKind
from .query import MAX_QUERY_LENGTH


class QueryForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=NAME_LENGTH)
    text = forms.CharField(
        label=_("Query"),
        # the parser explains a query that is too long, with its position; this caps the post
        max_length=MAX_QUERY_LENGTH * 5,
        strip=False,
        widget=forms.Textarea(
            attrs={
                "rows": 4,
                "spellcheck": "false",
                "autocomplete": "off",
                "class": "font-monospace",
            }
        ),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=QueryKind.choices, initial=QueryKind.BRAND)
    group = forms.CharField(
        label=_("Series"),
        max_length=NAME_LENGTH,
        required=False,
        help_text=_("The share-of-voice series it counts towards (our brand or a competitor)."),
    )
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    alert_on_match = forms.BooleanField(
        label=_("Alert on every match (crisis words)"), required=False
    )
    spike_ratio = forms.FloatField(
        label=_("Spike ratio"),
        initial=3.0,
        min_value=1.01,
        max_value=MAX_RATIO,
        help_text=_("A minute with this many times the usual count is a spike."),
    )
    spike_floor = forms.IntegerField(
        label=_("Spike floor"),
        initial=20,
        min_value=1,
        max_value=MAX_FLOOR,
        help_text=_("… and at least this many mentions."),
    )
    negative_share = forms.FloatField(
        label=_("Negative share"),
        initial=0.5,
        min_value=0,
        max_value=1,
        help_text=_("From 0 to 1: the share of negative mentions that raises an alert."),
    )
    negative_floor = forms.IntegerField(
        label=_("Negative floor"), initial=10, min_value=0, max_value=MAX_FLOOR
    )
    cooldown_minutes = forms.IntegerField(
        label=_("Cooldown (minutes)"), initial=30, min_value=1, max_value=MAX_COOLDOWN
    )

    @staticmethod
    def initial_of(query: ListeningQuery) -> dict[str, Any]:
        return {name: getattr(query, name) for name in QUERY_FIELDS}

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in QUERY_FIELDS}


class QueryTextForm(forms.Form):
    """The editor's text alone, for live checking and "test this query"."""

    text = forms.CharField(max_length=MAX_QUERY_LENGTH * 5, strip=False, required=False)
    days = forms.IntegerField(min_value=1, max_value=365, required=False)


CONFIG_FIELDS = (
    "path",
    "speed",
    "instance",
    "hashtag",
    "local",
    "url",
    "keywords",
    "backfill_hours",
)
# which of the form's settings each kind keeps (sources.check_config checks them)
KIND_CONFIG = {
    SourceKind.SANDBOX: ("backfill_hours",),
    SourceKind.SEARCH: ("backfill_hours",),
    SourceKind.REPLAY: ("path", "speed"),
    SourceKind.MASTODON_TAG: ("instance", "hashtag", "local"),
    SourceKind.MASTODON_STREAM: ("instance", "hashtag", "local"),
    SourceKind.JETSTREAM: ("url", "keywords"),
}


class SourceForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=NAME_LENGTH)
    kind = forms.ChoiceField(label=_("Kind"), choices=SourceKind.choices)
    channel = forms.ModelChoiceField(
        label=_("Account"),
        queryset=Channel.objects.none(),
        required=False,
        empty_label=_("None"),
        help_text=_("Sandbox, Mastodon and platform search read through one of your accounts."),
    )
    path = forms.CharField(
        label=_("Replay file"),
        max_length=1000,
        required=False,
        help_text=_("A JSONL file (plain or gzip) inside the replay directory."),
    )
    speed = forms.FloatField(
        label=_("Replay speed"),
        required=False,
        help_text=_("Times real time (the posts' own pace × speed); empty: as fast as possible."),
    )
    instance = forms.CharField(
        label=_("Mastodon instance"),
        max_length=200,
        required=False,
        help_text=_("https://…; empty: the instance of the chosen Mastodon account."),
    )
    hashtag = forms.CharField(
        label=_("Hashtag"),
        max_length=100,
        required=False,
        help_text=_("Without #; empty: the public timeline (streaming only)."),
    )
    local = forms.BooleanField(label=_("Only this instance's posts"), required=False)
    url = forms.CharField(
        label=_("Jetstream address"),
        max_length=500,
        required=False,
        help_text=_("wss://…; empty: the public Jetstream."),
    )
    keywords = forms.CharField(
        label=_("Keywords"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line; empty: every post."),
    )
    backfill_hours = forms.FloatField(
        label=_("Backfill (hours)"),
        required=False,
        help_text=_("How far back to start the first time; empty: the default."),
    )
    enabled = forms.BooleanField(label=_("Enabled"), required=False, initial=True)

    def __init__(self, *args: Any, channels: QuerySet[Channel], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        channel_field = self.fields["channel"]
        assert isinstance(channel_field, forms.ModelChoiceField)  # noqa: S101 - declared above
        channel_field.queryset = channels

    @staticmethod
    def initial_of(found: Source) -> dict[str, Any]:
        config = found.config if isinstance(found.config, dict) else {}
        keywords = config.get("keywords") or []
        return {
            "name": found.name,
            "kind": found.kind,
            "channel": found.channel_id,
            "enabled": found.enabled,
            **{key: config.get(key) for key in CONFIG_FIELDS if key != "keywords"},
            "keywords": "\n".join(keywords) if isinstance(keywords, list) else "",
        }

    def values(self) -> dict[str, Any]:
        """name, kind, channel, enabled, and the config of the kind chosen (the rest dropped)."""
        data = self.cleaned_data
        kind = data["kind"]
        config = {
            key: data[key]
            for key in KIND_CONFIG.get(kind, ())
            if data[key] is not None and data[key] != "" and data[key] is not False
        }
        if "keywords" in config:
            config["keywords"] = [line.strip() for line in config["keywords"].splitlines()]
        return {
            "name": data["name"],
            "kind": kind,
            "channel": data["channel"],
            "enabled": data["enabled"],
            "config": config,
        }


def add_action_errors(form: forms.Form, exc: ValidationError) -> None:
    """Put an action's field errors on the form fields (config.path → path, channel_id → …)."""
    for key, messages in exc.message_dict.items():
        name = key.removeprefix("config.")
        if name == "channel_id":
            name = "channel"
        for message in messages:
            form.add_error(name if name in form.fields else None, message)
