"""Writes for many publications at once: a batch's successes, its posts' states.

A worker records the posts that went out a few at a time, in one transaction with a handful of
queries. A worker that dies before writing leaves those rows `publishing`; the sweeper then
finds them on the platform (reconcile.py), so batching widens what is re-checked after a crash
and never sends anything twice.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime

from django.db import transaction
from django.db.models import Count

from socialops.connectors.base import RemoteRef
from socialops.content.models import Post
from socialops.core.clock import now
from socialops.core.models import AuditEvent

# The rule refresh_post_state applies to one post, applied here to many.
from .actions import FOLLOWS_PUBLICATIONS, derive_post_state
from .models import Publication, PublishAttempt
from .outcomes import ENDED
from .schedule import metrics_due

State = Publication.State
PUBLISHED_FIELDS = [
    "state",
    "updated_at",
    "remote_id",
    "url",
    "remote_extra",
    "published_at",
    "lease_until",
    "error_code",
    "error_message",
    "metrics_step",
    "metrics_due_at",
]


def record_published_many(items: Sequence[tuple[Publication, RemoteRef]]) -> int:
    """These posts are on their platforms: published, audited, their posts' states refreshed."""
    if not items:
        return 0
    at = now()
    moved: list[tuple[Publication, str]] = []
    with transaction.atomic():
        PublishAttempt.objects.filter(
            publication_id__in=[publication.pk for publication, _ref in items],
            worker__in={publication.claimed_by for publication, _ref in items},
            reconcile=False,
            finished_at__isnull=True,
        ).update(finished_at=at, outcome=PublishAttempt.Outcome.PUBLISHED)
        # Lock the rows still waiting for this outcome (a cancel may have ended one), then
        # write them all with one UPDATE: SQLite takes the write lock at BEGIN (IMMEDIATE).
        open_ids = set(
            Publication.objects.select_for_update()
            .filter(pk__in=[publication.pk for publication, _ref in items])
            .exclude(state__in=ENDED)
            .values_list("pk", flat=True)
        )
        changed: list[Publication] = []
        for publication, ref in items:
            if publication.pk not in open_ids:
                continue
            open_ids.discard(publication.pk)  # the same row twice in a batch moves once
            published_at = ref.published_at or at
            moved.append((publication, str(publication.state)))
            publication.state = State.PUBLISHED
            publication.updated_at = at
            publication.remote_id = ref.remote_id[:200]
            publication.url = ref.url[:1000]
            publication.remote_extra = dict(ref.extra)
            publication.published_at = published_at
            publication.lease_until = None
            publication.error_code = ""
            publication.error_message = ""
            publication.metrics_step = 0
            publication.metrics_due_at = metrics_due(published_at, 0)
            changed.append(publication)
        Publication.objects.bulk_update(changed, PUBLISHED_FIELDS)
        AuditEvent.objects.bulk_create(
            AuditEvent(
                workspace_id=publication.workspace_id,
                via="worker",
                action="publication.published",
                target_type="publication",
                target_id=str(publication.pk),
                target_label=str(publication)[:254],
                before={"state": before},
                after={"state": State.PUBLISHED, "remote_id": publication.remote_id},
                created_at=at,
            )
            for publication, before in moved
        )
        refresh_posts({publication.post_id for publication, _before in moved}, at=at)
    return len(moved)


def refresh_posts(post_ids: Iterable[int], *, at: datetime | None = None) -> int:
    """refresh_post_state for many posts in five queries; how many posts changed state."""
    at = at or now()
    posts = list(
        Post.objects.select_for_update()
        .filter(pk__in=set(post_ids), state__in=FOLLOWS_PUBLICATIONS)
        .order_by("pk")
    )
    if not posts:
        return 0
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    rows = (
        Publication.objects.filter(post_id__in=[post.pk for post in posts])
        .exclude(state=State.CANCELLED)
        .values("post_id", "state")
        .annotate(n=Count("id"))
        .values_list("post_id", "state", "n")
    )
    for post_id, publication_state, n in rows:
        counts[post_id][publication_state] = n
    changes: dict[str, list[Post]] = defaultdict(list)
    for post in posts:
        state = derive_post_state(counts[post.pk])
        if state is not None and state != post.state:
            changes[state].append(post)
    for state, changed in changes.items():
        ids = [post.pk for post in changed]
        Post.objects.filter(pk__in=ids).update(state=state, updated_at=at)
        if state == Post.State.PUBLISHED:
            Post.objects.filter(pk__in=ids, published_at__isnull=True).update(published_at=at)
    AuditEvent.objects.bulk_create(
        AuditEvent(
            workspace_id=post.workspace_id,
            via="worker",
            action=f"post.{state}",
            target_type="post",
            target_id=str(post.pk),
            target_label=str(post)[:254],
            before={"state": post.state},
            after={"state": state},
            created_at=at,
        )
        for state, changed in changes.items()
        for post in changed
    )
    return sum(len(changed) for changed in changes.values())
