"""API-wide behaviour: body size limit, one error shape for every 4xx, Idempotency-Key."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse

from socialops.core import crypto
from socialops.core.clock import now
from socialops.core.errors import STATUS_CODES, error_response, has_error_shape
from socialops.core.models import IdempotencyRecord

log = logging.getLogger(__name__)

API_PREFIX = "/api/"
Handler = Callable[[HttpRequest], HttpResponse]


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


class ApiBodyLimitMiddleware:
    """Refuse an oversized API body before anything reads it."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if is_api(request):
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            limit = (
                settings.API_MAX_UPLOAD_BYTES
                if request.path in settings.API_UPLOAD_PATHS
                else settings.API_MAX_BODY_BYTES
            )
            if length > limit:
                log.warning("api body too large: %s bytes to %s", length, request.path)
                return error_response(
                    413,
                    "body_too_large",
                    f"Request body is {length} bytes; the limit is {limit}.",
                )
        return self.get_response(request)


class ApiErrorShapeMiddleware:
    """Give any 4xx under /api/ that Django produced itself (CSRF, 404, 405) the common shape."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if is_api(request) and 400 <= response.status_code < 500 and not has_error_shape(response):
            status = response.status_code
            reshaped = error_response(
                status, STATUS_CODES.get(status, "client_error"), _default_message(status)
            )
            for header in ("Allow", "Retry-After", "WWW-Authenticate"):
                if header in response:
                    reshaped[header] = response[header]
            return reshaped
        return response


def _default_message(status: int) -> str:
    return {
        400: "The request could not be understood.",
        401: "Authentication required: send Authorization: Bearer <token>.",
        403: "You may not do this.",
        404: "Not found.",
        405: "Method not allowed on this path.",
        413: "Request body too large.",
    }.get(status, "The request was refused.")


class IdempotencyMiddleware:
    """POSTs to the API that carry an Idempotency-Key run once; repeats get the first response."""

    HEADER = "HTTP_IDEMPOTENCY_KEY"
    MAX_KEY_LENGTH = 255

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = request.META.get(self.HEADER)
        if key is None or request.method != "POST" or not is_api(request):
            return self.get_response(request)
        if request.path in settings.API_UPLOAD_PATHS:
            # Not read into memory to be hashed; an upload repeated is found by its SHA-256.
            return self.get_response(request)
        if not key.strip() or len(key) > self.MAX_KEY_LENGTH:
            return error_response(
                400,
                "invalid_idempotency_key",
                "Idempotency-Key must be 1 to 255 characters.",
                {"Idempotency-Key": "must be 1 to 255 characters"},
            )
        principal = _principal(request)
        if principal is None:
            return self.get_response(request)  # unauthenticated: the handler answers 401
        digest = hashlib.sha256(
            request.method.encode() + b" " + request.get_full_path().encode() + b"\n" + request.body
        ).hexdigest()
        claimed = _claim(principal, key, request, digest)
        if isinstance(claimed, HttpResponse):
            return claimed
        record = claimed
        response = self.get_response(request)
        if _storable(response):
            record.state = IdempotencyRecord.State.DONE
            record.status_code = response.status_code
            # Encrypted: a response may carry a secret shown once (a new API token).
            record.response_body = crypto.encrypt_bytes(response.content)
            record.content_type = response.get("Content-Type", "")
            record.save(update_fields=["state", "status_code", "response_body", "content_type"])
        else:
            record.delete()
        return response


def _claim(
    principal: str, key: str, request: HttpRequest, digest: str
) -> IdempotencyRecord | HttpResponse:
    """The pending record for this request, or the response a repeat gets instead.

    A pending record older than IDEMPOTENCY_PENDING_SECONDS belongs to a request whose process
    died (actions are atomic, so it wrote nothing); it is taken over rather than blocking the key.
    """
    for _attempt in range(2):
        try:
            with transaction.atomic():
                return IdempotencyRecord.objects.create(
                    principal=principal,
                    key=key,
                    method=request.method or "POST",
                    path=request.path[:512],
                    request_hash=digest,
                )
        except IntegrityError:
            abandoned_before = now() - timedelta(seconds=settings.IDEMPOTENCY_PENDING_SECONDS)
            taken_over = IdempotencyRecord.objects.filter(
                principal=principal,
                key=key,
                state=IdempotencyRecord.State.PENDING,
                created_at__lt=abandoned_before,
            ).delete()[0]
            if not taken_over:
                return _replay(principal, key, digest)
    return _replay(principal, key, digest)


def _principal(request: HttpRequest) -> str | None:
    auth = request.META.get("HTTP_AUTHORIZATION", "")
    if auth.lower().startswith("bearer ") and auth[7:].strip():
        return "token:" + hashlib.sha256(auth[7:].strip().encode()).hexdigest()[:64]
    session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    if session_key:
        return "session:" + hashlib.sha256(session_key.encode()).hexdigest()[:64]
    return None


def _storable(response: HttpResponse) -> bool:
    if response.streaming:
        return False
    return response.status_code < 500 and response.status_code not in (401, 403, 409, 429)


def _replay(principal: str, key: str, digest: str) -> HttpResponse:
    record = IdempotencyRecord.objects.get(principal=principal, key=key)
    if record.request_hash != digest:
        return error_response(
            422,
            "idempotency_key_reused",
            "This Idempotency-Key was already used with a different request.",
            {"Idempotency-Key": "already used with a different method, path or body"},
        )
    if record.state == IdempotencyRecord.State.PENDING:
        return error_response(
            409,
            "idempotency_in_progress",
            "A request with this Idempotency-Key is still being processed; retry later.",
        )
    try:
        body = crypto.decrypt_bytes(bytes(record.response_body or b""))
    except crypto.DecryptionError:
        return error_response(
            409,
            "idempotency_replay_unavailable",
            "The stored response for this Idempotency-Key can no longer be read; use a new key.",
        )
    response = HttpResponse(
        body,
        status=record.status_code or 200,
        content_type=record.content_type or "application/json",
    )
    response["Idempotent-Replayed"] = "true"
    return response
