"""API routes for your own notifications, in the token's workspace (and those of none).

No `from __future__ import annotations` here: ninja's @paginate re-reads the handler's
annotations from its own module, so they must be real objects, not strings.
"""

from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from socialops.accounts.auth import access_of
from socialops.core import notifications
from socialops.core.errors import ApiError
from socialops.core.models import Notification
from socialops.core.pagination import CursorPagination
from socialops.core.schemas import errors

router = Router(tags=["notifications"])


class NotificationOut(Schema):
    id: int
    kind: str = Field(description="e.g. post.review_requested, post.approved, post.commented")
    title: str
    body: str
    url: str = Field(description="The page it is about, on this site.")
    workspace_id: int | None
    created_at: datetime
    read_at: datetime | None
    read: bool

    @staticmethod
    def resolve_read(obj: Notification) -> bool:
        return obj.read_at is not None


class ReadAllOut(Schema):
    marked: int = Field(description="How many were unread.")


class RankPagination(CursorPagination):
    """Cursors over the `rank` annotation (unread first), which is not a model field."""

    def _find_position(self, queryset: QuerySet[Any], cursor: Any) -> QuerySet[Any]:
        if cursor.p is None:
            return queryset
        # an integer, not the cursor's string: PostgreSQL would not compare the two
        comparison = "gte" if cursor.r == self._order_attribute_reversed else "lte"
        return queryset.filter(**{f"rank__{comparison}": int(cursor.p)})

    def _check_cursor(self, queryset: QuerySet[Any], encoded: str | None) -> None:
        try:
            cursor = self.Cursor.from_encoded_param(encoded)
            if cursor.p is not None:
                int(cursor.p)
        except Exception as exc:  # noqa: BLE001 - any damage to a cursor is the same 422
            raise ApiError(
                422,
                "invalid",
                "The cursor is not valid.",
                {"cursor": "not a cursor this API gave out"},
            ) from exc


@router.get("/notifications", response={200: list[NotificationOut], **errors()})
@paginate(RankPagination, ordering=("-rank",))
def list_notifications(request: HttpRequest, unread: bool = False) -> QuerySet[Notification]:
    """Your notifications, unread first and newest first; `unread=true` for only those."""
    access = access_of(request)
    return notifications.notifications_of(
        access.user, workspace=access.workspace, unread_only=unread
    )


@router.post("/notifications/read-all", response={200: ReadAllOut, **errors(409)})
def read_all(request: HttpRequest) -> dict[str, int]:
    access = access_of(request)
    return {"marked": notifications.mark_all_read(user=access.user, workspace=access.workspace)}


@router.post(
    "/notifications/{notification_id}/read",
    response={200: NotificationOut, **errors(404, 409)},
)
def read(request: HttpRequest, notification_id: int) -> Notification:
    """Mark one read; repeating it keeps the first time it was read."""
    access = access_of(request)
    found = notifications.notification(access.user, notification_id, workspace=access.workspace)
    return notifications.mark_read(notification=found)
