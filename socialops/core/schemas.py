"""Schemas every router shares: the error shape and the documented error statuses."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated, Any

from ninja import Schema
from ninja.schema import DjangoGetter
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator


class ErrorDetail(Schema):
    code: str
    message: str
    fields: dict[str, str]


class ErrorOut(Schema):
    error: ErrorDetail


def errors(*statuses: int) -> dict[int, type[ErrorOut]]:
    """Response entries for error statuses; 400, 401, 413 and 422 can happen on any route.

    POST routes also list 409: a repeat of an Idempotency-Key whose first request is running.
    """
    return dict.fromkeys({400, 401, 413, 422, *statuses}, ErrorOut)


def given_fields(payload: Schema) -> dict[str, Any]:
    """The fields a PATCH body actually set, leaving out nulls (null means "leave as it is")."""
    changes = {key: getattr(payload, key) for key in payload.model_fields_set}
    return {key: value for key, value in changes.items() if value is not None}


class InputSchema(Schema):
    """Base of every request schema.

    It must be given a JSON object: ninja's Schema otherwise reads attributes off anything, so a
    list, a string or null would pass as an empty object. Text with NUL characters is refused
    (PostgreSQL cannot store them, and no legitimate input has them).
    """

    @model_validator(mode="before")
    @classmethod
    def _an_object(cls, data: Any) -> Any:
        given = data._obj if isinstance(data, DjangoGetter) else data  # ninja wraps it first
        if not isinstance(given, dict | BaseModel):
            raise ValueError("must be a JSON object")
        return data

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul_characters(cls, value: Any) -> Any:
        if isinstance(value, str) and "\x00" in value:
            raise ValueError("must not contain NUL characters")
        return value


class BodySchema(InputSchema):
    """Base of every JSON request body: a misspelt field is an error, not silently ignored."""

    model_config = ConfigDict(extra="forbid")


def _iso_date_time(value: Any) -> Any:
    """Only ISO 8601 with a zone, as UTC.

    pydantic would also read "0.5" as a Unix timestamp; and PostgreSQL refuses offsets past
    ±15:59, which ISO 8601 allows.
    """
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC)
    try:
        parsed = datetime.fromisoformat(str(value))
        if parsed.tzinfo is None:
            raise ValueError("no zone")
        return parsed.astimezone(UTC)
    except (ValueError, OverflowError) as exc:
        raise ValueError(
            "must be an ISO 8601 date-time with a zone, e.g. 2026-01-31T08:00+08:00"
        ) from exc


def _query_integer(value: Any) -> Any:
    """Digits only: pydantic would also read "0.0" or "1_000" from a query string."""
    if isinstance(value, str) and not re.fullmatch(r"[+-]?[0-9]{1,18}", value.strip()):
        raise ValueError("must be an integer")
    return value


DateTimeParam = Annotated[datetime, BeforeValidator(_iso_date_time)]
QueryInt = Annotated[int, BeforeValidator(_query_integer)]


def _json_integer(value: Any) -> Any:
    """A JSON number with an integral value; pydantic would also take true or "5"."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("must be an integer")
    return value


JsonInt = Annotated[int, BeforeValidator(_json_integer)]
# A row id in a body: a BigAutoField, so nothing past 2**63 - 1 can be one (SQLite refuses it).
RowId = Annotated[JsonInt, Field(ge=1, le=2**63 - 1)]
