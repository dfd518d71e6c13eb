"""The composer: one post, a variant per account, counted, linted and previewed as it is typed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from socialops.accounts.decorators import workspace_view
from socialops.accounts.queries import Access
from socialops.accounts.roles import Perm
from socialops.campaigns.models import Topic

from . import actions, previews, queries_posts
from .actions.posts import EDITABLE_STATES
from .forms_posts import PostForm, variant_input, variant_specs
from .models import Asset, Post

INTENTS = {"idea", "draft", "save", "submit"}


def int_param(value: str | None) -> int | None:
    """A positive id from a form or query parameter; anything else is None."""
    return int(value) if value and value.isdigit() and len(value) < 12 else None


def success_message(post: Post, intent: str) -> str:
    if intent == "submit":
        if post.state == Post.State.IN_REVIEW:
            return _("Sent for review.")
        return _("Approved without review: this workspace needs no approval.")
    if intent == "idea":
        return _("Saved as an idea.")
    return _("Saved.")


@workspace_view(Perm.CONTENT_EDIT)
def post_new(request: HttpRequest, access: Access, section: str) -> HttpResponse:
    return _composer(request, access, None)


@workspace_view(Perm.CONTENT_EDIT)
def post_edit(request: HttpRequest, access: Access, section: str, post_id: int) -> HttpResponse:
    post = queries_posts.post(access.workspace, post_id, request)
    if post.archived or post.state not in EDITABLE_STATES:
        messages.error(
            request,
            _("A post that is %(state)s can no longer be edited.")
            % {"state": post.get_state_display()},
        )
        return redirect("content_post", access.workspace.slug, post.pk)
    return _composer(request, access, post)


def _composer(request: HttpRequest, access: Access, post: Post | None) -> HttpResponse:
    status = 200
    if request.method == "POST":
        form = PostForm(request.POST, workspace=access.workspace, post=post)
        intent = request.POST.get("intent", "")
        if form.is_valid() and intent in INTENTS:
            saved = _save(request, access, form, post, intent)
            if saved is not None:
                messages.success(request, success_message(saved, intent))
                return redirect("content_post", access.workspace.slug, saved.pk)
        if intent in INTENTS:
            status = 422
    else:
        form = PostForm(workspace=access.workspace, post=post)
    data = request.POST if request.method == "POST" else None
    reset = int_param(request.POST.get("reset")) if data is not None else None
    return render(
        request,
        "content/composer.html",
        _composer_context(access, form, post, data, reset),
        status=status,
    )


def _save(
    request: HttpRequest, access: Access, form: PostForm, post: Post | None, intent: str
) -> Post | None:
    """Save (and submit) in one transaction: a refused submit keeps nothing, the form keeps all."""
    fields = form.fields_for_action()
    channel_ids = fields.pop("channel_ids")
    specs = variant_specs(request.POST, channel_ids, reset=int_param(request.POST.get("reset")))
    try:
        with transaction.atomic():
            if post is None:
                state = Post.State.IDEA if intent == "idea" else Post.State.DRAFT
                saved = actions.create_post(
                    access=access,
                    state=state,
                    channel_ids=channel_ids,
                    variants=specs,
                    request=request,
                    **fields,
                )
            else:
                if _same_minute(fields["scheduled_at"], post.scheduled_at):
                    del fields["scheduled_at"]  # the form shows minutes: keep the seconds
                saved = actions.update_post(
                    access=access,
                    post=post,
                    changes={**fields, "channel_ids": channel_ids, "variants": specs},
                    request=request,
                )
            if intent == "submit":
                saved = actions.submit_post(access=access, post=saved, request=request)
    except ValidationError as exc:
        form.add_action_errors(exc)
        return None
    return saved


def _same_minute(a: datetime | None, b: datetime | None) -> bool:
    if a is None or b is None:
        return a is b
    return a.replace(second=0, microsecond=0) == b.replace(second=0, microsecond=0)


def _loose(form: PostForm, data: QueryDict) -> dict[str, Any]:
    """What previews need from a form that may not be valid: the valid parts, or nothing."""
    form.is_valid()
    cleaned = getattr(form, "cleaned_data", {})
    return {
        "body": cleaned.get("body", data.get("body", "")),
        "topics": list(cleaned.get("topics") or []),
        "paid": bool(cleaned.get("paid")),
        "channels": list(cleaned.get("channels") or []),
        "media": list(cleaned.get("assets") or []),
    }


def _drafts(
    access: Access,
    form: PostForm,
    post: Post | None,
    data: QueryDict | None,
    reset: int | None = None,
) -> list[previews.VariantDraft]:
    if data is None:
        return previews.saved_drafts(post) if post is not None else []
    values = _loose(form, data)
    drafts = []
    for channel in values["channels"]:
        given = variant_input(data, channel.pk)
        customised = given["present"] and given["customised"] and reset != channel.pk
        text = (
            given["text"]
            if customised
            else previews.adapted(values["body"], channel, values["topics"])
        )
        drafts.append(
            previews.draft(
                access.workspace,
                channel,
                text=text,
                customised=customised,
                include_media=given["include_media"],
                paid=values["paid"],
                topics=values["topics"],
                media=values["media"],
                blocked=form.variant_errors.get(channel.pk, ()),
            )
        )
    return drafts


def _composer_context(
    access: Access,
    form: PostForm,
    post: Post | None,
    data: QueryDict | None,
    reset: int | None = None,
) -> dict[str, Any]:
    drafts = _drafts(access, form, post, data, reset)
    active = int_param(data.get("active_variant")) if data is not None else None
    if active not in {d.channel.pk for d in drafts}:
        active = drafts[0].channel.pk if drafts else None
    chosen = {d.channel.pk for d in drafts}
    if data is None and post is None:
        chosen = set()
    channels = list(form.fields["channels"].queryset)  # type: ignore[attr-defined]
    wechat = any(c.platform == "wechat" for c in channels if c.pk in chosen)
    article_format = (
        data.get("format") if data is not None else form["format"].value()
    ) == "article"
    return {
        "form": form,
        "post": post,
        "drafts": drafts,
        "article": _article(form, post, data),
        "active_variant": active,
        "channel_options": [
            {
                "channel": c,
                "checked": c.pk in chosen,
                "icon": previews.icon(c.platform),
                "platform_name": previews.platform_name(c.platform),
            }
            for c in channels
        ],
        "show_article": article_format or wechat,
        "stages": actions.approval_stages(access.workspace),
        "has_topics": Topic.objects.filter(workspace=access.workspace, archived=False).exists(),
        "has_assets": Asset.objects.filter(workspace=access.workspace, archived=False).exists(),
    }


def _article(form: PostForm, post: Post | None, data: QueryDict | None) -> Any:
    if data is None:
        return previews.article_of(post) if post is not None else previews.ArticlePreview()
    form.is_valid()
    cleaned = getattr(form, "cleaned_data", {})
    return previews.article_preview(
        title=cleaned.get("article_title", ""),
        author=cleaned.get("article_author", ""),
        digest=cleaned.get("article_digest", ""),
        html=cleaned.get("article_html", ""),
        cover=cleaned.get("article_cover"),
    )


def _composer_post(request: HttpRequest, access: Access) -> Post | None:
    post_id = int_param(request.POST.get("post"))
    return queries_posts.post(access.workspace, post_id, request) if post_id else None


@require_POST
@workspace_view(Perm.CONTENT_EDIT)
def composer_variants(request: HttpRequest, access: Access, section: str) -> HttpResponse:
    """The variants' tabs again, as the master text, accounts or topics change (htmx)."""
    post = _composer_post(request, access)
    form = PostForm(request.POST, workspace=access.workspace, post=post)
    context = _composer_context(
        access, form, post, request.POST, int_param(request.POST.get("reset"))
    )
    return render(request, "content/_variants.html", context)


@require_POST
@workspace_view(Perm.CONTENT_EDIT)
def composer_check(request: HttpRequest, access: Access, section: str) -> HttpResponse:
    """One variant's count, findings and preview as its own text is typed (htmx)."""
    post = _composer_post(request, access)
    form = PostForm(request.POST, workspace=access.workspace, post=post)
    values = _loose(form, request.POST)
    channel_id = int_param(request.POST.get("channel"))
    channel = next((c for c in values["channels"] if c.pk == channel_id), None)
    if channel is None:
        return HttpResponse(status=204)
    given = variant_input(request.POST, channel.pk)
    found = previews.draft(
        access.workspace,
        channel,
        text=given["text"],
        customised=True,
        include_media=given["include_media"],
        paid=values["paid"],
        topics=values["topics"],
        media=values["media"],
    )
    context = {"draft": found, "article": _article(form, post, request.POST)}
    return render(request, "content/_variant_feedback.html", context)
