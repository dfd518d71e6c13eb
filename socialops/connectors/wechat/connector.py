"""WeChat Official Account (公众号) over its HTTP API (https://developers.weixin.qq.com/doc/offiaccount/).

Why httpx and not wechatpy: the newest wechatpy on PyPI is 1.8.18 (no 2.x release); it is built
on requests (which respx cannot mock, and the rest of the project speaks httpx), its token cache is
a session-storage object rather than the credentials the channels layer persists, and it predates
the draft/freepublish and stable_token APIs. The signature and AES parts are a few lines over
``cryptography`` (callbacks.py).

Publishing is asynchronous on WeChat: draft/add makes a draft, freepublish/submit starts a publish
task and answers a publish_id; freepublish/get reports the task's status later. publish() returns
a RemoteRef whose remote_id and extra["publish_id"] are the task; publication_status(ref) polls it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar

from socialops.connectors import registry
from socialops.connectors.base import (
    Article,
    AuthKind,
    Author,
    Capability,
    ConnectField,
    Connector,
    ConnectorError,
    InboxItem,
    InboxPage,
    Media,
    OutcomeUnknown,
    PublishRequest,
    RemoteRef,
)
from socialops.core import clock

from .client import WechatClient, malformed

IMAGE_TYPES = {"image/jpeg", "image/png", "image/gif", "image/bmp"}
COVER_MAX_BYTES = 10 * 1024 * 1024  # permanent image material
BODY_IMAGE_MAX_BYTES = 1024 * 1024  # media/uploadimg: jpg/png under 1 MB
REPLY_WINDOW = timedelta(hours=48)
COMMENTS_PAGE = 50
RECONCILE_WINDOW = 20  # freepublish/batchget returns at most 20 a call

# freepublish/get publish_status → (our state, reason)
PUBLISH_STATES = {
    0: ("published", ""),
    1: ("publishing", ""),
    2: ("failed", "the originality (原创) check failed"),
    3: ("failed", "publishing failed"),
    4: ("failed", "the platform review refused the article"),
    5: ("failed", "published, then every article was deleted by the account"),
    6: ("failed", "published, then every article was banned by the platform"),
}


@dataclass(frozen=True)
class PublicationStatus:
    """Where a publish task stands: "published", "publishing" or "failed" (with why)."""

    state: str
    ref: RemoteRef
    reason: str = ""
    failed_indexes: tuple[int, ...] = ()


@registry.register
class WechatConnector(Connector):
    code = "wechat"
    name = "WeChat Official Account"
    auth_kind = AuthKind.FORM
    text_rules = "wechat"
    capabilities = frozenset(
        {
            Capability.PUBLISH_ARTICLE,
            Capability.PUBLISH_IMAGE,
            Capability.DELETE,
            Capability.COMMENTS,
            Capability.DMS,
            Capability.REPLY,
        }
    )
    connect_fields: ClassVar[tuple[ConnectField, ...]] = (
        ConnectField("app_id", "AppID (开发者ID)", help="e.g. wx1234567890abcdef"),
        ConnectField("app_secret", "AppSecret (开发者密码)", secret=True),
        ConnectField("token", "Callback token (令牌)", secret=True),
        ConnectField(
            "encoding_aes_key",
            "EncodingAESKey (消息加解密密钥)",
            secret=True,
            required=False,
            help="43 characters; needed for the safe (encrypted) message mode",
        ),
        ConnectField("original_id", "Original ID (原始ID)", help="e.g. gh_1a2b3c4d5e6f"),
    )

    def __init__(
        self, *, credentials: Mapping[str, Any], config: Mapping[str, Any] | None = None
    ) -> None:
        super().__init__(credentials=credentials, config=config)
        self.client = self._client(self.credentials)

    def _client(self, credentials: Mapping[str, Any]) -> WechatClient:
        return WechatClient(
            app_id=str(self.config.get("app_id") or credentials.get("app_id") or ""),
            app_secret=str(credentials.get("app_secret") or ""),
            access_token=str(credentials.get("access_token") or ""),
            expires_at=str(credentials.get("expires_at") or ""),
            grant_endpoint=str(self.config.get("token_api") or "stable_token"),
        )

    # ---- connecting ---------------------------------------------------------------------

    def connect(self, fields: Mapping[str, str]) -> dict[str, Any]:
        """Check the app id and secret by fetching a token; the credentials to store."""
        aes_key = fields.get("encoding_aes_key", "").strip()
        if aes_key and len(aes_key) != 43:
            raise ConnectorError(
                "the EncodingAESKey must be 43 characters", permanent=True, code="bad_request"
            )
        credentials = {
            "app_secret": fields["app_secret"].strip(),
            "token": fields["token"].strip(),
            "encoding_aes_key": aes_key,
            "remote_id": fields["original_id"].strip(),
        }
        self.config.setdefault("app_id", fields["app_id"].strip())
        self.client = self._client(credentials)
        self.client.fetch_token()
        return {**credentials, **self.client.credentials()}

    def open_push_endpoint(self, *, key: str, workspace_id: int) -> str:
        """Register the message callback for this account; the URL to paste into 服务器配置."""
        from django.conf import settings
        from django.urls import reverse

        from socialops.accounts.models import Workspace

        from . import actions

        actions.register_endpoint(
            key=key,
            app_id=str(self.config.get("app_id") or ""),
            token=str(self.credentials.get("token") or ""),
            encoding_aes_key=str(self.credentials.get("encoding_aes_key") or ""),
            workspace=Workspace.objects.filter(pk=workspace_id).first(),
        )
        return settings.SITE_URL + reverse("wechat_callback", args=[key])

    def close_push_endpoint(self, *, key: str) -> None:
        from . import actions

        actions.remove_endpoint(key=key)

    def refreshed_credentials(self) -> dict[str, Any] | None:
        if not self.client.renewed:
            return None
        return {**self.credentials, **self.client.credentials()}

    # ---- media --------------------------------------------------------------------------

    def upload_image_material(self, media: Media) -> dict[str, str]:
        """A permanent image (e.g. an article cover): {"media_id", "url"}."""
        body = self.client.call(
            "POST",
            "material/add_material",
            params={"type": "image"},
            files={"media": _file(media, COVER_MAX_BYTES)},
            write=True,
        )
        if not body.get("media_id"):
            raise malformed("WeChat answered add_material without a media_id")
        return {"media_id": str(body["media_id"]), "url": str(body.get("url") or "")}

    def upload_body_image(self, media: Media) -> str:
        """An image to show inside an article's HTML: its mmbiz URL."""
        body = self.client.call(
            "POST",
            "media/uploadimg",
            files={"media": _file(media, BODY_IMAGE_MAX_BYTES)},
            write=True,
        )
        if not body.get("url"):
            raise malformed("WeChat answered uploadimg without a url")
        return str(body["url"])

    # ---- publishing ---------------------------------------------------------------------

    def publish(self, request: PublishRequest, *, idempotency_key: str) -> RemoteRef:
        article = request.article
        if article is None:
            raise ConnectorError(
                "WeChat Official Accounts publish articles: the post needs an article",
                permanent=True,
                code="article_required",
            )
        thumb_media_id = self._cover(article)
        content = article.html + "".join(
            f'<p><img src="{self.upload_body_image(media)}"/></p>'
            for media in request.media
            if media.kind == "image"
        )
        try:
            draft = self.client.call(
                "POST",
                "draft/add",
                json={
                    "articles": [
                        {
                            "title": article.title,
                            "author": article.author,
                            "digest": article.digest,
                            "content": content,
                            "content_source_url": article.source_url or request.link,
                            "thumb_media_id": thumb_media_id,
                            "need_open_comment": 1,
                            "only_fans_can_comment": 0,
                        }
                    ]
                },
                write=True,
            )
        except OutcomeUnknown as exc:
            # A lost draft is invisible to readers: making another one is harmless.
            raise ConnectorError(exc.message, permanent=False, code="timeout") from exc
        media_id = str(draft.get("media_id") or "")
        if not media_id:
            raise malformed("WeChat answered draft/add without a media_id")
        submitted = self.client.call(
            "POST", "freepublish/submit", json={"media_id": media_id}, write=True
        )
        publish_id = str(submitted.get("publish_id") or "")
        if not publish_id:
            raise OutcomeUnknown("WeChat answered freepublish/submit without a publish_id")
        return RemoteRef(
            remote_id=publish_id,
            extra={
                "publish_id": publish_id,
                "media_id": media_id,
                "msg_data_id": str(submitted.get("msg_data_id") or ""),
                "state": "publishing",
            },
        )

    def _cover(self, article: Article) -> str:
        if article.cover is not None:
            return self.upload_image_material(article.cover)["media_id"]
        default = str(self.config.get("default_thumb_media_id") or "")
        if not default:
            raise ConnectorError(
                "a WeChat article needs a cover image", permanent=True, code="cover_required"
            )
        return default

    def publication_status(self, ref: RemoteRef) -> PublicationStatus:
        """Poll a publish task (freepublish/get)."""
        publish_id = str(ref.extra.get("publish_id") or ref.remote_id)
        body = self.client.call(
            "POST", "freepublish/get", json={"publish_id": publish_id}, write=False
        )
        try:
            status = int(body["publish_status"])
            state, reason = PUBLISH_STATES[status]
        except (KeyError, TypeError, ValueError) as exc:
            raise malformed("WeChat answered freepublish/get without a known status") from exc
        extra = {**ref.extra, "publish_id": publish_id, "publish_status": status, "state": state}
        failed = tuple(int(i) for i in body.get("fail_idx") or ())
        if status != 0:
            return PublicationStatus(state, RemoteRef(ref.remote_id, extra=extra), reason, failed)
        article_id = str(body.get("article_id") or "")
        items = (body.get("article_detail") or {}).get("item") or []
        url = str(items[0].get("article_url") or "") if items else ""
        return PublicationStatus(
            state,
            RemoteRef(
                remote_id=article_id,
                url=url,
                published_at=clock.now(),
                extra={**extra, "article_id": article_id},
            ),
        )

    def find_published(
        self,
        *,
        idempotency_key: str,
        since: datetime,
        request: PublishRequest | None = None,
    ) -> RemoteRef | None:
        """Find an article whose submit timed out among the latest published (batchget)."""
        if request is None or request.article is None:
            return None
        body = self.client.call(
            "POST",
            "freepublish/batchget",
            json={"offset": 0, "count": RECONCILE_WINDOW, "no_content": 1},
            write=False,
        )
        wanted = request.article
        for item in body.get("item") or []:
            updated = datetime.fromtimestamp(int(item.get("update_time") or 0), tz=UTC)
            if updated < since:
                continue
            for news in (item.get("content") or {}).get("news_item") or []:
                if news.get("title") != wanted.title:
                    continue
                if wanted.digest and news.get("digest") != wanted.digest:
                    continue
                article_id = str(item.get("article_id") or "")
                return RemoteRef(
                    remote_id=article_id,
                    url=str(news.get("url") or ""),
                    published_at=updated,
                    extra={"article_id": article_id, "state": "published"},
                )
        return None

    def delete(self, ref: RemoteRef) -> None:
        article_id = str(ref.extra.get("article_id") or ref.remote_id)
        self.client.call(
            "POST", "freepublish/delete", json={"article_id": article_id, "index": 0}, write=True
        )

    # ---- comments and messages ------------------------------------------------------------

    def fetch_inbox(self, cursor: str | None) -> InboxPage:
        """New comments on the articles in config["comment_articles"] ([{msg_data_id, index}]).

        Direct messages arrive through the callback endpoint, not here. The cursor is the newest
        comment time seen, per article, as JSON.
        """
        seen: dict[str, int] = json.loads(cursor) if cursor else {}
        items: list[InboxItem] = []
        for article in self.config.get("comment_articles") or []:
            msg_data_id, index = str(article["msg_data_id"]), int(article.get("index", 0))
            thread = f"{msg_data_id}:{index}"
            body = self.client.call(
                "POST",
                "comment/list",
                json={
                    "msg_data_id": msg_data_id,
                    "index": index,
                    "begin": 0,
                    "count": COMMENTS_PAGE,
                    "type": 0,
                },
                write=False,
            )
            newest = seen.get(thread, 0)
            for comment in body.get("comment") or []:
                created = int(comment.get("create_time") or 0)
                if created <= seen.get(thread, 0):
                    continue
                newest = max(newest, created)
                items.append(_comment_item(comment, msg_data_id, index, thread, created))
            seen[thread] = newest
        return InboxPage(items=items, cursor=json.dumps(seen, sort_keys=True))

    def reply(self, item: InboxItem, text: str, *, idempotency_key: str) -> RemoteRef:
        if item.kind == "comment":
            raw = item.raw
            self.client.call(
                "POST",
                "comment/reply/add",
                json={
                    "msg_data_id": str(raw["msg_data_id"]),
                    "index": int(raw.get("index", 0)),
                    "user_comment_id": str(raw["user_comment_id"]),
                    "content": text,
                },
                write=True,
            )
            return RemoteRef(remote_id=f"{item.remote_id}:reply", extra={"kind": "comment_reply"})
        if item.kind == "dm":
            self._check_reply_window(item)
            self.client.call(
                "POST",
                "message/custom/send",
                json={
                    "touser": item.author.remote_id,
                    "msgtype": "text",
                    "text": {"content": text},
                },
                write=True,
            )
            return RemoteRef(remote_id=f"{item.remote_id}:reply", extra={"kind": "custom_message"})
        raise ConnectorError(f"cannot reply to a {item.kind} on WeChat", permanent=True)

    def _check_reply_window(self, item: InboxItem) -> None:
        """WeChat refuses customer-service messages 48 h after the user's last message (45015)."""
        last = _last_message_at(item)
        if last is None or clock.now() - last > REPLY_WINDOW:
            raise ConnectorError(
                "WeChat only allows a reply within 48 hours of the user's last message",
                permanent=True,
                code="outside_reply_window",
                platform_code="45015",
            )

    def fetch_user(self, openid: str) -> Author:
        """A follower's public information (cgi-bin/user/info)."""
        body = self.client.call(
            "GET", "user/info", params={"openid": openid, "lang": "zh_CN"}, write=False
        )
        return Author(
            remote_id=str(body.get("openid") or openid),
            handle=str(body.get("openid") or openid),
            name=str(body.get("remark") or body.get("nickname") or ""),
            avatar_url=str(body.get("headimgurl") or ""),
        )


