"""Pages for posts: the list, a post's page with its review actions, the review settings."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from socialops.accounts.decorators import workspace_view
from socialops.accounts.queries import Access
from socialops.accounts.roles import Perm
from socialops.core.clock import now

from . import actions, previews, queries_posts
from .actions.posts import EDITABLE_STATES
from .forms_posts import (
    CommentForm,
    DecisionForm,
    ReviewSettingsForm,
    ScheduleForm,
    workspace_channels,
)
from .models import ContentSettings, Post
from .queries import workspace_pillars
from .views_composer import int_param, success_message

State = Post.State
# The list's tabs: (key, label, states); "archived" shows archived posts of any state.
STATE_TABS: list[tuple[str, Any, tuple[str, ...]]] = [
    ("all", gettext_lazy("All"), ()),
    ("ideas", gettext_lazy("Ideas"), (State.IDEA,)),
    ("drafts", gettext_lazy("Drafts"), (State.DRAFT,)),
    ("in_review", gettext_lazy("In review"), (State.IN_REVIEW,)),
    ("changes", gettext_lazy("Changes requested"), (State.CHANGES_REQUESTED,)),
    ("approved", gettext_lazy("Approved"), (State.APPROVED,)),
    ("scheduled", gettext_lazy("Scheduled"), (State.SCHEDULED, State.PUBLISHING)),
    ("published", gettext_lazy("Published"), (State.PUBLISHED,)),
    ("problems", gettext_lazy("Failed or unconfirmed"), (State.FAILED, State.UNCONFIRMED)),
    ("archived", gettext_lazy("Archived"), ()),
]


# The list ------------------------------------------------------------------------------------


@workspace_view(Perm.CONTENT_VIEW)
def posts_list(request: HttpRequest, access: Access, section: str) -> HttpResponse:
    workspace = access.workspace
    tabs = {key: states for key, _label, states in STATE_TABS}
    tab = request.GET.get("state", "all")
    tab = tab if tab in tabs else "all"
    pillar_id, channel_id = (
        int_param(request.GET.get("pillar")),
        int_param(request.GET.get("channel")),
    )
    flt = queries_posts.PostFilter(
        states=tabs[tab],
        pillar_id=pillar_id,
        channel_id=channel_id,
        text=request.GET.get("q", "").strip()[:100],
        include_archived=tab == "archived",
    )
    found = queries_posts.workspace_posts(workspace, flt).select_related("created_by", "pillar")
    if tab == "archived":
        found = found.filter(archived=True)
    page = Paginator(found, 50).get_page(request.GET.get("page"))
    channels = {c.pk: c for c in workspace_channels(workspace)}
    counts = dict(
        Post.objects.filter(workspace=workspace, archived=False)
        .values_list("state")
        .annotate(n=Count("id"))
        .values_list("state", "n")
    )
    tab_links = [
        {
            "key": key,
            "label": label,
            "count": sum(counts.values())
            if key == "all"
            else (None if key == "archived" else sum(counts.get(s, 0) for s in states)),
        }
        for key, label, states in STATE_TABS
    ]
    rows = [
        {
            "post": post,
            "channels": [
                channels[v.channel_id] for v in post.variants.all() if v.channel_id in channels
            ],
        }
        for post in page
    ]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "content/post_list.html",
        {
            "tab": tab,
            "tabs": tab_links,
            "rows": rows,
            "page": page,
            "query": query.urlencode(),
            "pillars": list(workspace_pillars(access.workspace, archived=None)),
            "channel_choices": list(channels.values()),
            "pillar_id": pillar_id,
            "channel_id": channel_id,
            "q": flt.text,
            "icons": previews.ICONS,
        },
    )


# The post page -------------------------------------------------------------------------------


def _performance(request: HttpRequest, access: Access, post: Post, publications: list[Any]) -> str:
    """The publishing app's performance section, when it exists."""
    try:
        template = get_template("publishing/_performance.html")
    except TemplateDoesNotExist:
        return ""
    return template.render({"post": post, "publications": publications, "access": access}, request)


def _may_schedule(access: Access) -> bool:
    if actions.approval_stages(access.workspace) == ContentSettings.Approval.NONE:
        return access.can(Perm.CONTENT_EDIT)
    return access.can(Perm.CONTENT_PUBLISH)


def _require_schedule(access: Access, request: HttpRequest) -> None:
    if actions.approval_stages(access.workspace) == ContentSettings.Approval.NONE:
        access.require(Perm.CONTENT_EDIT, request)
    else:
        access.require(Perm.CONTENT_PUBLISH, request)


