"""Cursor pagination for every API list, refusing a damaged cursor with a 422, never a 500."""

from __future__ import annotations

from typing import Any

import pydantic
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Schema
from ninja import pagination as ninja_pagination
from ninja.errors import ValidationError as NinjaValidationError

from socialops.core.errors import ApiError
from socialops.core.schemas import QueryInt

INVALID_CURSOR = "not a cursor this API gave out"


class CursorPagination(ninja_pagination.CursorPagination):
    """ninja's cursor pagination; a cursor that does not decode to a valid position is a 422."""

    class Input(Schema):
        page_size: QueryInt | None = Field(
            None, description="Items per page (default 50, at most 200)."
        )
        cursor: str | None = Field(
            None, min_length=1, description="The `next` or `previous` cursor of the page before."
        )

    def paginate_queryset(
        self, queryset: QuerySet[Any], pagination: Any, request: HttpRequest, **params: Any
    ) -> Any:
        self._check_cursor(queryset, pagination.cursor)
        return super().paginate_queryset(queryset, pagination, request, **params)

    def _check_cursor(self, queryset: QuerySet[Any], encoded: str | None) -> None:
        try:
            cursor = self.Cursor.from_encoded_param(encoded)
            if cursor.p is not None:
                field = queryset.model._meta.get_field(self._order_attribute)
                field.get_prep_value(field.to_python(cursor.p))
        except (
            NinjaValidationError,
            pydantic.ValidationError,
            DjangoValidationError,
            ValueError,
            TypeError,
            UnicodeError,
        ) as exc:
            raise ApiError(
                422, "invalid", "The cursor is not valid.", {"cursor": INVALID_CURSOR}
            ) from exc
