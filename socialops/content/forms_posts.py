"""Forms of the composer and the post page: the post's fields, its variants, review decisions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from socialops.accounts.models import Workspace
from socialops.campaigns.models import Topic
from socialops.channels.models import Channel

from .models import Asset, ContentPillar, ContentSettings, Post
from .richtext import clean_article_html

RECENT_ASSETS = 60
LOCAL_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]
# An action's error keys → the form field that shows it.
ERROR_FIELDS = {
    "pillar_id": "pillar",
    "topic_ids": "topics",
    "media_ids": "assets",
    "channel_ids": "channels",
    "at": "scheduled_at",
}


class LocalDateTimeField(forms.DateTimeField):
    """A datetime-local input read in the active time zone (the workspace's), stored in UTC."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("input_formats", LOCAL_FORMATS)
        super().__init__(**kwargs)


def workspace_channels(workspace: Workspace) -> QuerySet[Channel]:
    return Channel.objects.filter(workspace=workspace).exclude(status=Channel.Status.DISCONNECTED)


class PostForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        required=False,
        help_text=_("For lists and the calendar; not published."),
    )
    body = forms.CharField(
        label=_("Text"),
        required=False,
        strip=False,
        max_length=100_000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Every account's variant starts from this text."),
    )
    format = forms.ChoiceField(label=_("Format"), choices=Post.Format.choices)
    pillar = forms.ModelChoiceField(
        label=_("Pillar"), queryset=ContentPillar.objects.none(), required=False
    )
    topics = forms.ModelMultipleChoiceField(
        label=_("Topics"),
        queryset=Topic.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 4}),
        help_text=_("Written the way each platform writes topics."),
    )
    paid = forms.BooleanField(label=_("Paid (广告): disclosure rules apply"), required=False)
    link = forms.URLField(label=_("Link"), max_length=1000, required=False, assume_scheme="https")
    first_comment = forms.CharField(
        label=_("First comment"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    channels = forms.ModelMultipleChoiceField(
        label=_("Accounts"),
        queryset=Channel.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    assets = forms.ModelMultipleChoiceField(
        label=_("Images and video"),
        queryset=Asset.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
        help_text=_("From the content library, newest first."),
    )
    scheduled_at = LocalDateTimeField(label=_("Publish at"), required=False)
    article_title = forms.CharField(label=_("Article title"), max_length=64, required=False)
    article_author = forms.CharField(label=_("Author"), max_length=16, required=False)
    article_digest = forms.CharField(
        label=_("Digest"),
        max_length=120,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    article_cover = forms.ModelChoiceField(
        label=_("Cover image"), queryset=Asset.objects.none(), required=False
    )
    article_html = forms.CharField(
        label=_("Article body (HTML)"),
        required=False,
        max_length=200_000,
        widget=forms.Textarea(attrs={"rows": 10, "spellcheck": "false"}),
        help_text=_("Paste from an editor or write HTML; scripts and unsafe markup are removed."),
    )
    article_source_url = forms.URLField(
        label=_("Read more link (阅读原文)"), max_length=1000, required=False, assume_scheme="https"
    )

    def __init__(
        self, data: QueryDict | None = None, *, workspace: Workspace, post: Post | None = None
    ) -> None:
        super().__init__(
            data, initial=_initial(post) if post is not None and data is None else None
        )
        self.workspace = workspace
        self.post = post
        pillars = ContentPillar.objects.filter(workspace=workspace)
        kept = [post.pillar_id] if post is not None and post.pillar_id else []
        self.fields["pillar"].queryset = pillars.filter(Q(archived=False) | Q(pk__in=kept))  # type: ignore[attr-defined]
        self.fields["topics"].queryset = Topic.objects.filter(workspace=workspace, archived=False)  # type: ignore[attr-defined]
        self.fields["channels"].queryset = workspace_channels(workspace).order_by("platform", "id")  # type: ignore[attr-defined]
        assets = Asset.objects.filter(workspace=workspace, archived=False)
        recent = list(
            assets.filter(kind__in=[Asset.Kind.IMAGE, Asset.Kind.VIDEO]).values_list(
                "pk", flat=True
            )[:RECENT_ASSETS]
        )
        used = list(post.media.values_list("asset_id", flat=True)) if post is not None else []
        self.fields["assets"].queryset = assets.filter(pk__in=[*recent, *used])  # type: ignore[attr-defined]
        cover = [post.article_cover_id] if post is not None and post.article_cover_id else []
        self.fields["article_cover"].queryset = assets.filter(  # type: ignore[attr-defined]
            pk__in=[*recent, *cover], kind=Asset.Kind.IMAGE
        )
        self.variant_errors: dict[int, list[str]] = {}

    def clean_article_html(self) -> str:
        return clean_article_html(self.cleaned_data.get("article_html") or "")

    def fields_for_action(self) -> dict[str, Any]:
        """The cleaned form as create_post / update_post take it (variants aside)."""
        data = self.cleaned_data
        cover = data.get("article_cover")
        return {
            "title": data["title"],
            "body": data["body"],
            "format": data["format"],
            "pillar_id": data["pillar"].pk if data.get("pillar") else None,
            "topic_ids": [t.pk for t in data["topics"]],
            "media_ids": [a.pk for a in data["assets"]],
            "channel_ids": [c.pk for c in data["channels"]],
            "paid": data["paid"],
            "link": data["link"],
            "first_comment": data["first_comment"],
            "scheduled_at": data.get("scheduled_at"),
            "article_title": data["article_title"],
            "article_author": data["article_author"],
            "article_digest": data["article_digest"],
            "article_html": data["article_html"],
            "article_cover": cover.pk if cover is not None else None,
            "article_source_url": data["article_source_url"],
        }

    def add_action_errors(self, exc: ValidationError) -> None:
        """Put an action's errors on the fields shown; "variants.<id>" on that variant's tab."""
        if not hasattr(exc, "error_dict"):
            self.add_error(None, exc.messages)
            return
        for key, messages in exc.message_dict.items():
            if key.startswith("variants."):
                channel_id = key.split(".", 1)[1]
                if channel_id.isdigit():
                    self.variant_errors.setdefault(int(channel_id), []).extend(messages)
                    continue
            name = ERROR_FIELDS.get(key, key)
            for message in messages:
                self.add_error(name if name in self.fields else None, message)


def _initial(post: Post) -> dict[str, Any]:
    return {
        "title": post.title,
        "body": post.body,
        "format": post.format,
        "pillar": post.pillar_id,
        "topics": list(post.topics.values_list("pk", flat=True)),
        "paid": post.paid,
        "link": post.link,
        "first_comment": post.first_comment,
        "channels": list(post.variants.values_list("channel_id", flat=True)),
        "assets": list(post.media.values_list("asset_id", flat=True)),
        "scheduled_at": post.scheduled_at,
        "article_title": post.article_title,
        "article_author": post.article_author,
        "article_digest": post.article_digest,
        "article_html": post.article_html,
        "article_cover": post.article_cover_id,
        "article_source_url": post.article_source_url,
    }


def variant_input(data: QueryDict, channel_id: int) -> dict[str, Any]:
    """What the composer posted for one account's variant: text, customised, include_media."""
    prefix = f"variant-{channel_id}-"
    present = f"{prefix}present" in data
    return {
        "present": present,
        "text": data.get(f"{prefix}text", ""),
        "customised": data.get(f"{prefix}customised") == "1",
        "include_media": (f"{prefix}include_media" in data) if present else True,
    }


def variant_specs(
    data: QueryDict, channel_ids: list[int], reset: int | None
) -> list[dict[str, Any]]:
    """VariantSpecs for the actions: custom text kept, the rest adapted from the body again."""
    specs = []
    for channel_id in channel_ids:
        given = variant_input(data, channel_id)
        spec: dict[str, Any] = {"channel_id": channel_id, "include_media": given["include_media"]}
        if given["customised"] and reset != channel_id:
            spec["text"] = given["text"]
        else:
            spec["reset"] = True
        specs.append(spec)
    return specs


class DecisionForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ScheduleForm(forms.Form):
    at = LocalDateTimeField(label=_("Publish at"))


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Comment"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )
    parent = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)


class ReviewSettingsForm(forms.Form):
    approval_stages = forms.TypedChoiceField(
        label=_("Approval"),
        choices=ContentSettings.Approval.choices,
        coerce=int,
        widget=forms.RadioSelect,
    )
