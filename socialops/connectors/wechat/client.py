"""HTTP to the WeChat Official Account API with the access token kept fresh.

The token lives in the channel's credentials ({access_token, expires_at}); a renewed token is
handed back through ``renewed`` so the channels layer stores it encrypted and every process shares
it. It is renewed 5 minutes before it expires, and once when WeChat calls it invalid or expired
(40001/40014/42001) — a second refusal means the app credentials are wrong.

Tokens come from cgi-bin/stable_token by default: unlike cgi-bin/token it does not invalidate the
token another process holds, so several workers can fetch without fighting. config
``token_api = "token"`` selects the older endpoint.
"""

from __future__ import annotations

import json as jsonlib
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

import httpx

from socialops.connectors.base import AuthExpired, ConnectorError, OutcomeUnknown
from socialops.core import clock

from .errors import TOKEN_CODES, error_for

API_BASE = "https://api.weixin.qq.com/cgi-bin/"
DEFAULT_TIMEOUT = 15.0
REFRESH_MARGIN = timedelta(minutes=5)

# Failures before a single byte of the request left this machine: always safe to retry.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


class WechatClient:
    def __init__(
        self,
        *,
        app_id: str,
        app_secret: str,
        access_token: str = "",
        expires_at: str = "",
        grant_endpoint: str = "stable_token",
        timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        self.app_id = app_id
        self.app_secret = app_secret
        self.access_token = access_token
        self.expires_at = _parse_time(expires_at)
        self.grant_endpoint = grant_endpoint
        self.timeout = timeout
        self.renewed = False

    # ---- the token ------------------------------------------------------------------------

    def token(self, *, force: bool = False) -> str:
        if force or not self.access_token or self._expiring():
            self.fetch_token(force_refresh=force)
        return self.access_token

    def _expiring(self) -> bool:
        return self.expires_at is None or clock.now() >= self.expires_at - REFRESH_MARGIN

    def fetch_token(self, *, force_refresh: bool = False) -> None:
        """Ask WeChat for an access token with the app id and secret."""
        if self.grant_endpoint == "token":  # noqa: S105 - an endpoint name
            body = self._send(
                "GET",
                "token",
                params={
                    "grant_type": "client_credential",
                    "appid": self.app_id,
                    "secret": self.app_secret,
                },
                write=False,
            )
        else:
            body = self._send(
                "POST",
                "stable_token",
                json={
                    "grant_type": "client_credential",
                    "appid": self.app_id,
                    "secret": self.app_secret,
                    "force_refresh": force_refresh,
                },
                write=False,
            )
        self._raise_for(body)
        try:
            token = str(body["access_token"])
            expires_in = int(body["expires_in"])
        except (KeyError, TypeError, ValueError) as exc:
            raise malformed("WeChat sent a token answer without access_token") from exc
        self.access_token = token
        self.expires_at = clock.now() + timedelta(seconds=expires_in)
        self.renewed = True

    def credentials(self) -> dict[str, str]:
        return {
            "access_token": self.access_token,
            "expires_at": self.expires_at.isoformat() if self.expires_at else "",
        }

    # ---- calls ------------------------------------------------------------------------------

    def call(
        self,
        method: str,
        path: str,
        *,
        write: bool,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        files: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Call an API with the token; renew it once if WeChat says it is stale."""
        for attempt in range(2):
            body = self._send(
                method,
                path,
                params={**(params or {}), "access_token": self.token(force=attempt > 0)},
                json=json,
                files=files,
                write=write,
            )
            errcode = _errcode(body)
            if errcode in TOKEN_CODES and attempt == 0:
                continue
            self._raise_for(body)
            return body
        raise AssertionError("unreachable")  # pragma: no cover

    def _send(
        self,
        method: str,
        path: str,
        *,
        write: bool,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        files: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        url = API_BASE + path
        try:
            with httpx.Client(timeout=self.timeout) as http:
                if json is not None:
                    # WeChat reads raw UTF-8: escaped \uXXXX would end up verbatim in articles.
                    content = _dumps(json)
                    response = http.request(
                        method,
                        url,
                        params=params,
                        content=content,
                        headers={"Content-Type": "application/json; charset=utf-8"},
                    )
                else:
                    response = http.request(method, url, params=params, files=files)
        except _NOT_SENT as exc:
            raise ConnectorError(
                f"could not reach WeChat: {exc!r}", permanent=False, code="network"
            ) from exc
        except httpx.TransportError as exc:
            if write:
                raise OutcomeUnknown(f"WeChat did not answer {path}: {exc!r}") from exc
            code = "timeout" if isinstance(exc, httpx.TimeoutException) else "network"
            raise ConnectorError(
                f"WeChat did not answer {path}: {exc!r}", permanent=False, code=code
            ) from exc
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            if write and (response.is_success or response.status_code >= 500):
                raise OutcomeUnknown(f"WeChat sent an unreadable answer to {path}")
            raise malformed(f"WeChat sent an unreadable answer to {path} ({response.status_code})")
        return body

    def _raise_for(self, body: Mapping[str, Any]) -> None:
        errcode = _errcode(body)
        if errcode:
            error = error_for(errcode, str(body.get("errmsg") or ""), now=clock.now())
            if isinstance(error, AuthExpired):
                self.access_token = ""
            raise error


def malformed(message: str) -> ConnectorError:
    return ConnectorError(message, permanent=False, code="malformed_response")


def _errcode(body: Mapping[str, Any]) -> int:
    try:
        return int(body.get("errcode") or 0)
    except (TypeError, ValueError):
        return 0


def _dumps(value: Any) -> bytes:
    return jsonlib.dumps(value, ensure_ascii=False).encode()


def _parse_time(value: str) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None
    return parsed if parsed.tzinfo else None
