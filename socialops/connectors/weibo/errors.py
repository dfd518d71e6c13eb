"""Weibo's error codes and what each one means for us.

Weibo answers a failed call with HTTP 4xx/5xx and ``{"error": …, "error_code": …, "request": …}``
(OAuth2 endpoints: ``{"error": "invalid_grant", "error_code": 21325, "error_description": …}``).
Codes are from https://open.weibo.com/wiki/Error_code and the OAuth2 error table
(https://open.weibo.com/wiki/Oauth2 "OAuth2.0错误码").
"""

from __future__ import annotations

from datetime import datetime, timedelta

from socialops.connectors.base import AuthExpired, ConnectorError, RateLimited

# The authorisation is gone: the person must connect the account again.
AUTH_CODES = {
    10013: "invalid Weibo user",
    21301: "authentication failed",
    21314: "token already used",
    21315: "token expired",
    21316: "token revoked",
    21317: "token rejected",
    21318: "verifier failed",
    21319: "the user revoked this app's access",
    21327: "token expired",
    21332: "invalid access token",
}

# Frequency limits, counted per hour (https://open.weibo.com/wiki/Rate-limiting).
RATE_CODES = {
    10022: "IP requests out of rate limit",
    10023: "user requests out of rate limit",
    10024: "user requests for this API out of rate limit",
    20016: "posting too fast (发布内容过于频繁)",
    20505: "follow requests out of rate limit",
}

# Retrying the same call cannot help: (our code, message).
PERMANENT_CODES = {
    10014: ("permission_denied", "the app lacks permission for this API (应用的接口访问权限受限)"),
    10017: ("bad_request", "a parameter was rejected (e.g. the app key has no safe domain bound)"),
    20005: ("media_rejected", "unsupported image type: only JPG, GIF and PNG"),
    20006: ("media_rejected", "image too large"),
    20007: ("media_rejected", "the image must be sent as multipart"),
    20008: ("content_rejected", "the text is empty"),
    20012: ("text_too_long", "text too long: Weibo allows 140 characters"),
    20013: ("text_too_long", "text too long: Weibo allows 300 characters here"),
    20015: ("account_blocked", "the account, IP or app is blocked from this action for now"),
    20017: ("duplicate_content", "Weibo refused a post too similar to a recent one"),
    20018: ("illegal_link", "the text contains a link Weibo considers illegal"),
    20019: ("duplicate_content", "Weibo refused a post identical to a recent one"),
    20020: ("content_rejected", "Weibo refused the text as advertising"),
    20021: ("content_rejected", "Weibo refused the text as illegal content"),
    20031: ("captcha_required", "Weibo wants a captcha for this account; post from the app once"),
    20101: ("not_found", "the post does not exist"),
    20111: ("duplicate_content", "Weibo refused a post identical to a recent one"),
    20201: ("not_found", "the comment does not exist"),
    20202: ("content_rejected", "Weibo refused the comment"),
    21322: ("oauth_failed", "the redirect URI does not match the app's callback address"),
    21323: ("oauth_failed", "the OAuth request is invalid"),
    21324: ("oauth_failed", "the app key or app secret is wrong"),
    21325: ("oauth_failed", "the authorization code is invalid, expired or already used"),
    21330: ("oauth_failed", "the person refused to grant access"),
    21602: ("content_rejected", "the text contains a forbidden word (含有敏感词)"),
}

# Weibo's own "try again" answers: system busy, RPC error, job expired, …
RETRYABLE_CODES = {10001, 10002, 10003, 10009, 10010, 10011}

# "Update success, while server slow now": the post exists or soon will; do not post again.
PUBLISHED_SLOWLY = 20032


def seconds_to_next_hour(now: datetime) -> float:
    """Weibo's limits are counted per clock hour; they reset at the top of the next one."""
    next_hour = now.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    return (next_hour - now).total_seconds()


def error_for(
    *, status: int, error_code: int | None, error: str, request: str, now: datetime
) -> ConnectorError:
    """The ConnectorError for one failed Weibo call."""
    platform_code = str(error_code or "")
    where = f" ({request})" if request else ""
    if error_code in AUTH_CODES:
        return AuthExpired(
            f"Weibo: {AUTH_CODES[error_code]}: {error}{where}", platform_code=platform_code
        )
    if error_code in RATE_CODES or status == 429:
        reason = RATE_CODES.get(error_code or 0, "too many requests")
        return RateLimited(
            f"Weibo: {reason}: {error}{where}",
            retry_after=seconds_to_next_hour(now),
            platform_code=platform_code,
        )
    if error_code in PERMANENT_CODES:
        code, explanation = PERMANENT_CODES[error_code]
        return ConnectorError(
            f"Weibo: {explanation}: {error}{where}",
            permanent=True,
            code=code,
            platform_code=platform_code,
        )
    if error_code in RETRYABLE_CODES or status >= 500:
        return ConnectorError(
            f"Weibo is unavailable (HTTP {status}): {error}{where}",
            permanent=False,
            code="platform_unavailable",
            platform_code=platform_code,
        )
    return ConnectorError(
        f"Weibo refused the call (HTTP {status}): {error}{where}",
        permanent=True,
        code="platform_error",
        platform_code=platform_code,
    )