def _comment_item(
    comment: Mapping[str, Any], msg_data_id: str, index: int, thread: str, created: int
) -> InboxItem:
    openid = str(comment.get("openid") or "")
    user_comment_id = str(comment.get("user_comment_id") or "")
    return InboxItem(
        kind="comment",
        remote_id=f"{thread}:{user_comment_id}",
        author=Author(remote_id=openid, handle=openid),
        text=str(comment.get("content") or ""),
        created_at=datetime.fromtimestamp(created, tz=UTC),
        thread_id=thread,
        raw={**comment, "msg_data_id": msg_data_id, "index": index},
    )


def _last_message_at(item: InboxItem) -> datetime | None:
    """The user's last message time: raw["last_message_at"] (ISO) or the callback's CreateTime."""
    value: Any = item.raw.get("last_message_at") or item.raw.get("CreateTime")
    if value is None or value == "":
        return None
    try:
        return datetime.fromtimestamp(int(value), tz=UTC)
    except (TypeError, ValueError):
        pass
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else None


def _file(media: Media, max_bytes: int) -> tuple[str, bytes, str]:
    if media.kind != "image" or media.mime_type not in IMAGE_TYPES:
        raise ConnectorError(
            f"WeChat takes JPG, PNG, GIF or BMP images, not {media.mime_type}",
            permanent=True,
            code="media_rejected",
        )
    path = Path(media.path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConnectorError(
            f"cannot read {media.path}", permanent=True, code="media_missing"
        ) from exc
    if len(data) > max_bytes:
        raise ConnectorError(
            f"image too large for WeChat: {len(data)} bytes, at most {max_bytes}",
            permanent=True,
            code="media_rejected",
        )
    return path.name, data, media.mime_type
