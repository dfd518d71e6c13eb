"""Reads of publications, always within one workspace (another's ids are a 404)."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from socialops.accounts.models import Workspace
from socialops.content.models import Post

from .models import Publication, PublishAttempt


def _with_history(rows: QuerySet[Publication]) -> QuerySet[Publication]:
    return rows.select_related("channel").prefetch_related(
        Prefetch("history", queryset=PublishAttempt.objects.order_by("id"))
    )


def post_publications(workspace: Workspace, post_id: int) -> QuerySet[Publication]:
    """A post's publications, cancelled ones included, each with its attempts."""
    if not Post.objects.filter(workspace=workspace, pk=post_id).exists():
        raise Http404("No such post.")
    return _with_history(Publication.objects.filter(workspace=workspace, post_id=post_id))


def workspace_publications(workspace: Workspace, state: str | None = None) -> QuerySet[Publication]:
    rows = Publication.objects.filter(workspace=workspace)
    if state:
        rows = rows.filter(state=state)
    return _with_history(rows)


def publication(workspace: Workspace, publication_id: int) -> Publication:
    found = (
        Publication.objects.filter(workspace=workspace, pk=publication_id)
        .select_related("workspace", "channel", "post")
        .first()
    )
    if found is None:
        raise Http404("No such publication.")
    return found


def manual_tasks(workspace: Workspace) -> QuerySet[Publication]:
    """Publications waiting for a person to publish them by hand, oldest due first."""
    return (
        Publication.objects.filter(workspace=workspace, state=Publication.State.MANUAL)
        .select_related("channel", "post")
        .order_by("due_at", "id")
    )