@workspace_view(Perm.CONTENT_VIEW)
def post_detail(request: HttpRequest, access: Access, post_id: int, section: str) -> HttpResponse:
    post = queries_posts.post(access.workspace, post_id, request)
    approval = previews.approval_status(post)
    summary = queries_posts.publication_summary(post)
    publications = summary["items"]
    latest = _latest_metrics(publications)
    for publication in publications:
        publication.latest_metrics = latest.get(publication.pk)
    started = any(p.state not in ("scheduled", "cancelled") for p in publications)
    can_edit = access.can(Perm.CONTENT_EDIT)
    can_approve = access.can(Perm.CONTENT_APPROVE)
    may_schedule = _may_schedule(access)
    state = post.state
    live = not post.archived
    buttons = {
        "edit": can_edit and live and state in EDITABLE_STATES,
        "submit": can_edit and live and state in (State.IDEA, State.DRAFT, State.CHANGES_REQUESTED),
        "approve": can_approve
        and live
        and state == State.IN_REVIEW
        and not approval.approved_by(access.user.pk),
        "request_changes": can_approve and live and state == State.IN_REVIEW,
        "schedule": may_schedule
        and live
        and (state == State.APPROVED or (state == State.SCHEDULED and not started)),
        "unschedule": may_schedule and live and state == State.SCHEDULED and not started,
        "duplicate": can_edit,
        "archive": can_edit and live and state not in (State.PUBLISHING, State.UNCONFIRMED),
        "comment": can_edit or can_approve,
    }
    default_at = post.scheduled_at if post.scheduled_at and post.scheduled_at > now() else None
    return render(
        request,
        "content/post_detail.html",
        {
            "post": post,
            "drafts": previews.saved_drafts(post),
            "article": previews.article_of(post),
            "media": previews.tiles(
                row.asset for row in post.media.select_related("asset__workspace")
            ),
            "approval": approval,
            "threads": queries_posts.threads(post),
            "publications": publications,
            "can_publish": access.can(Perm.CONTENT_PUBLISH),  # publishing/_publication_actions
            "timeline": previews.timeline(post),
            "buttons": buttons,
            "decision_form": DecisionForm(),
            "schedule_form": ScheduleForm(
                initial={"at": default_at or (now() + timedelta(hours=1)).replace(second=0)}
            ),
            "comment_form": CommentForm(),
            "performance": _performance(request, access, post, publications),
            "icons": previews.ICONS,
        },
    )


def _latest_metrics(publications: list[Any]) -> dict[int, Any]:
    from socialops.publishing.models import MetricSnapshot

    latest: dict[int, Any] = {}
    rows = MetricSnapshot.objects.filter(publication__in=[p.pk for p in publications]).order_by(
        "collected_at", "id"
    )
    for row in rows:
        latest[row.publication_id] = row
    return latest


def _done(request: HttpRequest, access: Access, post_id: int) -> HttpResponse:
    return redirect("content_post", access.workspace.slug, post_id)


def _refused(request: HttpRequest, exc: ValidationError) -> None:
    messages.error(request, " ".join(exc.messages))


def _attempt(
    request: HttpRequest,
    access: Access,
    post_id: int,
    act: Callable[[], Any],
    success: str | Callable[[Any], str],
) -> HttpResponse:
    """Run one action; its refusal or its success as a message; back to the post."""
    try:
        result = act()
    except ValidationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, success(result) if callable(success) else success)
    return _done(request, access, post_id)


@require_POST
@workspace_view(Perm.CONTENT_EDIT)
def post_submit(request: HttpRequest, access: Access, section: str, post_id: int) -> HttpResponse:
    post = queries_posts.post(access.workspace, post_id, request)
    return _attempt(
        request,
        access,
        post_id,
        lambda: actions.submit_post(access=access, post=post, request=request),
        lambda submitted: success_message(submitted, "submit"),
    )


@require_POST
@workspace_view(Perm.CONTENT_APPROVE)
def post_approve(request: HttpRequest, access: Access, section: str, post_id: int) -> HttpResponse:
    post = queries_posts.post(access.workspace, post_id, request)
    form = DecisionForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    return _attempt(
        request,
        access,
        post_id,
        lambda: actions.approve_post(access=access, post=post, note=note, request=request),
        _approved_message,
    )


def _approved_message(post: Post) -> str:
    if post.state == State.IN_REVIEW:
        return _("Approved at this stage; the next approver is told.")
    if post.state == State.SCHEDULED:
        return _("Approved and scheduled.")
    return _("Approved.")


