"""Reads of topics and hashtag sets, scoped to a workspace; another workspace's ids are a 404."""

from __future__ import annotations

import zoneinfo
from datetime import date

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.http import Http404

from socialops.accounts.models import Workspace

from .models import HashtagSet, LinkClick, ShortLink, Topic


def workspace_topics(workspace: Workspace, *, archived: bool | None = None) -> QuerySet[Topic]:
    topics = Topic.objects.filter(workspace=workspace)
    return topics if archived is None else topics.filter(archived=archived)


def workspace_sets(workspace: Workspace, *, archived: bool | None = None) -> QuerySet[HashtagSet]:
    sets = HashtagSet.objects.filter(workspace=workspace).prefetch_related(
        Prefetch("topics", queryset=Topic.objects.order_by("name", "id"))
    )
    return sets if archived is None else sets.filter(archived=archived)


def topic(workspace: Workspace, topic_id: int) -> Topic:
    found = workspace_topics(workspace).filter(pk=topic_id).first()
    if found is None:
        raise Http404("No such topic.")
    return found


def hashtag_set(workspace: Workspace, set_id: int) -> HashtagSet:
    found = workspace_sets(workspace).filter(pk=set_id).first()
    if found is None:
        raise Http404("No such hashtag set.")
    return found


def workspace_links(workspace: Workspace, *, post_id: int | None = None) -> QuerySet[ShortLink]:
    links = ShortLink.objects.filter(workspace=workspace)
    return links if post_id is None else links.filter(post_id=post_id)


def short_link(workspace: Workspace, link_id: int) -> ShortLink:
    found = workspace_links(workspace).filter(pk=link_id).first()
    if found is None:
        raise Http404("No such link.")
    return found


def clicks_by_day(link: ShortLink, *, time_zone: str) -> list[dict[str, object]]:
    """Per day (in the workspace's zone) with any click: people, bots and unique visitors."""
    rows = (
        LinkClick.objects.filter(link=link)
        .annotate(day=TruncDate("at", tzinfo=zoneinfo.ZoneInfo(time_zone)))
        .values("day")
        .annotate(
            clicks=Count("id", filter=Q(is_bot=False)),
            bot_clicks=Count("id", filter=Q(is_bot=True)),
            visitors=Count("visitor", filter=Q(is_bot=False), distinct=True),
        )
        .order_by("day")
    )
    return [
        {
            "day": row["day"] if isinstance(row["day"], date) else date.fromisoformat(row["day"]),
            "clicks": row["clicks"],
            "bot_clicks": row["bot_clicks"],
            "visitors": row["visitors"],
        }
        for row in rows
    ]


def post_link_clicks(post_ids: list[int]) -> dict[tuple[int, int | None], int]:
    """Human clicks on each post's tracked links, per (post id, account id)."""
    rows = (
        ShortLink.objects.filter(post_id__in=post_ids)
        .values_list("post_id", "channel_id")
        .annotate(n=Sum("clicks"))
    )
    return {(post_id, channel_id): int(n or 0) for post_id, channel_id, n in rows}
