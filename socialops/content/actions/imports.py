"""Bulk import of posts from CSV: every row becomes a post, or none does."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction

from socialops.accounts.queries import Access
from socialops.accounts.roles import Perm
from socialops.content.imports import PostPlan, decode, plan_import
from socialops.core import audit

from .posts import create_post

if TYPE_CHECKING:
    from django.http import HttpRequest

__all__ = ["import_posts"]

# The action's field names, as the CSV's columns are called.
COLUMN_OF = {
    "channels": "accounts",
    "channel_ids": "accounts",
    "pillar_id": "pillar",
    "topic_ids": "topics",
}


@transaction.atomic
def import_posts(
    *,
    access: Access,
    data: bytes | str,
    dry_run: bool = False,
    request: HttpRequest | None = None,
) -> list[PostPlan]:
    """Create a post per row (audited each, plus one post.imported); dry_run only plans them."""
    access.require(Perm.CONTENT_EDIT, request)
    text = decode(data) if isinstance(data, bytes) else data
    plans = plan_import(access.workspace, text)
    if dry_run:
        return plans
    for plan in plans:
        try:
            post = create_post(access=access, request=request, **plan.create_args())
        except ValidationError as exc:  # the whole transaction, every row, is rolled back
            if not hasattr(exc, "error_dict"):
                raise
            raise ValidationError(
                {
                    f"row {plan.row}.{COLUMN_OF.get(key, key)}": messages
                    for key, messages in exc.message_dict.items()
                }
            ) from exc
        plan.id = post.pk
    audit.record(
        action="post.imported",
        workspace=access.workspace,
        actor=access.user,
        request=request,
        target_label=f"{len(plans)} posts",
        after={"count": len(plans), "posts": [plan.id for plan in plans]},
    )
    return plans