@require_POST
@workspace_view(Perm.CONTENT_APPROVE)
def post_request_changes(
    request: HttpRequest, access: Access, section: str, post_id: int
) -> HttpResponse:
    post = queries_posts.post(access.workspace, post_id, request)
    form = DecisionForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    return _attempt(
        request,
        access,
        post_id,
        lambda: actions.request_changes(access=access, post=post, note=note, request=request),
        _("Changes requested; the author is told."),
    )


@require_POST
@workspace_view(Perm.CONTENT_VIEW)
def post_schedule(request: HttpRequest, access: Access, section: str, post_id: int) -> HttpResponse:
    _require_schedule(access, request)
    post = queries_posts.post(access.workspace, post_id, request)
    form = ScheduleForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(m) for ms in form.errors.values() for m in ms))
        return _done(request, access, post_id)
    at = form.cleaned_data["at"]
    return _attempt(
        request,
        access,
        post_id,
        lambda: actions.schedule_post(access=access, post=post, at=at, request=request),
        _("Scheduled."),
    )


@require_POST
@workspace_view(Perm.CONTENT_VIEW)
def post_publish_now(
    request: HttpRequest, access: Access, section: str, post_id: int
) -> HttpResponse:
    _require_schedule(access, request)
    post = queries_posts.post(access.workspace, post_id, request)
    return _attempt(
        request,
        access,
        post_id,
        lambda: actions.schedule_post(access=access, post=post, at=now(), request=request),
        _("Publishing now: the worker sends it within moments."),
    )


@require_POST
@workspace_view(Perm.CONTENT_VIEW)
def post_unschedule(
    request: HttpRequest, access: Access, section: str, post_id: int
) -> HttpResponse:
    _require_schedule(access, request)
    post = queries_posts.post(access.workspace, post_id, request)
    return _attempt(
        request,
        access,
        post_id,
        lambda: actions.unschedule_post(access=access, post=post, request=request),
        _("Taken off the calendar; it stays approved."),
    )


@require_POST
@workspace_view(Perm.CONTENT_EDIT)
def post_duplicate(
    request: HttpRequest, access: Access, section: str, post_id: int
) -> HttpResponse:
    post = queries_posts.post(access.workspace, post_id, request)
    copy = actions.duplicate_post(access=access, post=post, request=request)
    messages.success(request, _("Duplicated: this is the new draft."))
    return redirect("content_post_edit", access.workspace.slug, copy.pk)


@require_POST
@workspace_view(Perm.CONTENT_EDIT)
def post_archive(request: HttpRequest, access: Access, section: str, post_id: int) -> HttpResponse:
    post = queries_posts.post(access.workspace, post_id, request)
    try:
        actions.archive_post(access=access, post=post, request=request)
    except ValidationError as exc:
        _refused(request, exc)
        return _done(request, access, post_id)
    messages.success(request, _("Archived."))
    return redirect("content_posts", access.workspace.slug)


@require_POST
@workspace_view(Perm.CONTENT_VIEW)
def post_comment(request: HttpRequest, access: Access, section: str, post_id: int) -> HttpResponse:
    if not access.can(Perm.CONTENT_APPROVE):
        access.require(Perm.CONTENT_EDIT, request)
    post = queries_posts.post(access.workspace, post_id, request)
    form = CommentForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(m) for ms in form.errors.values() for m in ms))
        return _done(request, access, post_id)
    try:
        actions.comment_on_post(
            access=access,
            post=post,
            body=form.cleaned_data["body"],
            parent_id=form.cleaned_data["parent"],
            request=request,
        )
    except ValidationError as exc:
        _refused(request, exc)
    return redirect(f"{_post_url(access, post_id)}#comments")


def _post_url(access: Access, post_id: int) -> str:
    from django.urls import reverse

    return reverse("content_post", kwargs={"slug": access.workspace.slug, "post_id": post_id})


# Review settings -----------------------------------------------------------------------------


@workspace_view(Perm.WORKSPACE_MANAGE)
def review_settings(request: HttpRequest, access: Access, section: str) -> HttpResponse:
    status = 200
    if request.method == "POST":
        form = ReviewSettingsForm(request.POST)
        if form.is_valid():
            try:
                actions.set_approval_stages(
                    access=access, stages=form.cleaned_data["approval_stages"], request=request
                )
            except ValidationError as exc:
                form.add_error("approval_stages", exc.messages)
            else:
                messages.success(request, _("Review settings saved."))
                return redirect("content_review_settings", access.workspace.slug)
        status = 422
    else:
        form = ReviewSettingsForm(
            initial={"approval_stages": actions.approval_stages(access.workspace)}
        )
    return render(request, "content/post_review_settings.html", {"form": form}, status=status)
