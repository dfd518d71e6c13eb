"""HTTP to Weibo: one call, its errors mapped to ConnectorError.

Reads and writes differ only when the answer is lost: a read is simply retried, a write may have
taken effect, so the publisher must reconcile before trying again (OutcomeUnknown).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx

from socialops.connectors.base import ConnectorError, OutcomeUnknown
from socialops.core import clock

from .errors import error_for

API_BASE = "https://api.weibo.com/2/"
OAUTH_BASE = "https://api.weibo.com/oauth2/"
DEFAULT_TIMEOUT = 15.0

# Failures before a single byte of the request left this machine: always safe to retry.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


def call(
    method: str,
    url: str,
    *,
    write: bool,
    params: Mapping[str, Any] | None = None,
    data: Mapping[str, Any] | None = None,
    files: Mapping[str, Any] | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> Any:
    """Make one call and return its decoded JSON, or raise the matching ConnectorError."""
    try:
        with httpx.Client(timeout=timeout) as client:
            response = client.request(method, url, params=params, data=data, files=files)
    except _NOT_SENT as exc:
        raise ConnectorError(
            f"could not reach Weibo: {exc!r}", permanent=False, code="network"
        ) from exc
    except httpx.TransportError as exc:
        if write:
            raise OutcomeUnknown(f"Weibo did not answer {url}: {exc!r}") from exc
        code = "timeout" if isinstance(exc, httpx.TimeoutException) else "network"
        raise ConnectorError(
            f"Weibo did not answer {url}: {exc!r}", permanent=False, code=code
        ) from exc
    return decode(response, write=write)


def decode(response: httpx.Response, *, write: bool) -> Any:
    """The JSON body of a Weibo answer, or the ConnectorError it stands for."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict) and "error_code" in body:
        raise error_for(
            status=response.status_code,
            error_code=_int_or_none(body.get("error_code")),
            error=str(body.get("error_description") or body.get("error") or ""),
            request=str(body.get("request") or ""),
            now=clock.now(),
        )
    if response.is_success:
        if body is None:
            if write:
                # Weibo accepted the call but its answer is unreadable: the post may exist.
                raise OutcomeUnknown(f"Weibo sent an unreadable answer to {response.url}")
            raise malformed(f"Weibo sent an unreadable answer to {response.url}")
        return body
    if response.status_code >= 500 and write:
        # A gateway error says nothing about whether Weibo's backend made the post.
        raise OutcomeUnknown(f"Weibo answered HTTP {response.status_code} to {response.url}")
    raise error_for(
        status=response.status_code,
        error_code=None,
        error=response.text[:200],
        request=response.url.path,
        now=clock.now(),
    )


def malformed(message: str) -> ConnectorError:
    return ConnectorError(message, permanent=False, code="malformed_response")


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
