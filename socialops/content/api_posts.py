"""API routes for posts: write, review and schedule them, their comments, the CSV import.

No `from __future__ import annotations` here: ninja's @paginate re-reads the handler's
annotations from its own module, so they must be real objects, not strings.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import translation
from ninja import Field, Query, Router, Status
from ninja.pagination import paginate
from pydantic import field_validator

from socialops.accounts.auth import access_of
from socialops.accounts.queries import Access
from socialops.accounts.roles import Perm
from socialops.core.errors import error_body
from socialops.core.pagination import CursorPagination
from socialops.core.schemas import DateTimeParam, InputSchema, QueryInt, errors, given_fields

from . import actions, queries_posts
from .actions.review import PostLintFailed, approval_stages, findings_json
from .models import Post, ReviewComment
from .queries_posts import PostFilter
from .schemas_posts import (
    STATE_HELP,
    CommentIn,
    CommentOut,
    ContentSettingsIn,
    ContentSettingsOut,
    ImportOut,
    NoteIn,
    PostDetailOut,
    PostIn,
    PostLintOut,
    PostOut,
    PostPatchIn,
    RequiredNoteIn,
    ScheduleIn,
)

router = Router(tags=["posts"])

# Names the actions use for a field, as this API names it.
API_FIELD = {"channels": "channel_ids", "article_cover": "article_cover_id"}
LINT_FAILED = (
    "A 422 with code `lint_failed` when a variant breaks a publishing rule: `fields` holds "
    "`variants.<channel_id>` and `error.findings` each finding (position, fix) by channel id."
)


class PostFilterIn(InputSchema):
    # min_length: an empty parameter is an error rather than "no filter"; leave it out instead.
    state: list[str] = Field(
        default_factory=list,
        description="Repeat it or give a comma list, e.g. `draft,in_review`. " + STATE_HELP,
    )
    pillar_id: QueryInt | None = None
    channel_id: QueryInt | None = None
    scheduled_from: DateTimeParam | None = Field(
        None, alias="from", description="scheduled_at at or after (ISO 8601 with a zone)."
    )
    scheduled_to: DateTimeParam | None = Field(
        None, alias="to", description="scheduled_at before (ISO 8601 with a zone)."
    )
    q: str = Field("", min_length=1, max_length=200, description="Text in the title or body.")
    include_archived: bool = False

    @field_validator("state")
    @classmethod
    def _known_states(cls, value: list[str]) -> list[str]:
        states = [part.strip() for item in value for part in item.split(",") if part.strip()]
        unknown = [s for s in states if s not in Post.State.values]
        if unknown:
            raise ValueError(f"unknown state {', '.join(unknown)}; {STATE_HELP}")
        return states


@contextmanager
def _api_field_names() -> Iterator[None]:
    """Re-key the actions' ValidationErrors to this API's field names."""
    try:
        yield
    except PostLintFailed:
        raise
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise
        raise ValidationError(
            {API_FIELD.get(key, key): messages for key, messages in exc.message_dict.items()}
        ) from exc


def _lint_failed(exc: PostLintFailed) -> HttpResponse:
    fields = {key: " ".join(messages) for key, messages in exc.message_dict.items()}
    body = error_body("lint_failed", "The post breaks the workspace's publishing rules.", fields)
    body["error"]["findings"] = findings_json(exc.findings)
    return JsonResponse(body, status=422, json_dumps_params={"ensure_ascii": False})


def _found(
    request: HttpRequest, post_id: int, perm: Perm = Perm.CONTENT_VIEW
) -> tuple[Access, Post]:
    access = access_of(request, perm)
    return access, queries_posts.post(access.workspace, post_id, request)


def _finding(f: Any) -> dict[str, Any]:
    return asdict(f)


def detail(post: Post, access: Access) -> dict[str, Any]:
    """Everything about one post: variants with counts and findings, review, publications."""
    post = Post.objects.prefetch_related("topics", "media").get(pk=post.pk)
    with translation.override(access.user.language or "zh-hans"):  # findings in theirs
        views = queries_posts.variant_views(post)
    variants = [
        {
            "id": view.variant.pk,
            "channel_id": view.variant.channel_id,
            "platform": view.variant.channel.platform,
            "handle": view.variant.channel.handle,
            "text": view.variant.text,
            "customised": view.variant.customised,
            "first_comment": view.variant.first_comment,
            "include_media": view.variant.include_media,
            "length": view.check.length,
            "limit": view.check.limit,
            "remaining": view.check.remaining,
            "over": view.check.over,
            "ok": view.ok,
            "findings": [_finding(f) for f in view.findings],
        }
        for view in views
    ]
    return {
        **{name: getattr(post, name) for name in PostDetailOut.model_fields if hasattr(post, name)},
        "topic_ids": [t.pk for t in post.topics.all()],
        "channel_ids": sorted(v["channel_id"] for v in variants),
        "media_ids": [m.asset_id for m in post.media.all()],
        "approval_stages": approval_stages(post.workspace),
        "variants": variants,
        "approvals": list(post.approvals.order_by("id")),
        "comments": list(queries_posts.comments(post).order_by("id")),
        "publications": queries_posts.publication_summary(post),
    }


def _run(access: Access, call: Callable[[], Post]) -> dict[str, Any] | HttpResponse:
    try:
        with _api_field_names():
            post = call()
    except PostLintFailed as exc:
        return _lint_failed(exc)
    return detail(post, access)


@router.get("/posts", response={200: list[PostOut], **errors(403)})
@paginate(CursorPagination, ordering=("-id",))
def posts(request: HttpRequest, filters: Query[PostFilterIn]) -> QuerySet[Post]:
    """The workspace's posts, newest first; archived ones only when asked."""
    access = access_of(request, Perm.CONTENT_VIEW)
    given = filters.model_dump()
    given["states"] = given.pop("state")
    given["text"] = given.pop("q")
    return queries_posts.workspace_posts(access.workspace, PostFilter(**given))


