"""Review and approval (审核发布机制): submit, approve by stage, request changes, schedule.

idea → draft → in review → changes requested → approved → scheduled → publishing → published /
failed / unconfirmed. Every transition is audited; approvals are bound to the post's version, so
an edit after approval voids them and sends the post back to review.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from socialops.accounts.models import Workspace
from socialops.accounts.queries import Access
from socialops.accounts.roles import Perm
from socialops.content.models import ContentSettings, Post, PostApproval, ReviewComment
from socialops.content.rules import Finding, Severity
from socialops.core import audit
from socialops.core.clock import now
from socialops.core.notify import members_who_can, notify

if TYPE_CHECKING:
    from django.http import HttpRequest

    from socialops.accounts.models import User

__all__ = [
    "PostLintFailed",
    "approval_stages",
    "approve_post",
    "comment_on_post",
    "lint_post",
    "request_changes",
    "schedule_post",
    "set_approval_stages",
    "submit_post",
    "unschedule_post",
]

PAST_TOLERANCE = timedelta(minutes=1)  # "now" from a form that took a moment to submit


class PostLintFailed(ValidationError):
    """Errors of the editorial rules: fields are "variants.<channel id>" → messages."""

    def __init__(self, findings: dict[int, list[Finding]]) -> None:
        self.findings = findings
        super().__init__(
            {
                f"variants.{channel_id}": "; ".join(
                    f"{f.message} ({f.matched})" if f.matched else f.message for f in errors
                )
                for channel_id, errors in findings.items()
            }
        )


def approval_stages(workspace: Workspace) -> int:
    found = ContentSettings.objects.filter(workspace=workspace).first()
    return found.approval_stages if found else ContentSettings.Approval.ONE


@transaction.atomic
def set_approval_stages(
    *, access: Access, stages: int, request: HttpRequest | None = None
) -> ContentSettings:
    access.require(Perm.WORKSPACE_MANAGE, request)
    if stages not in ContentSettings.Approval.values:
        raise ValidationError({"approval_stages": _("Choose 0, 1 or 2 stages.")})
    settings, _created = ContentSettings.objects.get_or_create(workspace=access.workspace)
    before = {"approval_stages": settings.approval_stages}
    settings.approval_stages = stages
    settings.updated_at = now()
    settings.save()
    audit.record(
        action="content_settings.updated",
        workspace=access.workspace,
        actor=access.user,
        request=request,
        target_label="approval",
        before=before,
        after={"approval_stages": stages},
    )
    return settings


def lint_post(post: Post) -> dict[int, list[Finding]]:
    """Every variant's findings by channel id (errors and warnings)."""
    from socialops.content.queries import lint_for

    topics = [t.name for t in post.topics.all()]
    return {
        variant.channel_id: lint_for(
            post.workspace,
            variant.text,
            platform=variant.channel.platform,
            paid=post.paid,
            topics=topics,
        )
        for variant in post.variants.select_related("channel")
    }


def findings_json(findings: dict[int, list[Finding]]) -> dict[str, list[dict[str, Any]]]:
    return {str(k): [asdict(f) for f in v] for k, v in findings.items()}


def _enforce_rules(post: Post) -> None:
    if not post.variants.exists():
        raise ValidationError({"channels": _("Choose at least one account to publish to.")})
    empty = [
        v.channel_id
        for v in post.variants.all()
        if not v.text.strip()
        and not (v.include_media and post.media.exists())
        and post.format != Post.Format.ARTICLE
    ]
    if empty:
        raise ValidationError({f"variants.{i}": _("Nothing to publish.") for i in empty})
    if post.format == Post.Format.ARTICLE and not (post.article_title and post.article_html):
        raise ValidationError({"article_title": _("An article needs a title and a body.")})
    media = media_problems(post)
    if media:
        raise ValidationError({f"variants.{k}": "; ".join(v) for k, v in media.items()})
    errors = {
        channel_id: [f for f in found if f.severity == Severity.ERROR]
        for channel_id, found in lint_post(post).items()
    }
    errors = {k: v for k, v in errors.items() if v}
    if errors:
        raise PostLintFailed(errors)


