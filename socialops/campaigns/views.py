"""The 话题标签 page: topics rendered per platform side by side, and hashtag sets."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from socialops.accounts.decorators import workspace_view
from socialops.accounts.queries import Access
from socialops.accounts.roles import Perm

from . import actions, queries
from .forms import PLATFORM_NAMES, HashtagSetForm, LinkForm, TopicForm, add_action_errors
from .links import short_url
from .rendering import SHOWN_PLATFORMS, render_set, render_topic


def _context(
    access: Access, topic_form: TopicForm | None = None, set_form: HashtagSetForm | None = None
) -> dict[str, Any]:
    live_topics = queries.workspace_topics(access.workspace, archived=False)
    topics = [
        {"topic": topic, "rendered": [render_topic(topic, code) for code in SHOWN_PLATFORMS]}
        for topic in live_topics
    ]
    sets = [
        {
            "set": found,
            "rendered": [
                (PLATFORM_NAMES[code], render_set(found, code)) for code in SHOWN_PLATFORMS
            ],
        }
        for found in queries.workspace_sets(access.workspace, archived=False)
    ]
    return {
        "platforms": [PLATFORM_NAMES[code] for code in SHOWN_PLATFORMS],
        "topics": topics,
        "sets": sets,
        "topic_form": topic_form or TopicForm(),
        "set_form": set_form or HashtagSetForm(topics=live_topics),
    }


@workspace_view(Perm.CONTENT_VIEW)
def topics_page(request: HttpRequest, access: Access, section: str) -> HttpResponse:
    return render(request, "campaigns/topics.html", _context(access))


@require_POST
@workspace_view(Perm.CONTENT_EDIT)
def topic_create(request: HttpRequest, access: Access, section: str) -> HttpResponse:
    form = TopicForm(request.POST)
    if form.is_valid():
        try:
            actions.create_topic(
                access=access,
                name=form.cleaned_data["name"],
                overrides=form.overrides(),
                notes=form.cleaned_data["notes"],
                request=request,
            )
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(request, _("Topic added."))
            return redirect("topics", access.workspace.slug)
    return render(request, "campaigns/topics.html", _context(access, topic_form=form), status=422)


@workspace_view(Perm.CONTENT_EDIT)
def topic_edit(request: HttpRequest, access: Access, section: str, topic_id: int) -> HttpResponse:
    topic = queries.topic(access.workspace, topic_id)
    status = 200
    if request.method == "POST":
        form = TopicForm(request.POST)
        if form.is_valid():
            try:
                actions.update_topic(
                    access=access,
                    topic=topic,
                    name=form.cleaned_data["name"],
                    overrides=form.overrides(),
                    notes=form.cleaned_data["notes"],
                    request=request,
                )
            except ValidationError as exc:
                add_action_errors(form, exc)
            else:
                messages.success(request, _("Topic saved."))
                return redirect("topics", access.workspace.slug)
        status = 422
    else:
        form = TopicForm(initial=TopicForm.initial_of(topic))
    context = {"topic": topic, "form": form}
    return render(request, "campaigns/topic_edit.html", context, status=status)


@require_POST
@workspace_view(Perm.CONTENT_EDIT)
def topic_archive(
    request: HttpRequest, access: Access, section: str, topic_id: int
) -> HttpResponse:
    topic = queries.topic(access.workspace, topic_id)
    actions.archive_topic(access=access, topic=topic, request=request)
    messages.success(request, _("Topic archived."))
    return redirect("topics", access.workspace.slug)


@require_POST
@workspace_view(Perm.CONTENT_EDIT)
def set_create(request: HttpRequest, access: Access, section: str) -> HttpResponse:
    live_topics = queries.workspace_topics(access.workspace, archived=False)
    form = HashtagSetForm(request.POST, topics=live_topics)
    if form.is_valid():
        try:
            actions.create_hashtag_set(
                access=access,
                name=form.cleaned_data["name"],
                purpose=form.cleaned_data["purpose"],
                topic_ids=[topic.pk for topic in form.cleaned_data["topics"]],
                request=request,
            )
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(request, _("Hashtag set added."))
            return redirect("topics", access.workspace.slug)
    return render(request, "campaigns/topics.html", _context(access, set_form=form), status=422)


@require_POST
@workspace_view(Perm.CONTENT_EDIT)
def set_archive(request: HttpRequest, access: Access, section: str, set_id: int) -> HttpResponse:
    found = queries.hashtag_set(access.workspace, set_id)
    actions.archive_hashtag_set(access=access, hashtag_set=found, request=request)
    messages.success(request, _("Hashtag set archived."))
    return redirect("topics", access.workspace.slug)


@never_cache
@require_safe
def follow_link(request: HttpRequest, code: str) -> HttpResponse:
    """/l/<code>: public, no sign-in; 302 to the target with its UTM parameters, counted."""
    target = actions.record_click(code=code, request=request)
    if target is None:
        raise Http404(_("This link does not exist."))
    response = HttpResponseRedirect(target)
    response["X-Robots-Tag"] = "noindex, nofollow"  # a short link is not a page to index
    return response


def _links_context(access: Access, form: LinkForm | None = None) -> dict[str, Any]:
    found = list(queries.workspace_links(access.workspace).select_related("post", "channel")[:200])
    return {
        "links": [(link, short_url(link.code)) for link in found],
        "form": form or LinkForm(),
    }


@workspace_view(Perm.CONTENT_VIEW)
def links_page(request: HttpRequest, access: Access, section: str) -> HttpResponse:
    return render(request, "campaigns/links.html", _links_context(access))


@require_POST
@workspace_view(Perm.CONTENT_EDIT)
def link_create(request: HttpRequest, access: Access, section: str) -> HttpResponse:
    form = LinkForm(request.POST)
    if form.is_valid():
        try:
            actions.create_link(
                access=access,
                target_url=form.cleaned_data["target_url"],
                utm=form.utm(),
                request=request,
            )
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(request, _("Tracked link created."))
            return redirect("links", access.workspace.slug)
    return render(request, "campaigns/links.html", _links_context(access, form), status=422)


@require_POST
@workspace_view(Perm.CONTENT_EDIT)
def post_links_shorten(
    request: HttpRequest, access: Access, post_id: int, section: str
) -> HttpResponse:
    """The post page's "track the link" button: a tracked link per account (shorten_for_post)."""
    from socialops.content.models import Post

    post = Post.objects.filter(workspace=access.workspace, pk=post_id).first()
    if post is None:
        raise Http404(_("No such post."))
    try:
        made = actions.shorten_for_post(
            access=access,
            post=post,
            campaign=request.POST.get("campaign", "")[:100],
            request=request,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The link is tracked on %(n)d accounts.") % {"n": len(made)})
    return redirect("content_post", access.workspace.slug, post.pk)