def _create_args(payload: PostIn) -> dict[str, Any]:
    given = payload.model_dump(exclude_none=True)
    if "article_cover_id" in given:
        given["article_cover"] = given.pop("article_cover_id")
    return given


@router.post("/posts", response={201: PostDetailOut, **errors(403, 409)})
def create_post(request: HttpRequest, payload: PostIn) -> Status[dict[str, Any]]:
    """A new idea or draft with a variant per account; `variants` customise some of them."""
    access = access_of(request)
    with _api_field_names():
        post = actions.create_post(access=access, request=request, **_create_args(payload))
    return Status(201, detail(post, access))


@router.post(
    "/posts/import",
    response={200: ImportOut, 201: ImportOut, **errors(403, 409, 415)},
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "properties": {"csv": {"type": "string", "minLength": 1}},
                        "required": ["csv"],
                        "additionalProperties": False,
                    }
                }
            },
        }
    },
)
def import_posts(request: HttpRequest, dry_run: bool = False) -> Status[dict[str, Any]]:
    """Posts from CSV, all or nothing: a `text/csv` body (UTF-8, with or without BOM, or GBK
    from Excel) or JSON `{"csv": "..."}`. Columns: title, body, accounts (handles or ids split
    by `;` or `、`), scheduled_at (`YYYY-MM-DD HH:MM` in the workspace's zone, or ISO 8601 with
    an offset), pillar, topics, link, first_comment, state (idea or draft). A bad row is a 422
    with fields like `row 3.accounts` (the header is row 1) and nothing is written;
    `dry_run=true` answers 200 with what would be created."""
    from .imports import MAX_BYTES, csv_from_request

    access = access_of(request)
    data = csv_from_request(request, max_bytes=MAX_BYTES)
    plans = actions.import_posts(access=access, data=data, dry_run=dry_run, request=request)
    return Status(
        200 if dry_run else 201,
        {
            "dry_run": dry_run,
            "count": len(plans),
            "posts": [plan.as_dict() for plan in plans],
        },
    )


@router.get("/posts/{post_id}", response={200: PostDetailOut, **errors(403, 404)})
def post(request: HttpRequest, post_id: int) -> dict[str, Any]:
    access, found = _found(request, post_id)
    return detail(found, access)


@router.patch("/posts/{post_id}", response={200: PostDetailOut, **errors(403, 404)})
def update_post(request: HttpRequest, post_id: int, payload: PostPatchIn) -> dict[str, Any]:
    """Changes what is given; an edit of what is sent after review began goes back to review."""
    access, found = _found(request, post_id)
    changes = given_fields(payload)
    if "variants" in changes:
        changes["variants"] = [v.model_dump(exclude_none=True) for v in payload.variants or []]
    if "article_cover_id" in changes:
        changes["article_cover"] = changes.pop("article_cover_id")
    with _api_field_names():
        updated = actions.update_post(access=access, post=found, changes=changes, request=request)
    return detail(updated, access)


@router.post(
    "/posts/{post_id}/submit",
    response={200: PostDetailOut, **errors(403, 404, 409)},
    description=LINT_FAILED,
)
def submit(request: HttpRequest, post_id: int) -> dict[str, Any] | HttpResponse:
    """Send for review; with no approval step it is approved (and scheduled if it has a time)."""
    access, found = _found(request, post_id)
    return _run(access, lambda: actions.submit_post(access=access, post=found, request=request))


