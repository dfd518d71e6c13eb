"""What the atproto SDK raises, as ConnectorErrors.

The PDS answers an expired or revoked session with 400 ExpiredToken / 401 InvalidToken; a
429 RateLimitExceeded carries ratelimit-reset (epoch seconds), which the SDK turns into
retry_after.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from atproto_client import exceptions
from atproto_client.client.base import is_method_not_served
from atproto_client.models.common import XrpcError

from socialops.connectors.base import AuthExpired, ConnectorError, OutcomeUnknown, RateLimited
from socialops.core import clock

AUTH_ERRORS = frozenset(
    {"ExpiredToken", "InvalidToken", "AuthenticationRequired", "AuthMissing", "AccountTakedown"}
)
# The PDS proxies app.bsky.* reads to an AppView; without one it answers with these.
NO_APPVIEW_ERRORS = frozenset({"MethodNotImplemented", "XRPCNotSupported"})


def platform_error(exc: exceptions.RequestErrorBase) -> tuple[str, str]:
    """The XRPC error name and message of a failed response ("", "" when there is none)."""
    content: Any = exc.response.content if exc.response is not None else None
    if isinstance(content, XrpcError):
        return content.error or "", content.message or ""
    if isinstance(content, dict):
        return str(content.get("error") or ""), str(content.get("message") or "")
    return "", ""


def translate(exc: Exception, *, creates: bool = False) -> ConnectorError:
    """One ConnectorError for one SDK failure.

    creates: the call makes a record; a request that may have reached the PDS and got no
    answer becomes OutcomeUnknown, so the caller reconciles (find_published) before retrying.
    """
    if isinstance(exc, exceptions.LoginRequiredError):
        return AuthExpired("The Bluesky session is missing; reconnect the account")
    if not isinstance(exc, exceptions.RequestErrorBase):
        raise exc
    error, message = platform_error(exc)
    detail = f"{error}: {message}" if message else error
    status = exc.response.status_code if exc.response is not None else None
    if isinstance(exc, exceptions.RateLimitExceededError):
        return RateLimited(
            f"Bluesky rate limit reached ({detail})",
            retry_after=retry_after(exc),
            platform_code=error,
        )
    if error in AUTH_ERRORS or status == 401:
        return AuthExpired(f"Bluesky refused the session ({detail})", platform_code=error)
    if status is None:  # no answer: timeout or connection dropped
        if creates:
            return OutcomeUnknown(f"Bluesky did not answer ({type(exc).__name__})")
        return ConnectorError(
            f"Bluesky did not answer ({type(exc).__name__})", permanent=False, code="network"
        )
    if creates and status in (502, 504):  # a gateway gave up; the PDS may have written it
        return OutcomeUnknown(f"Bluesky answered {status} ({detail})")
    if status >= 500:
        return ConnectorError(
            f"Bluesky answered {status} ({detail})",
            permanent=False,
            code="server_error",
            platform_code=error,
        )
    if status == 413:
        return ConnectorError(
            f"Bluesky refused the upload as too large ({detail})",
            permanent=True,
            code="media_too_large",
            platform_code=error,
        )
    return ConnectorError(
        f"Bluesky refused the request ({status} {detail})",
        permanent=True,
        code="forbidden" if status == 403 else "rejected",
        platform_code=error,
    )


def retry_after(exc: exceptions.RequestErrorBase) -> float | None:
    """Seconds until ratelimit-reset (epoch seconds), measured on our clock."""
    headers = {k.lower(): v for k, v in (exc.response.headers if exc.response else {}).items()}
    try:
        reset = float(headers["ratelimit-reset"])
    except (KeyError, ValueError):
        return None
    return max(0.0, reset - clock.now().timestamp())


@contextlib.contextmanager
def calling(*, creates: bool = False) -> Iterator[None]:
    """Run SDK calls, raising ConnectorErrors instead of the SDK's exceptions."""
    try:
        yield
    except (exceptions.RequestErrorBase, exceptions.LoginRequiredError) as exc:
        raise translate(exc, creates=creates) from exc


def is_not_served(exc: BaseException | None) -> bool:
    """The server does not serve the method (a PDS with no AppView to proxy app.bsky.* to)."""
    return exc is not None and is_method_not_served(exc)
