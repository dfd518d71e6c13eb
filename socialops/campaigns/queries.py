"""Reads of topics and hashtag sets, scoped to a workspace; another workspace's ids are a 404."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from socialops.accounts.models import Workspace

from .models import HashtagSet, Topic


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
