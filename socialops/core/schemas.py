"""Schemas every router shares: the error shape and the documented error statuses."""

from __future__ import annotations

from ninja import Schema


class ErrorDetail(Schema):
    code: str
    message: str
    fields: dict[str, str]


class ErrorOut(Schema):
    error: ErrorDetail


def errors(*statuses: int) -> dict[int, type[ErrorOut]]:
    """Response entries for error statuses; 400, 401, 413 and 422 can happen on any route."""
    return dict.fromkeys({400, 401, 413, 422, *statuses}, ErrorOut)
