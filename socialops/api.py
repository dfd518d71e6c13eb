"""The JSON API under /api/v1/: one NinjaAPI, routers from each app, one error shape."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.datastructures import MultiValueDict
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser
from ninja.renderers import JSONRenderer

from socialops.accounts.api import router as accounts_router
from socialops.accounts.auth import TokenAuth
from socialops.accounts.queries import AccessDenied
from socialops.campaigns.api import router as campaigns_router
from socialops.channels.api import router as channels_router
from socialops.contacts.api import router as contacts_router
from socialops.content.api import router as content_router
from socialops.content.api_calendar import router as calendar_router
from socialops.content.api_library import router as library_router
from socialops.content.api_posts import router as posts_router
from socialops.core.api import router as core_router
from socialops.core.api_notifications import router as notifications_router
from socialops.core.errors import STATUS_CODES, ApiError, error_response
from socialops.guidebook.api import router as guidebook_router
from socialops.inbox.api import router as inbox_router
from socialops.listening.api import router as listening_router
from socialops.platforms.api import router as platforms_router
from socialops.publishing.api import router as publishing_router
from socialops.publishing.api_metrics import router as tracking_router
from socialops.sla.api import router as sla_router

log = logging.getLogger(__name__)


class Utf8JSONRenderer(JSONRenderer):
    """Chinese stays readable in responses instead of \\uXXXX escapes."""

    media_type = "application/json; charset=utf-8"
    json_dumps_params = {"ensure_ascii": False}


class SingleValueParser(Parser):
    """Query parameters are given once: `?cursor=a&cursor=b` is a 422, not a silent pick."""

    def parse_querydict(
        self, data: MultiValueDict[str, Any], list_fields: list[str], request: HttpRequest
    ) -> dict[str, Any]:
        repeated = [key for key in data if key not in list_fields and len(data.getlist(key)) > 1]
        if repeated:
            raise NinjaValidationError(
                [{"loc": ("query", key), "msg": "must be given once"} for key in repeated]
            )
        return super().parse_querydict(data, list_fields, request)


api = NinjaAPI(
    title="SocialOps API",
    version="1",
    description=(
        "Every capability of the SocialOps UI. Authenticate with a personal API token "
        "(Settings → API tokens) as `Authorization: Bearer <token>`; the token decides the "
        'workspace. Errors share one shape: `{"error": {"code", "message", "fields"}}`. '
        "Lists are cursor-paginated (`cursor`, `page_size`). POST honours `Idempotency-Key`."
    ),
    auth=TokenAuth(),
    urls_namespace="api",
    docs_url="/docs",
    renderer=Utf8JSONRenderer(),
    parser=SingleValueParser(),
)
api.add_router("", accounts_router)
api.add_router("", core_router)
api.add_router("", platforms_router)
api.add_router("", channels_router)
# before content_router: its /pillars/{pillar_id} would otherwise take /pillars/mix
api.add_router("", calendar_router)
api.add_router("", content_router)
api.add_router("", library_router)
api.add_router("", posts_router)
api.add_router("", notifications_router)
api.add_router("", campaigns_router)
api.add_router("", tracking_router)
api.add_router("", publishing_router)
api.add_router("", inbox_router)
api.add_router("", contacts_router)
api.add_router("", sla_router)
api.add_router("", guidebook_router)
api.add_router("", listening_router)


def _fields_from_ninja(errors: list[dict[str, object]]) -> dict[str, str]:
    fields: dict[str, str] = {}
    for error in errors:
        raw_loc = error.get("loc") or []
        loc = [str(part) for part in raw_loc] if isinstance(raw_loc, list | tuple) else []
        # loc looks like ["body", "payload", "name"], ["body", "payload"] (the whole body)
        # or ["query", "limit"]
        parts = loc[2:] if loc[:1] == ["body"] else loc[1:] or loc
        fields.setdefault(".".join(parts) or "body", str(error.get("msg", "invalid")))
    return fields


@api.exception_handler(NinjaValidationError)
def _validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    fields = _fields_from_ninja(exc.errors)
    log.info("api validation error on %s: %s", request.path, fields)
    return error_response(422, "invalid", "Some fields are invalid.", fields)


@api.exception_handler(DjangoValidationError)
def _django_validation(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    if hasattr(exc, "error_dict"):
        fields = {key: " ".join(str(m) for m in msgs) for key, msgs in exc.message_dict.items()}
    else:
        fields = {"__all__": " ".join(exc.messages)}
    return error_response(422, "invalid", "Some fields are invalid.", fields)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = error_response(
        401, "not_authenticated", "A valid, unrevoked API token is required (Bearer)."
    )
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    if isinstance(exc, AccessDenied):
        exc.record(request)
    return error_response(403, "forbidden", str(exc) or "You may not do this.")


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response(404, "not_found", str(exc) or "Not found.")


@api.exception_handler(RequestDataTooBig)
def _too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return error_response(413, "body_too_large", "Request body too large.")


@api.exception_handler(ApiError)
def _api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
    return error_response(exc.status, exc.code, exc.message, exc.fields)


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    status = exc.status_code
    message = str(exc)
    if status == 400 and "parse" in message.lower():
        return error_response(
            400, "malformed_body", "The request body is not valid JSON.", {"body": "not valid JSON"}
        )
    return error_response(status, STATUS_CODES.get(status, "error"), message)
