"""The connector against a real PDS on this machine (tools/pds): nothing here is mocked."""

from __future__ import annotations

import struct
import zlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from socialops.connectors.base import AuthExpired, ConnectorError, Media, PublishRequest
from socialops.connectors.bluesky.connector import BlueskyConnector
from socialops.connectors.bluesky.rkeys import TID_PATTERN

from .conftest import Pds

pytestmark = pytest.mark.pds


def png(width: int = 2, height: int = 2) -> bytes:
    """A real (tiny, grey) PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def connected(pds: Pds, name: str) -> tuple[BlueskyConnector, dict[str, str]]:
    account = pds.create_account(name)
    credentials = BlueskyConnector(credentials={}).connect(
        {"handle": account["handle"], "app_password": account["password"], "service": pds.url}
    )
    return BlueskyConnector(credentials=credentials), account


def read_back(pds: Pds, uri: str) -> dict[str, Any]:
    repo, collection, rkey = uri.removeprefix("at://").split("/")
    answer = httpx.get(
        f"{pds.url}/xrpc/com.atproto.repo.getRecord",
        params={"repo": repo, "collection": collection, "rkey": rkey},
    )
    answer.raise_for_status()
    return answer.json()


def test_it_connects_with_handle_and_app_password(pds: Pds) -> None:
    connector, account = connected(pds, "connect")

    assert connector.credentials["did"] == account["did"]
    assert connector.credentials["handle"] == account["handle"]
    assert connector.credentials["service"] == pds.url
    assert connector.credentials["session"]
    assert pds.started_in < 30


def test_it_refuses_a_wrong_app_password(pds: Pds) -> None:
    account = pds.create_account("wrong")

    with pytest.raises(AuthExpired) as caught:
        BlueskyConnector(credentials={}).connect(
            {"handle": account["handle"], "app_password": "not-it", "service": pds.url}
        )

    assert caught.value.platform_code == "AuthenticationRequired"


def test_it_publishes_facets_on_the_right_utf8_bytes(pds: Pds) -> None:
    connector, _ = connected(pds, "author")
    _, friend = connected(pds, "friend")
    text = f"新品上线🎉 问 @{friend['handle']} 看 https://example.com/新品 #春季新品 👍🏽"

    ref = connector.publish(PublishRequest(text=text), idempotency_key="post-facets")

    record = read_back(pds, ref.remote_id)["value"]
    assert record["text"] == text
    raw = text.encode()
    features = {
        raw[f["index"]["byteStart"] : f["index"]["byteEnd"]].decode(): f["features"][0]
        for f in record["facets"]
    }
    assert features == {
        f"@{friend['handle']}": {"$type": "app.bsky.richtext.facet#mention", "did": friend["did"]},
        "https://example.com/新品": {
            "$type": "app.bsky.richtext.facet#link",
            "uri": "https://example.com/新品",
        },
        "#春季新品": {"$type": "app.bsky.richtext.facet#tag", "tag": "春季新品"},
    }


def test_it_leaves_an_unknown_handle_as_plain_text(pds: Pds) -> None:
    connector, _ = connected(pds, "lonely")

    ref = connector.publish(
        PublishRequest(text="你好 @nobody-here.test"), idempotency_key="unknown-mention"
    )

    assert "facets" not in read_back(pds, ref.remote_id)["value"]


def test_it_uploads_images_with_alt_text(pds: Pds, settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "cover.png").write_bytes(png())
    connector, _ = connected(pds, "images")

    ref = connector.publish(
        PublishRequest(
            text="春季新品",
            media=[Media(kind="image", path="cover.png", mime_type="image/png", alt="新品封面")],
        ),
        idempotency_key="post-image",
    )

    embed = read_back(pds, ref.remote_id)["value"]["embed"]
    assert embed["$type"] == "app.bsky.embed.images"
    assert embed["images"][0]["alt"] == "新品封面"
    blob = embed["images"][0]["image"]
    assert (blob["mimeType"], blob["size"]) == ("image/png", len(png()))
    served = httpx.get(
        f"{pds.url}/xrpc/com.atproto.sync.getBlob",
        params={"did": connector.credentials["did"], "cid": blob["ref"]["$link"]},
    )
    assert served.content == png()


def test_it_refuses_an_image_over_the_blob_limit(pds: Pds, settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "huge.png").write_bytes(png() + b"\x00" * 1_000_000)
    connector, _ = connected(pds, "huge")
    request = PublishRequest(
        text="太大了", media=[Media(kind="image", path="huge.png", mime_type="image/png")]
    )

    with pytest.raises(ConnectorError) as caught:
        connector.publish(request, idempotency_key="post-huge")

    assert (caught.value.code, caught.value.permanent) == ("media_too_large", True)
    assert (
        connector.find_published(
            idempotency_key="post-huge", since=datetime(2025, 1, 1, tzinfo=UTC)
        )
        is None
    )


def test_it_never_publishes_one_key_twice(pds: Pds) -> None:
    connector, _ = connected(pds, "retry")
    since = datetime(2025, 1, 1, tzinfo=UTC)
    assert connector.find_published(idempotency_key="launch", since=since) is None

    first = connector.publish(PublishRequest(text="发布一次"), idempotency_key="launch")
    again = connector.publish(PublishRequest(text="发布一次"), idempotency_key="launch")
    found = connector.find_published(idempotency_key="launch", since=since)

    assert TID_PATTERN.match(first.remote_id.rsplit("/", 1)[1])
    assert again.remote_id == first.remote_id
    assert found is not None and found.remote_id == first.remote_id
    assert found.extra["cid"] == first.extra["cid"]
    listed = httpx.get(
        f"{pds.url}/xrpc/com.atproto.repo.listRecords",
        params={"repo": connector.credentials["did"], "collection": "app.bsky.feed.post"},
    ).json()["records"]
    assert [r["uri"] for r in listed] == [first.remote_id]


def test_it_replies_with_root_and_parent(pds: Pds) -> None:
    connector, _ = connected(pds, "thread")
    root = connector.publish(PublishRequest(text="第一条"), idempotency_key="root")
    middle = connector.publish(PublishRequest(text="第二条", reply_to=root), idempotency_key="mid")

    last = connector.publish(PublishRequest(text="第三条", reply_to=middle), idempotency_key="end")

    reply = read_back(pds, last.remote_id)["value"]["reply"]
    assert reply["root"] == {"uri": root.remote_id, "cid": root.extra["cid"]}
    assert reply["parent"] == {"uri": middle.remote_id, "cid": middle.extra["cid"]}


def test_it_updates_and_reads_the_profile_record(pds: Pds, settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "avatar.png").write_bytes(png(4, 4))
    connector, account = connected(pds, "profile")

    profile = connector.update_profile(
        {"display_name": "Acme 官方", "bio": "春季新品 🌸", "avatar": "avatar.png"}
    )
    renamed = connector.update_profile({"display_name": "Acme"})

    assert (profile.display_name, profile.bio) == ("Acme 官方", "春季新品 🌸")
    assert profile.handle == account["handle"]
    assert httpx.get(profile.avatar_url).content == png(4, 4)
    assert (renamed.display_name, renamed.bio) == ("Acme", "春季新品 🌸")
    assert renamed.avatar_url == profile.avatar_url


def test_it_says_metrics_need_an_appview(pds: Pds) -> None:
    connector, _ = connected(pds, "metrics")
    ref = connector.publish(PublishRequest(text="数数"), idempotency_key="count-me")

    with pytest.raises(ConnectorError) as caught:
        connector.fetch_metrics([ref])

    assert caught.value.code == "appview_unavailable"
    assert "AppView" in caught.value.message


def test_it_deletes_a_post(pds: Pds) -> None:
    connector, _ = connected(pds, "delete")
    ref = connector.publish(PublishRequest(text="删掉我"), idempotency_key="delete-me")

    connector.delete(ref)

    assert (
        connector.find_published(
            idempotency_key="delete-me", since=datetime(2025, 1, 1, tzinfo=UTC)
        )
        is None
    )