def media_problems(post: Post) -> dict[int, list[str]]:
    """Attached assets a variant's platform would refuse (size, format, expired rights…)."""
    from socialops.content.library import check_asset_for

    assets = [row.asset for row in post.media.select_related("asset")]
    if post.format == Post.Format.ARTICLE and post.article_cover is not None:
        assets.append(post.article_cover)
    found: dict[int, list[str]] = {}
    for variant in post.variants.select_related("channel"):
        if not variant.include_media:
            continue
        for asset in assets:
            for problem in check_asset_for(asset, variant.channel.platform):
                if problem.severity == "error":
                    found.setdefault(variant.channel_id, []).append(
                        f"{asset.title}: {problem.message}"
                    )
    return found


def _url(post: Post) -> str:
    return reverse("content_post", kwargs={"slug": post.workspace.slug, "post_id": post.pk})


def notify_approvers(post: Post, *, actor: User | None, edited: bool = False) -> None:
    title = (
        _("Edited after approval, review again: %(post)s")
        if edited
        else _("Review requested: %(post)s")
    ) % {"post": str(post)}
    notify(
        members_who_can(post.workspace, Perm.CONTENT_APPROVE),
        kind="post.review_requested",
        title=title,
        url=_url(post),
        workspace=post.workspace,
        skip=actor,
    )


def _notify_author(post: Post, *, kind: str, title: str, body: str = "", actor: User) -> None:
    if post.created_by is not None:
        notify(
            [post.created_by],
            kind=kind,
            title=title,
            body=body,
            url=_url(post),
            workspace=post.workspace,
            skip=actor,
        )


def _transition(
    post: Post,
    *,
    to: str,
    action: str,
    access: Access | None,
    request: HttpRequest | None,
    extra: dict[str, Any] | None = None,
    fields: tuple[str, ...] = (),
) -> None:
    before = {"state": post.state}
    post.state = to
    post.updated_at = now()
    post.save(update_fields=["state", "updated_at", *fields])
    audit.record(
        action=action,
        workspace=post.workspace,
        actor=access.user if access else None,
        request=request,
        target=post,
        before=before,
        after={"state": to, "version": post.version, **(extra or {})},
    )


def return_to_review(post: Post) -> str:
    """After an edit of an approved or scheduled post: cancel what is pending, review again."""
    from socialops.publishing import actions as publishing

    publishing.cancel_pending(post)
    if post.state == Post.State.FAILED:
        publishing.cancel_failed(post)
    if approval_stages(post.workspace) == ContentSettings.Approval.NONE:
        if post.state == Post.State.SCHEDULED and post.scheduled_at is not None:
            publishing.plan(post, at=post.scheduled_at)
            return "post.updated"
        post.state = Post.State.APPROVED if post.state != Post.State.FAILED else Post.State.DRAFT
        post.save(update_fields=["state"])
        return "post.updated"
    post.state = Post.State.IN_REVIEW
    post.submitted_at = now()
    post.save(update_fields=["state", "submitted_at"])
    return "post.returned_to_review"


def _locked(post: Post) -> Post:
    return Post.objects.select_for_update().select_related("workspace").get(pk=post.pk)


def _require_state(post: Post, *states: str) -> None:
    if post.state not in states:
        raise ValidationError(
            {
                "state": _("Not possible while the post is %(state)s.")
                % {"state": post.get_state_display()}
            }
        )


@transaction.atomic
def submit_post(*, access: Access, post: Post, request: HttpRequest | None = None) -> Post:
    """Send a draft for review; with no approval step it is approved (and scheduled) at once."""
    access.require(Perm.CONTENT_EDIT, request)
    post = _locked(post)
    _require_state(post, Post.State.IDEA, Post.State.DRAFT, Post.State.CHANGES_REQUESTED)
    _enforce_rules(post)
    post.submitted_at = now()
    if approval_stages(post.workspace) == ContentSettings.Approval.NONE:
        _transition(
            post,
            to=Post.State.APPROVED,
            action="post.approved",
            access=access,
            request=request,
            extra={"stage": 0, "reason": "no approval required"},
            fields=("submitted_at",),
        )
        _approved(post, access=access, request=request)
        return post
    _transition(
        post,
        to=Post.State.IN_REVIEW,
        action="post.submitted",
        access=access,
        request=request,
        fields=("submitted_at",),
    )
    notify_approvers(post, actor=access.user)
    return post


