"""API shapes of publications and their attempts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Field, Schema

from socialops.core.schemas import BodySchema, InputSchema

from .models import Publication


class AttemptOut(Schema):
    started_at: datetime
    finished_at: datetime | None
    worker: str
    reconcile: bool = Field(description="A check with the platform, not a publishing call.")
    outcome: str = Field(description="published, found, not_found, retry, failed, unknown or ''.")
    error_code: str
    message: str


class PublicationOut(Schema):
    id: int
    post_id: int
    variant_id: int
    channel_id: int
    channel_name: str
    state: Publication.State
    due_at: datetime
    not_before: datetime = Field(description="Later than due_at after a back-off or rate limit.")
    attempts: int
    remote_id: str
    url: str
    published_at: datetime | None
    error_code: str
    error_message: str
    task: dict[str, Any] | None = Field(
        description="For state manual: what to publish by hand (text, media, title, link)."
    )
    history: list[AttemptOut]

    @staticmethod
    def resolve_channel_name(obj: Publication) -> str:
        return obj.channel.display_name or obj.channel.handle

    @staticmethod
    def resolve_task(obj: Publication) -> dict[str, Any] | None:
        task = (obj.remote_extra or {}).get("task")
        return task if isinstance(task, dict) else None

    @staticmethod
    def resolve_history(obj: Publication) -> list[Any]:
        return list(obj.history.all())


class CompleteIn(BodySchema):
    url: str = Field(
        min_length=1,
        max_length=1000,
        description="The link of the post as published by hand on the platform.",
    )


class PublicationFilterIn(InputSchema):
    state: Publication.State | None = Field(
        None, description="Only publications in this state, e.g. manual for the tasks to do."
    )


class ResolveIn(BodySchema):
    """Settle an unconfirmed publication by hand: give exactly one of the two."""

    published_url: str | None = Field(
        None,
        min_length=1,
        max_length=1000,
        description="It was published: the link of the post on the platform.",
    )
    retry: bool | None = Field(
        None, description="true: it was not published; send it again now (same idempotency key)."
    )


class ReconcileOut(Schema):
    state: Publication.State = Field(description="The state after the check.")
    problem: str = Field(description="Why the platform gave no answer, if it did not.")
    publication: PublicationOut