@router.post(
    "/posts/{post_id}/approve",
    response={200: PostDetailOut, **errors(403, 404, 409)},
    description=LINT_FAILED,
)
def approve(request: HttpRequest, post_id: int, payload: NoteIn) -> dict[str, Any] | HttpResponse:
    access, found = _found(request, post_id)
    return _run(
        access,
        lambda: actions.approve_post(access=access, post=found, note=payload.note, request=request),
    )


@router.post(
    "/posts/{post_id}/request-changes", response={200: PostDetailOut, **errors(403, 404, 409)}
)
def request_changes(
    request: HttpRequest, post_id: int, payload: RequiredNoteIn
) -> dict[str, Any] | HttpResponse:
    access, found = _found(request, post_id)
    return _run(
        access,
        lambda: actions.request_changes(
            access=access, post=found, note=payload.note, request=request
        ),
    )


@router.post("/posts/{post_id}/schedule", response={200: PostDetailOut, **errors(403, 404, 409)})
def schedule(
    request: HttpRequest, post_id: int, payload: ScheduleIn
) -> dict[str, Any] | HttpResponse:
    """Schedule an approved post (or move a scheduled one) for `at`, now or later."""
    access, found = _found(request, post_id)
    return _run(
        access,
        lambda: actions.schedule_post(access=access, post=found, at=payload.at, request=request),
    )


@router.post("/posts/{post_id}/unschedule", response={200: PostDetailOut, **errors(403, 404, 409)})
def unschedule(request: HttpRequest, post_id: int) -> dict[str, Any] | HttpResponse:
    access, found = _found(request, post_id)
    return _run(access, lambda: actions.unschedule_post(access=access, post=found, request=request))


@router.post("/posts/{post_id}/duplicate", response={201: PostDetailOut, **errors(403, 404, 409)})
def duplicate(request: HttpRequest, post_id: int) -> Status[dict[str, Any]]:
    """A new unscheduled draft with the same content and accounts."""
    access, found = _found(request, post_id)
    copy = actions.duplicate_post(access=access, post=found, request=request)
    return Status(201, detail(copy, access))


@router.post("/posts/{post_id}/archive", response={200: PostDetailOut, **errors(403, 404, 409)})
def archive(request: HttpRequest, post_id: int) -> dict[str, Any] | HttpResponse:
    """Hide it from lists; whatever has not gone out yet is cancelled."""
    access, found = _found(request, post_id)
    return _run(access, lambda: actions.archive_post(access=access, post=found, request=request))


@router.get("/posts/{post_id}/lint", response={200: PostLintOut, **errors(403, 404)})
def lint(request: HttpRequest, post_id: int) -> dict[str, Any]:
    """Each variant against the workspace's rules, counted in its platform's unit."""
    access, found = _found(request, post_id)
    with translation.override(access.user.language or "zh-hans"):
        views = queries_posts.variant_views(found)
    return {
        "ok": all(view.ok for view in views),
        "variants": [
            {
                "variant_id": view.variant.pk,
                "channel_id": view.variant.channel_id,
                "platform": view.variant.channel.platform,
                "length": view.check.length,
                "limit": view.check.limit,
                "over": view.check.over,
                "ok": view.ok,
                "findings": [_finding(f) for f in view.findings],
            }
            for view in views
        ],
    }


@router.get("/posts/{post_id}/comments", response={200: list[CommentOut], **errors(403, 404)})
@paginate(CursorPagination, ordering=("id",))
def comments(request: HttpRequest, post_id: int) -> QuerySet[ReviewComment]:
    """The review's threads, oldest first, each with its replies."""
    _access, found = _found(request, post_id)
    return queries_posts.comments(found)


@router.post("/posts/{post_id}/comments", response={201: CommentOut, **errors(403, 404, 409)})
def comment(request: HttpRequest, post_id: int, payload: CommentIn) -> Status[ReviewComment]:
    """A comment, or a reply in a thread (one level: a reply to a reply joins its thread)."""
    access, found = _found(request, post_id)
    created = actions.comment_on_post(
        access=access,
        post=found,
        body=payload.body,
        parent_id=payload.parent_id,
        variant_id=payload.variant_id,
        request=request,
    )
    return Status(201, created)


@router.get("/content-settings", response={200: ContentSettingsOut, **errors(403)})
def content_settings(request: HttpRequest) -> dict[str, int]:
    access = access_of(request, Perm.CONTENT_VIEW)
    return {"approval_stages": approval_stages(access.workspace)}


@router.put("/content-settings", response={200: ContentSettingsOut, **errors(403)})
def set_content_settings(request: HttpRequest, payload: ContentSettingsIn) -> dict[str, int]:
    """How posts are reviewed: 0 no approval, 1 one approver, 2 two stages. Managers only."""
    access = access_of(request)
    found = actions.set_approval_stages(
        access=access, stages=payload.approval_stages, request=request
    )
    return {"approval_stages": found.approval_stages}
