"""Platforms without an open API: publishing is a task for a person, metrics are typed or imported.

The publishing engine sees Capability.MANUAL_PUBLISH and, instead of calling publish(), turns the
variant into a task with prepare_task(): copy-ready text, the media to upload, and where to paste
the link of the published post back (record_published checks it belongs to the platform).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar
from urllib.parse import urlsplit

from django.utils.translation import gettext_lazy as _

from socialops.connectors import registry
from socialops.connectors.base import (
    Capability,
    ConnectField,
    Connector,
    ConnectorError,
    Media,
    Metrics,
    PublishRequest,
    RemoteRef,
)
from socialops.core import clock

# Hosts a published post's link may have, per platform code (short-link hosts included).
POST_HOSTS: dict[str, tuple[str, ...]] = {
    "douban": ("douban.com",),
    "xiaohongshu": ("xiaohongshu.com", "xhslink.com"),
    "douyin": ("douyin.com", "iesdouyin.com"),
    "kuaishou": ("kuaishou.com", "gifshow.com", "chenzhongtech.com"),
    "bilibili": ("bilibili.com", "b23.tv"),
    "zhihu": ("zhihu.com",),
    "qzone": ("qzone.qq.com", "qq.com"),
    "sina_blog": ("blog.sina.com.cn", "sina.com.cn"),
    "wechat_channels": ("weixin.qq.com", "channels.weixin.qq.com"),
    "weibo": ("weibo.com", "weibo.cn"),
    "wechat": ("mp.weixin.qq.com",),
    "x": ("x.com", "twitter.com"),
    "linkedin": ("linkedin.com", "lnkd.in"),
    "telegram": ("t.me",),
}

METRIC_COLUMNS = ("impressions", "likes", "reposts", "comments", "clicks")
MAX_CSV_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class ManualTask:
    """What a person needs to publish by hand."""

    platform: str
    text: str
    media: tuple[Media, ...]
    title: str = ""
    link: str = ""
    first_comment: str = ""


@dataclass(frozen=True)
class MetricsRow:
    line: int
    metrics: Metrics


@dataclass(frozen=True)
class CsvProblem:
    line: int
    column: str
    message: str


@registry.register
class ManualConnector(Connector):
    code = "manual"
    name = "Manual publishing"
    connect_fields = (
        ConnectField("platform", _("Platform code (e.g. xiaohongshu, douyin, douban)")),
        ConnectField("handle", _("Account name on the platform")),
        ConnectField("url", _("Profile link"), required=False),
    )
    capabilities: ClassVar[frozenset[Capability]] = frozenset({Capability.MANUAL_PUBLISH})

    @property
    def platform(self) -> str:
        return str(self.config.get("platform") or self.credentials.get("platform") or "")

    def connect(self, fields: Mapping[str, str]) -> dict[str, Any]:
        platform = (fields.get("platform") or "").strip().lower()
        handle = (fields.get("handle") or "").strip()
        if platform not in POST_HOSTS:
            raise ConnectorError(
                f"unknown platform {platform!r}; one of: {', '.join(sorted(POST_HOSTS))}",
                permanent=True,
                code="invalid_platform",
            )
        if not handle:
            raise ConnectorError("give the account name", permanent=True, code="invalid_handle")
        url = (fields.get("url") or "").strip()
        if url:
            _check_host(platform, url)
        return {"platform": platform, "handle": handle, "url": url}

    def prepare_task(self, request: PublishRequest) -> ManualTask:
        """The copy-ready task for a person; nothing is sent anywhere."""
        article = request.article
        return ManualTask(
            platform=self.platform,
            text=request.text,
            media=tuple(request.media) + ((article.cover,) if article and article.cover else ()),
            title=article.title if article else "",
            link=request.link,
            first_comment=request.first_comment,
        )

    def record_published(self, url: str, *, published_at: datetime | None = None) -> RemoteRef:
        """The link a person pasted back, checked to be a post on this account's platform."""
        url = url.strip()
        _check_host(self.platform, url)
        return RemoteRef(remote_id=url, url=url, published_at=published_at or clock.now())

    def import_metrics_csv(self, data: bytes) -> tuple[list[MetricsRow], list[CsvProblem]]:
        """Rows of `url,impressions,likes,reposts,comments,clicks` (any subset of the counts)."""
        if len(data) > MAX_CSV_BYTES:
            return [], [CsvProblem(0, "", f"file is larger than {MAX_CSV_BYTES} bytes")]
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            return [], [CsvProblem(0, "", "file is not UTF-8 text")]
        reader = csv.DictReader(io.StringIO(text))
        header = [name.strip().lower() for name in reader.fieldnames or []]
        if "url" not in header:
            return [], [CsvProblem(1, "url", "the header must have a url column")]
        reader.fieldnames = header
        rows: list[MetricsRow] = []
        problems: list[CsvProblem] = []
        for line, record in enumerate(reader, start=2):
            row, row_problems = self._metrics_row(line, record)
            problems.extend(row_problems)
            if row is not None:
                rows.append(row)
        return rows, problems

    def _metrics_row(
        self, line: int, record: Mapping[str, str | None]
    ) -> tuple[MetricsRow | None, list[CsvProblem]]:
        url = (record.get("url") or "").strip()
        problems: list[CsvProblem] = []
        try:
            _check_host(self.platform, url)
        except ConnectorError as exc:
            problems.append(CsvProblem(line, "url", exc.message))
        counts: dict[str, int | None] = {}
        for column in METRIC_COLUMNS:
            raw = (record.get(column) or "").strip().replace(",", "")
            if not raw:
                counts[column] = None
            elif raw.isdigit():
                counts[column] = int(raw)
            else:
                problems.append(CsvProblem(line, column, f"{raw!r} is not a whole number"))
        if problems:
            return None, problems
        metrics = Metrics(
            remote_id=url,
            collected_at=clock.now(),
            impressions=counts["impressions"],
            likes=counts["likes"],
            reposts=counts["reposts"],
            comments=counts["comments"],
            clicks=counts["clicks"],
        )
        return MetricsRow(line, metrics), []


def _check_host(platform: str, url: str) -> None:
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    allowed = POST_HOSTS.get(platform, ())
    if parts.scheme not in ("http", "https") or not host:
        raise ConnectorError(f"{url!r} is not a web link", permanent=True, code="invalid_link")
    if not any(host == known or host.endswith("." + known) for known in allowed):
        raise ConnectorError(
            f"{host} is not a {platform} address (expected {', '.join(allowed)})",
            permanent=True,
            code="invalid_link",
        )
