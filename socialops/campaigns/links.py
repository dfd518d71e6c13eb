"""Tracked short links: codes, UTM merging, and telling people from crawlers.

Bot filtering is a documented pattern list, not a dependency: the crawlers and link-preview
fetchers that follow links posted on social networks (the ones that matter here) are few and
well known. `crawlerdetect` (PyPI, maintained) covers far more and could replace BOT_PATTERNS.
A request is a bot when its user agent matches, is empty, or it is a prefetch (`Purpose:
prefetch`, `Sec-Purpose: prefetch…`, `X-Moz: prefetch`); HEAD requests are not clicks at all.
"""

from __future__ import annotations

import re
import secrets
import string
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.crypto import salted_hmac

from socialops.core.clock import now

CODE_ALPHABET = string.digits + string.ascii_letters  # base62
CODE_LENGTH = 7
UTM_FIELDS = ("utm_source", "utm_medium", "utm_campaign", "utm_content")

# Crawlers and preview fetchers by the name in their user agent, as (pattern, family).
# Social networks' link previews first: they fetch every link as soon as it is posted.
BOT_PATTERNS: tuple[tuple[str, str], ...] = (
    (r"twitterbot", "Twitterbot"),
    (r"facebookexternalhit|facebookcatalog|meta-externalagent", "Facebook"),
    (r"slackbot|slack-imgproxy", "Slackbot"),
    (r"linkedinbot", "LinkedInBot"),
    (r"telegrambot", "TelegramBot"),
    (r"discordbot", "Discordbot"),
    (r"whatsapp", "WhatsApp preview"),
    (r"skypeuripreview", "Skype preview"),
    (r"pinterest", "Pinterest"),
    (r"redditbot", "redditbot"),
    (r"mastodon/|http\.rb/", "Mastodon preview"),
    (r"bluesky cardyb|cardyb", "Bluesky preview"),
    (r"embedly|iframely|opengraph|metainspector", "Preview service"),
    # Chinese networks and search engines
    (r"weibo.?bot|sinaweibobot|weibo.?spider", "Weibo preview"),
    (r"wechat.?bot|mmspider|wxspider", "WeChat crawler"),
    (r"baiduspider|baidu-yunguance", "Baiduspider"),
    (r"sogou", "Sogou spider"),
    (r"360spider|haosouspider", "360Spider"),
    (r"bytespider|toutiaospider", "Bytespider"),
    (r"yisouspider", "YisouSpider"),
    (r"petalbot", "PetalBot"),
    # search engines elsewhere
    (
        r"googlebot|google-inspectiontool|adsbot-google|mediapartners-google|googleother",
        "Googlebot",
    ),
    (r"bingbot|bingpreview|msnbot", "bingbot"),
    (r"yandex", "YandexBot"),
    (r"duckduckbot|duckassistbot", "DuckDuckBot"),
    (r"applebot", "Applebot"),
    (r"slurp", "Yahoo Slurp"),
    # scripts, headless browsers and monitors
    (r"headlesschrome|phantomjs|puppeteer|playwright|selenium", "Headless browser"),
    (r"^curl/|\bwget/|python-requests|python-urllib|python-httpx|aiohttp|httpie", "Script"),
    (r"go-http-client|java/|okhttp/3\.|libwww-perl|scrapy|node-fetch|axios/|postman", "Script"),
    (r"uptimerobot|pingdom|statuscake|site24x7", "Monitor"),
    # anything that says what it is
    (r"bot\b|crawler|crawl|spider|fetcher|preview", "Other bot"),
)
_BOTS = [(re.compile(pattern, re.IGNORECASE), family) for pattern, family in BOT_PATTERNS]
# Real devices whose names contain "bot" (e.g. CUBOT phones).
_NOT_BOTS = re.compile(r"cubot", re.IGNORECASE)

# Browsers and in-app browsers, most specific first, as (pattern, family).
_BROWSERS = [
    (re.compile(pattern, re.IGNORECASE), family)
    for pattern, family in (
        (r"micromessenger", "WeChat"),
        (r"__weibo__|weibo", "Weibo"),
        (r"\bqq/|mqqbrowser", "QQ"),
        (r"dingtalk", "DingTalk"),
        (r"lark|feishu", "Feishu"),
        (r"aweme|bytedancewebview|douyin", "Douyin"),
        (r"xhsdiscover|xiaohongshu", "Xiaohongshu"),
        (r"ucbrowser|ucweb", "UC Browser"),
        (r"edg/|edge/", "Edge"),
        (r"opr/|opera", "Opera"),
        (r"samsungbrowser", "Samsung Internet"),
        (r"firefox/|fxios/", "Firefox"),
        (r"chrome/|crios/", "Chrome"),
        (r"safari/", "Safari"),
    )
]


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def short_url(code: str) -> str:
    return settings.SITE_URL + reverse("short_link", args=[code])


def with_utm(target_url: str, utm: dict[str, str]) -> str:
    """The target with the UTM parameters merged into its query (ours win; order kept)."""
    parts = urlsplit(target_url)
    given = {key: value for key, value in utm.items() if value}
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in given]
    query.extend(given.items())
    return urlunsplit(parts._replace(query=urlencode(query)))


def bot_family(user_agent: str) -> str | None:
    """The crawler's family name if the user agent is one, else None; empty agents are bots."""
    agent = user_agent.strip()
    if not agent:
        return "No user agent"
    if _NOT_BOTS.search(agent):
        return None
    for pattern, family in _BOTS:
        if pattern.search(agent):
            return family
    return None


def browser_family(user_agent: str) -> str:
    for pattern, family in _BROWSERS:
        if pattern.search(user_agent):
            return family
    return "Other"


def is_prefetch(request: HttpRequest) -> bool:
    purpose = " ".join(
        request.headers.get(name, "") for name in ("Purpose", "Sec-Purpose", "X-Purpose", "X-Moz")
    ).lower()
    return "prefetch" in purpose or "preview" in purpose


def referrer_host(request: HttpRequest) -> str:
    return (urlsplit(request.headers.get("Referer", "")).hostname or "")[:255]


def visitor_hash(request: HttpRequest) -> str:
    """A salted hash of address and agent that changes every day: unique visitors, no IPs."""
    address = request.META.get("REMOTE_ADDR", "")
    agent = request.headers.get("User-Agent", "")
    day = now().date().isoformat()
    return salted_hmac("socialops.short-link-visitor", f"{day}|{address}|{agent}").hexdigest()[:32]
