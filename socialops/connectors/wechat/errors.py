"""WeChat's error codes and what each one means for us.

Every API answers a failed call with HTTP 200 and ``{"errcode": 40001, "errmsg": "…"}``; success is
either no errcode or errcode 0. Codes are from the global return codes page
(https://developers.weixin.qq.com/doc/offiaccount/Getting_Started/Global_Return_Code.html).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from socialops.connectors.base import AuthExpired, ConnectorError, RateLimited

# The access token is stale: fetch a new one and retry the call once.
TOKEN_CODES = {
    40001: "invalid access token or app secret",
    40014: "invalid access token",
    42001: "access token expired",
}

# The app credentials themselves are wrong: the person must reconnect the account.
AUTH_CODES = {
    40013: "invalid AppID",
    40125: "invalid AppSecret",
    40164: "this server's IP address is not on the account's IP allowlist",
    41004: "the AppSecret is missing",
}

DAILY_QUOTA = 45009  # "reach max api daily quota limit": resets at midnight Beijing time
FREQUENCY = 45011  # "api minute-quota reach limit": try again in a minute
SYSTEM_BUSY = -1  # "system error": WeChat asks to try again later
OUT_OF_WINDOW = 45015  # "response out of time limit": 48 h since the user's last message

# Retrying the same call cannot help: (our code, message).
PERMANENT_CODES = {
    OUT_OF_WINDOW: (
        "outside_reply_window",
        "WeChat only allows a customer-service reply within 48 hours of the user's last message",
    ),
    45047: ("outside_reply_window", "too many customer-service messages without a user reply"),
    40003: ("not_found", "the openid is not a follower of this account"),
    40007: ("media_rejected", "invalid media_id"),
    40009: ("media_rejected", "invalid image size"),
    40113: ("media_rejected", "unsupported file type"),
    45001: ("media_rejected", "media file too large"),
    45002: ("content_rejected", "message content too long"),
    48001: ("permission_denied", "the account has no permission for this API (api unauthorized)"),
    53402: ("content_rejected", "publishing was refused: the article failed the platform's checks"),
    88000: ("comments_disabled", "comments are not open on this article"),
}

_BEIJING = ZoneInfo("Asia/Shanghai")


def seconds_to_beijing_midnight(now: datetime) -> float:
    local = now.astimezone(_BEIJING)
    midnight = (local + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return (midnight - local).total_seconds()


def error_for(errcode: int, errmsg: str, *, now: datetime) -> ConnectorError:
    """The ConnectorError a WeChat errcode stands for (token codes are handled by the client)."""
    platform_code = str(errcode)
    detail = f"WeChat error {errcode}: {errmsg}"
    if errcode in TOKEN_CODES:
        return AuthExpired(f"{detail} ({TOKEN_CODES[errcode]})", platform_code=platform_code)
    if errcode in AUTH_CODES:
        return AuthExpired(f"{detail} ({AUTH_CODES[errcode]})", platform_code=platform_code)
    if errcode == DAILY_QUOTA:
        return RateLimited(
            f"{detail} (daily API quota used up)",
            retry_after=seconds_to_beijing_midnight(now),
            platform_code=platform_code,
        )
    if errcode == FREQUENCY:
        return RateLimited(
            f"{detail} (too many calls a minute)", retry_after=60.0, platform_code=platform_code
        )
    if errcode == SYSTEM_BUSY:
        return ConnectorError(
            f"{detail} (system busy)",
            permanent=False,
            code="platform_busy",
            platform_code=platform_code,
        )
    if errcode in PERMANENT_CODES:
        code, message = PERMANENT_CODES[errcode]
        return ConnectorError(
            f"{message} ({detail})", permanent=True, code=code, platform_code=platform_code
        )
    return ConnectorError(
        detail, permanent=True, code="platform_error", platform_code=platform_code
    )
