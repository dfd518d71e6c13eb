"""Mastodon.py over httpx, and Mastodon's failures as ConnectorErrors.

Mastodon.py speaks through a requests.Session; we mount an adapter that sends every request with
one httpx.Client instead, so there is one HTTP stack with one timeout, respx can record it in
tests, and the last raw response (status, X-RateLimit-* headers) is at hand when Mastodon.py
turns a failure into a bare exception.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx
import requests
from mastodon import (
    Mastodon,
    MastodonAPIError,
    MastodonError,
    MastodonNetworkError,
    MastodonRatelimitError,
)
from requests.structures import CaseInsensitiveDict

from socialops.connectors.base import AuthExpired, ConnectorError, OutcomeUnknown, RateLimited
from socialops.core import clock

TIMEOUT = httpx.Timeout(20.0, connect=5.0)
# Mastodon.py checks the server version before some calls (v2 media, v2 instance); every
# supported instance runs 4.x, so we declare it instead of spending a request on it.
ASSUMED_VERSION = "4.0.0"
USER_AGENT = "SocialOps (+https://github.com/socialops)"

_PERMANENT_CODES = {403: "forbidden", 404: "not_found", 410: "gone", 422: "content_rejected"}


class HttpxAdapter(requests.adapters.BaseAdapter):
    """A requests transport that sends with an httpx.Client and remembers the last response."""

    def __init__(self, client: httpx.Client) -> None:
        super().__init__()
        self.client = client
        self.last_response: httpx.Response | None = None

    def send(  # type: ignore[override]
        self, request: requests.PreparedRequest, *args: Any, **kwargs: Any
    ) -> requests.Response:
        self.last_response = None
        try:
            answer = self.client.request(
                request.method or "GET",
                request.url or "",
                headers={
                    name: value if isinstance(value, str) else value.decode("latin-1")
                    for name, value in request.headers.items()
                },
                content=_body(request),
            )
        except httpx.TimeoutException as exc:
            raise requests.exceptions.Timeout(str(exc), request=request) from exc
        except httpx.TransportError as exc:
            raise requests.exceptions.ConnectionError(str(exc), request=request) from exc
        self.last_response = answer
        response = requests.Response()
        response.status_code = answer.status_code
        response.headers = CaseInsensitiveDict(answer.headers.items())
        response._content = answer.content
        response.encoding = answer.encoding
        response.reason = answer.reason_phrase
        response.url = str(answer.url)
        response.request = request
        return response

    def close(self) -> None:
        pass


def _body(request: requests.PreparedRequest) -> bytes | str | None:
    body = request.body
    if body is None or isinstance(body, bytes | str):
        return body
    raise TypeError("streamed request bodies are not used with Mastodon")


def make_api(
    base_url: str, client: httpx.Client, *, access_token: str | None = None
) -> tuple[Mastodon, HttpxAdapter]:
    adapter = HttpxAdapter(client)
    session = requests.Session()
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    api = Mastodon(
        access_token=access_token,
        api_base_url=base_url,
        session=session,
        ratelimit_method="throw",  # never sleep in a worker; the caller schedules the retry
        version_check_mode="created",
        mastodon_version=ASSUMED_VERSION,
        user_agent=USER_AGENT,
    )
    return api, adapter


@contextlib.contextmanager
def calling(adapter: HttpxAdapter, *, creates: bool = False) -> Iterator[None]:
    """Turn what a Mastodon.py call raises into a ConnectorError.

    creates: the call makes something (a status); failures after the request may have reached
    the server become OutcomeUnknown, so the caller reconciles before retrying.
    """
    try:
        yield
    except MastodonRatelimitError as exc:
        raise rate_limited(adapter.last_response) from exc
    except MastodonNetworkError as exc:
        raise network_error(exc, creates=creates) from exc
    except MastodonAPIError as exc:
        raise from_response(adapter.last_response, creates=creates, detail=exc) from exc
    except MastodonError as exc:
        raise ConnectorError(str(exc), permanent=True, code="invalid_request") from exc
    except (KeyError, TypeError, ValueError) as exc:  # a 2xx body without the fields we read
        raise malformed(str(exc), creates=creates) from exc


def need(data: Any, key: str) -> Any:
    """data[key], which must be present: Mastodon.py fills absent fields with None."""
    value = data[key]
    if value is None:
        raise KeyError(key)
    return value


def network_error(exc: BaseException, *, creates: bool) -> ConnectorError:
    root = _httpx_cause(exc)
    never_sent = isinstance(root, httpx.ConnectError | httpx.ConnectTimeout)
    if creates and not never_sent:
        return OutcomeUnknown(f"Mastodon did not answer: {root or exc}")
    code = "timeout" if isinstance(root, httpx.TimeoutException) else "network"
    return ConnectorError(f"Mastodon unreachable: {root or exc}", permanent=False, code=code)


def from_response(
    response: httpx.Response | None, *, creates: bool = False, detail: object = None
) -> ConnectorError:
    """The error a non-2xx (or unreadable 2xx) Mastodon answer stands for."""
    if response is None:
        return ConnectorError(f"Mastodon call failed: {detail}", permanent=False, code="network")
    status = response.status_code
    if status < 300:
        return malformed(f"HTTP {status}: {response.text[:200]!r}", creates=creates)
    message = _error_message(response)
    if status == 401:
        return AuthExpired(message, platform_code="401")
    if status == 429:
        return rate_limited(response)
    if status >= 500:
        if creates:
            return OutcomeUnknown(f"Mastodon answered {status} while creating: {message}")
        return ConnectorError(
            message, permanent=False, code="server_error", platform_code=str(status)
        )
    return ConnectorError(
        message,
        permanent=True,
        code=_PERMANENT_CODES.get(status, "rejected"),
        platform_code=str(status),
    )


def rate_limited(response: httpx.Response | None) -> RateLimited:
    retry_after = None
    if response is not None:
        retry_after = _seconds_until_reset(response)
    return RateLimited("Mastodon rate limit reached", retry_after=retry_after, platform_code="429")


def malformed(detail: str, *, creates: bool) -> ConnectorError:
    if creates:
        return OutcomeUnknown(f"Mastodon's answer to a create was unreadable: {detail}")
    return ConnectorError(
        f"Mastodon sent an unreadable answer: {detail}",
        permanent=False,
        code="malformed_response",
    )


def check(response: httpx.Response) -> dict[str, Any]:
    """The JSON object of a 2xx response made with httpx directly, or the mapped error."""
    if response.status_code >= 300:
        raise from_response(response)
    try:
        body = response.json()
    except ValueError:
        raise malformed(f"not JSON: {response.text[:200]!r}", creates=False) from None
    if not isinstance(body, dict):
        raise malformed("expected a JSON object", creates=False)
    return body


def _seconds_until_reset(response: httpx.Response) -> float | None:
    """X-RateLimit-Reset is an ISO 8601 time; measure it against the server's Date if sent."""
    reset_header = response.headers.get("X-RateLimit-Reset")
    if not reset_header:
        return None
    try:
        reset = datetime.fromisoformat(reset_header.replace("Z", "+00:00"))
    except ValueError:
        return None
    now = clock.now()
    if date_header := response.headers.get("Date"):
        with contextlib.suppress(TypeError, ValueError):
            now = parsedate_to_datetime(date_header)
    return max(0.0, (reset - now).total_seconds())


def _error_message(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict) and isinstance(body.get("error"), str):
        description = body.get("error_description")
        return f"{body['error']}: {description}" if description else body["error"]
    return f"HTTP {response.status_code} {response.reason_phrase}".strip()


def _httpx_cause(exc: BaseException) -> BaseException | None:
    seen: BaseException | None = exc
    for _ in range(6):
        if seen is None:
            return None
        if isinstance(seen, httpx.HTTPError):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None
