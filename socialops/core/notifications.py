"""A person's notifications: reads (unread first) and marking them read.

Marking read is a person's own bookkeeping, not a change to a workspace, so it is not audited.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import BigIntegerField, Case, F, Q, QuerySet, Value, When
from django.http import Http404

from socialops.core.clock import now
from socialops.core.models import Notification

if TYPE_CHECKING:
    from socialops.accounts.models import User, Workspace

# Unread notifications rank above every read one, newest first within each group.
UNREAD_OFFSET = 1 << 48


def notifications_of(
    user: User, *, workspace: Workspace | None = None, unread_only: bool = False
) -> QuerySet[Notification]:
    """``user``'s notifications with a ``rank`` to sort by (descending: unread first).

    With a workspace (an API token's), only that workspace's and those of no workspace.
    """
    found = Notification.objects.filter(user=user)
    if workspace is not None:
        found = found.filter(Q(workspace=workspace) | Q(workspace__isnull=True))
    if unread_only:
        found = found.filter(read_at__isnull=True)
    return found.select_related("workspace").annotate(
        rank=Case(
            When(read_at__isnull=True, then=F("id") + Value(UNREAD_OFFSET)),
            default=F("id"),
            output_field=BigIntegerField(),
        )
    )


def latest(user: User, count: int = 10) -> list[Notification]:
    return list(notifications_of(user).order_by("-rank")[:count])


def unread_count(user: User, *, workspace: Workspace | None = None) -> int:
    return notifications_of(user, workspace=workspace, unread_only=True).count()


def notification(
    user: User, notification_id: int, *, workspace: Workspace | None = None
) -> Notification:
    """One of ``user``'s notifications; anyone else's is a 404."""
    found = notifications_of(user, workspace=workspace).filter(pk=notification_id).first()
    if found is None:
        raise Http404("No such notification.")
    return found


@transaction.atomic
def mark_read(*, notification: Notification) -> Notification:
    """Read now, or when it was first read: repeating it changes nothing."""
    Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now())
    notification.refresh_from_db(fields=["read_at"])
    return notification


@transaction.atomic
def mark_all_read(*, user: User, workspace: Workspace | None = None) -> int:
    """Every unread notification of ``user`` (in ``workspace``, if given) read; how many."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if workspace is not None:
        unread = unread.filter(Q(workspace=workspace) | Q(workspace__isnull=True))
    return unread.update(read_at=now())