def _stages_done(post: Post) -> list[PostApproval]:
    """This version's approvals since it was last submitted."""
    since = post.submitted_at or post.created_at
    return list(
        post.approvals.filter(
            version=post.version,
            decision=PostApproval.Decision.APPROVED,
            decided_at__gte=since,
        ).order_by("stage")
    )


@transaction.atomic
def approve_post(
    *, access: Access, post: Post, note: str = "", request: HttpRequest | None = None
) -> Post:
    """Approve the current version at the next stage; the last stage approves the post."""
    access.require(Perm.CONTENT_APPROVE, request)
    post = _locked(post)
    _require_state(post, Post.State.IN_REVIEW)
    _enforce_rules(post)
    stages = max(1, approval_stages(post.workspace))
    done = _stages_done(post)
    if any(a.decided_by_id == access.user.pk for a in done):
        raise ValidationError(
            {"stage": _("The second stage needs a different approver than the first.")}
        )
    stage = len(done) + 1
    PostApproval.objects.create(
        post=post,
        stage=stage,
        version=post.version,
        decision=PostApproval.Decision.APPROVED,
        decided_by=access.user,
        note=note.strip(),
    )
    if note.strip():
        ReviewComment.objects.create(post=post, author=access.user, body=note.strip())
    if stage < stages:
        audit.record(
            action="post.stage_approved",
            workspace=post.workspace,
            actor=access.user,
            request=request,
            target=post,
            after={"stage": stage, "of": stages, "version": post.version},
        )
        notify_approvers(post, actor=access.user)
        return post
    post.approved_at = now()
    _transition(
        post,
        to=Post.State.APPROVED,
        action="post.approved",
        access=access,
        request=request,
        extra={"stage": stage, "of": stages},
        fields=("approved_at",),
    )
    _notify_author(
        post,
        kind="post.approved",
        title=_("Approved: %(post)s") % {"post": str(post)},
        actor=access.user,
    )
    _approved(post, access=access, request=request)
    return post


def _approved(post: Post, *, access: Access, request: HttpRequest | None) -> None:
    """An approved post with a time in the future is scheduled straight away."""
    if post.scheduled_at is not None and post.scheduled_at > now() - PAST_TOLERANCE:
        _schedule(post, at=post.scheduled_at, access=access, request=request)


@transaction.atomic
def request_changes(
    *, access: Access, post: Post, note: str, request: HttpRequest | None = None
) -> Post:
    access.require(Perm.CONTENT_APPROVE, request)
    if not note.strip():
        raise ValidationError({"note": _("Say what should change.")})
    post = _locked(post)
    _require_state(post, Post.State.IN_REVIEW)
    PostApproval.objects.create(
        post=post,
        stage=len(_stages_done(post)) + 1,
        version=post.version,
        decision=PostApproval.Decision.CHANGES_REQUESTED,
        decided_by=access.user,
        note=note.strip(),
    )
    ReviewComment.objects.create(post=post, author=access.user, body=note.strip())
    _transition(
        post,
        to=Post.State.CHANGES_REQUESTED,
        action="post.changes_requested",
        access=access,
        request=request,
        extra={"note": note.strip()},
    )
    _notify_author(
        post,
        kind="post.changes_requested",
        title=_("Changes requested: %(post)s") % {"post": str(post)},
        body=note.strip(),
        actor=access.user,
    )
    return post


def _may_schedule(access: Access, request: HttpRequest | None) -> None:
    if approval_stages(access.workspace) == ContentSettings.Approval.NONE:
        access.require(Perm.CONTENT_EDIT, request)
    else:
        access.require(Perm.CONTENT_PUBLISH, request)


