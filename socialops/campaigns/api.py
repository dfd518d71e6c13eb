"""API routes for topics, their rendering per platform, and hashtag sets."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from ninja import Query, Router, Status
from ninja.pagination import paginate

from socialops.accounts.auth import access_of
from socialops.accounts.roles import Perm
from socialops.core.pagination import CursorPagination
from socialops.core.schemas import errors, given_fields

from . import actions, queries
from .models import HashtagSet, ShortLink, Topic
from .rendering import render_topic
from .schemas import (
    HashtagSetIn,
    HashtagSetOut,
    HashtagSetPatchIn,
    LinkDetailOut,
    LinkIn,
    LinkOut,
    RenderOut,
    ShortenedOut,
    ShortenIn,
    TopicIn,
    TopicOut,
    TopicPatchIn,
)

router = Router(tags=["campaigns"])
PLATFORM_CODE = r"^[a-z0-9_-]{1,40}$"
POST_FILTER = Query(None, ge=1, le=2**63 - 1, description="Only the links made for this post.")


def _topic(request: HttpRequest, topic_id: int, perm: Perm) -> Topic:
    access = access_of(request, perm)
    return queries.topic(access.workspace, topic_id)


@router.get("/topics", response={200: list[TopicOut], **errors(403)})
@paginate(CursorPagination, ordering=("id",))
def topics(request: HttpRequest) -> QuerySet[Topic]:
    access = access_of(request, Perm.CONTENT_VIEW)
    return queries.workspace_topics(access.workspace)


@router.post("/topics", response={201: TopicOut, **errors(403, 409)})
def create_topic(request: HttpRequest, payload: TopicIn) -> Status[Topic]:
    topic = actions.create_topic(
        access=access_of(request),
        name=payload.name,
        overrides=payload.overrides,
        notes=payload.notes,
        request=request,
    )
    return Status(201, topic)


@router.get("/topics/{topic_id}", response={200: TopicOut, **errors(403, 404)})
def topic(request: HttpRequest, topic_id: int) -> Topic:
    return _topic(request, topic_id, Perm.CONTENT_VIEW)


@router.get("/topics/{topic_id}/render", response={200: RenderOut, **errors(403, 404)})
def render(
    request: HttpRequest, topic_id: int, platform: str = Query("weibo", pattern=PLATFORM_CODE)
) -> dict[str, str]:
    """The topic as written in a post on ``platform`` (any code; unknown ones get plain text)."""
    found = _topic(request, topic_id, Perm.CONTENT_VIEW)
    return {"platform": platform, "text": render_topic(found, platform)}


@router.patch("/topics/{topic_id}", response={200: TopicOut, **errors(403, 404)})
def update_topic(request: HttpRequest, topic_id: int, payload: TopicPatchIn) -> Topic:
    found = _topic(request, topic_id, Perm.CONTENT_EDIT)
    return actions.update_topic(
        access=access_of(request), topic=found, request=request, **given_fields(payload)
    )


@router.delete("/topics/{topic_id}", response={204: None, **errors(403, 404)})
def archive_topic(request: HttpRequest, topic_id: int) -> Status[None]:
    """Archive the topic: it stays in past posts' history but is no longer offered."""
    found = _topic(request, topic_id, Perm.CONTENT_EDIT)
    actions.archive_topic(access=access_of(request), topic=found, request=request)
    return Status(204, None)


def _set(request: HttpRequest, set_id: int, perm: Perm) -> HashtagSet:
    access = access_of(request, perm)
    return queries.hashtag_set(access.workspace, set_id)


@router.get("/hashtag-sets", response={200: list[HashtagSetOut], **errors(403)})
@paginate(CursorPagination, ordering=("id",))
def hashtag_sets(request: HttpRequest) -> QuerySet[HashtagSet]:
    access = access_of(request, Perm.CONTENT_VIEW)
    return queries.workspace_sets(access.workspace)


@router.post("/hashtag-sets", response={201: HashtagSetOut, **errors(403, 409)})
def create_hashtag_set(request: HttpRequest, payload: HashtagSetIn) -> Status[HashtagSet]:
    created = actions.create_hashtag_set(
        access=access_of(request),
        name=payload.name,
        purpose=payload.purpose,
        topic_ids=payload.topic_ids,
        request=request,
    )
    return Status(201, created)


@router.get("/hashtag-sets/{set_id}", response={200: HashtagSetOut, **errors(403, 404)})
def hashtag_set(request: HttpRequest, set_id: int) -> HashtagSet:
    return _set(request, set_id, Perm.CONTENT_VIEW)


@router.patch("/hashtag-sets/{set_id}", response={200: HashtagSetOut, **errors(403, 404)})
def update_hashtag_set(request: HttpRequest, set_id: int, payload: HashtagSetPatchIn) -> HashtagSet:
    found = _set(request, set_id, Perm.CONTENT_EDIT)
    return actions.update_hashtag_set(
        access=access_of(request), hashtag_set=found, request=request, **given_fields(payload)
    )


@router.delete("/hashtag-sets/{set_id}", response={204: None, **errors(403, 404)})
def archive_hashtag_set(request: HttpRequest, set_id: int) -> Status[None]:
    found = _set(request, set_id, Perm.CONTENT_EDIT)
    actions.archive_hashtag_set(access=access_of(request), hashtag_set=found, request=request)
    return Status(204, None)


@router.get("/links", response={200: list[LinkOut], **errors(403)})
@paginate(CursorPagination, ordering=("id",))
def links(request: HttpRequest, post_id: int | None = POST_FILTER) -> QuerySet[ShortLink]:
    """Tracked short links, optionally only a post's."""
    access = access_of(request, Perm.CONTENT_VIEW)
    return queries.workspace_links(access.workspace, post_id=post_id)


@router.post("/links", response={201: LinkOut, **errors(403, 409)})
def create_link(request: HttpRequest, payload: LinkIn) -> Status[ShortLink]:
    """A tracked short link: /l/<code> redirects to the target with the UTM parameters."""
    link = actions.create_link(
        access=access_of(request),
        target_url=payload.target_url,
        utm={
            "utm_source": payload.utm_source,
            "utm_medium": payload.utm_medium,
            "utm_campaign": payload.utm_campaign,
            "utm_content": payload.utm_content,
        },
        post_id=payload.post_id,
        channel_id=payload.channel_id,
        request=request,
    )
    return Status(201, link)


@router.get("/links/{link_id}", response={200: LinkDetailOut, **errors(403, 404)})
def link(request: HttpRequest, link_id: int) -> ShortLink:
    """A link with its clicks per day in the workspace's time zone."""
    access = access_of(request, Perm.CONTENT_VIEW)
    found = queries.short_link(access.workspace, link_id)
    found.by_day = queries.clicks_by_day(  # type: ignore[attr-defined]
        found, time_zone=access.workspace.time_zone
    )
    return found


@router.post(
    "/posts/{post_id}/links/shorten", response={200: list[ShortenedOut], **errors(403, 404, 409)}
)
def shorten_post_links(
    request: HttpRequest, post_id: int, payload: ShortenIn
) -> list[dict[str, object]]:
    """Replace the post's link with a tracked link per account (utm_source = platform)."""
    from socialops.content.models import Post

    access = access_of(request, Perm.CONTENT_EDIT)
    post = Post.objects.filter(workspace=access.workspace, pk=post_id).first()
    if post is None:
        raise Http404("No such post.")
    made = actions.shorten_for_post(
        access=access, post=post, campaign=payload.campaign, request=request
    )
    return [{"channel_id": channel_id, "link": found} for channel_id, found in made.items()]