def _schedule(post: Post, *, at: datetime, access: Access, request: HttpRequest | None) -> None:
    from socialops.publishing import actions as publishing

    rescheduling = post.state == Post.State.SCHEDULED
    before: dict[str, Any] = {"state": post.state, "scheduled_at": post.scheduled_at}
    post.scheduled_at = at
    publishing.plan(post, at=at)
    post.state = Post.State.SCHEDULED
    post.updated_at = now()
    post.save(update_fields=["state", "scheduled_at", "updated_at"])
    audit.record(
        action="post.rescheduled" if rescheduling else "post.scheduled",
        workspace=post.workspace,
        actor=access.user,
        request=request,
        target=post,
        before={
            "state": before["state"],
            "scheduled_at": before["scheduled_at"].isoformat() if before["scheduled_at"] else None,
        },
        after={"state": post.state, "scheduled_at": at.isoformat()},
    )


@transaction.atomic
def schedule_post(
    *, access: Access, post: Post, at: datetime, request: HttpRequest | None = None
) -> Post:
    """Schedule an approved post for ``at`` (or move a scheduled one); now or later."""
    _may_schedule(access, request)
    if at.tzinfo is None:
        raise ValidationError({"at": _("Give a time with its time zone.")})
    if at < now() - PAST_TOLERANCE:
        raise ValidationError({"at": _("That time has passed.")})
    post = _locked(post)
    _require_state(post, Post.State.APPROVED, Post.State.SCHEDULED)
    if (
        post.state == Post.State.SCHEDULED
        and post.publications.exclude(state__in=["scheduled", "cancelled"]).exists()
    ):
        raise ValidationError({"state": _("Publishing has already started.")})
    _schedule(post, at=max(at, now()), access=access, request=request)
    return post


@transaction.atomic
def unschedule_post(*, access: Access, post: Post, request: HttpRequest | None = None) -> Post:
    """Take a scheduled post off the calendar; it stays approved."""
    from socialops.publishing import actions as publishing

    _may_schedule(access, request)
    post = _locked(post)
    _require_state(post, Post.State.SCHEDULED)
    if post.publications.exclude(state__in=["scheduled", "cancelled"]).exists():
        raise ValidationError({"state": _("Publishing has already started.")})
    publishing.cancel_pending(post)
    _transition(
        post, to=Post.State.APPROVED, action="post.unscheduled", access=access, request=request
    )
    return post


@transaction.atomic
def comment_on_post(
    *,
    access: Access,
    post: Post,
    body: str,
    parent_id: int | None = None,
    variant_id: int | None = None,
    request: HttpRequest | None = None,
) -> ReviewComment:
    """A review comment, or a reply in a comment's thread; the thread's people are told."""
    if not (access.can(Perm.CONTENT_EDIT) or access.can(Perm.CONTENT_APPROVE)):
        access.require(Perm.CONTENT_EDIT, request)
    body = body.strip()
    if not body:
        raise ValidationError({"body": _("Write something.")})
    if len(body) > 5000:
        raise ValidationError({"body": _("At most %(limit)d characters.") % {"limit": 5000}})
    parent = None
    if parent_id is not None:
        parent = ReviewComment.objects.filter(post=post, pk=parent_id).first()
        if parent is None:
            raise ValidationError({"parent_id": _("Not a comment on this post.")})
        if parent.parent is not None:  # one level of threading: answer the thread's root
            parent = parent.parent
    if variant_id is not None and not post.variants.filter(pk=variant_id).exists():
        raise ValidationError({"variant_id": _("Not a variant of this post.")})
    comment = ReviewComment.objects.create(
        post=post, parent=parent, variant_id=variant_id, author=access.user, body=body
    )
    audit.record(
        action="post.commented",
        workspace=access.workspace,
        actor=access.user,
        request=request,
        target=post,
        after={"comment": comment.pk, "parent": parent.pk if parent else None, "body": body},
    )
    people = [post.created_by] if post.created_by else []
    thread = ReviewComment.objects.filter(post=post).select_related("author")
    if parent is not None:
        thread = thread.filter(pk=parent.pk) | thread.filter(parent=parent)
    people += [c.author for c in thread if c.author is not None]
    notify(
        people,
        kind="post.commented",
        title=_("%(who)s commented on %(post)s")
        % {"who": access.user.display_name, "post": str(post)},
        body=body[:500],
        url=_url(post),
        workspace=post.workspace,
        skip=access.user,
    )
    return comment
