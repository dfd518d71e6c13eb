from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import httpx
import pytest
import respx

from socialops.connectors.base import (
    Article,
    ConnectorError,
    Media,
    OutcomeUnknown,
    PublishRequest,
    RemoteRef,
)

from .conftest import API, NOW, fixture, make, sent

PUBLISH_ID = "100000001"


def article_request(tmp_path: Path, *, body_image: bool = False) -> PublishRequest:
    cover = tmp_path / "cover.jpg"
    cover.write_bytes(b"\xff\xd8\xff\xe0 jpeg")
    media: tuple[Media, ...] = ()
    if body_image:
        inline = tmp_path / "inline.png"
        inline.write_bytes(b"\x89PNG png")
        media = (Media(kind="image", path=str(inline), mime_type="image/png"),)
    return PublishRequest(
        text="",
        media=media,
        article=Article(
            title="春季新品发布",
            html="<p>三款新品今日上市。</p>",
            author="市场部",
            digest="三款新品今日上市",
            cover=Media(kind="image", path=str(cover), mime_type="image/jpeg"),
            source_url="https://www.example.com/spring",
        ),
    )


def test_it_publishes_an_article_through_draft_and_free_publish(
    wechat: respx.MockRouter, tmp_path: Path
) -> None:
    material = wechat.post(API + "material/add_material").respond(json=fixture("add_material"))
    uploadimg = wechat.post(API + "media/uploadimg").respond(json=fixture("uploadimg"))
    draft = wechat.post(API + "draft/add").respond(json=fixture("draft_add"))
    submit = wechat.post(API + "freepublish/submit").respond(json=fixture("freepublish_submit"))

    ref = make().publish(article_request(tmp_path, body_image=True), idempotency_key="k1")

    assert material.calls.last.request.url.params["type"] == "image"
    assert b'name="media"; filename="cover.jpg"' in material.calls.last.request.content
    assert b'filename="inline.png"' in uploadimg.calls.last.request.content
    (article,) = sent(draft.calls.last)["articles"]
    assert article == {
        "title": "春季新品发布",
        "author": "市场部",
        "digest": "三款新品今日上市",
        "content": '<p>三款新品今日上市。</p><p><img src="http://mmbiz.qpic.cn/mmbiz_png/body456/0"/></p>',
        "content_source_url": "https://www.example.com/spring",
        "thumb_media_id": "vSk8MK1NbKS7XW5Yr2DYVGxBmLBqzjX9N3YbGzA1Dw0",
        "need_open_comment": 1,
        "only_fans_can_comment": 0,
    }
    assert "春季".encode() in draft.calls.last.request.content  # raw UTF-8, not \\u escapes
    assert sent(submit.calls.last) == {"media_id": "vSk8MK1NbKS7XW5Yr2DYVBrWbqHO9nIrl7K3W9TVwa8"}
    assert ref.remote_id == PUBLISH_ID
    assert ref.extra["publish_id"] == PUBLISH_ID
    assert ref.extra["msg_data_id"] == "2247483780"
    assert ref.extra["state"] == "publishing"


def test_it_refuses_a_post_without_an_article() -> None:
    with pytest.raises(ConnectorError) as caught:
        make().publish(PublishRequest(text="hello"), idempotency_key="k1")

    assert caught.value.permanent and caught.value.code == "article_required"


def test_it_refuses_a_cover_of_the_wrong_type(tmp_path: Path) -> None:
    video = tmp_path / "clip.mp4"
    video.write_bytes(b"mp4")

    with pytest.raises(ConnectorError) as caught:
        make().upload_image_material(Media(kind="video", path=str(video), mime_type="video/mp4"))

    assert caught.value.code == "media_rejected"


def test_it_reports_a_published_article(wechat: respx.MockRouter) -> None:
    route = wechat.post(API + "freepublish/get").respond(json=fixture("freepublish_get_success"))

    status = make().publication_status(RemoteRef(PUBLISH_ID, extra={"publish_id": PUBLISH_ID}))

    assert sent(route.calls.last) == {"publish_id": PUBLISH_ID}
    assert status.state == "published"
    assert status.ref.remote_id == "Vs6cN-EWuSPmg8yQk4yE4hkT9n8L0c7wHQ7fSJMzl_k"
    assert status.ref.url == "https://mp.weixin.qq.com/s/Vs6cN-EWuSPmg8yQk4yE4h"
    assert status.ref.published_at == NOW
    assert status.ref.extra["publish_id"] == PUBLISH_ID


def test_it_reports_an_article_still_publishing(wechat: respx.MockRouter) -> None:
    wechat.post(API + "freepublish/get").respond(json=fixture("freepublish_get_publishing"))

    status = make().publication_status(RemoteRef(PUBLISH_ID, extra={"publish_id": PUBLISH_ID}))

    assert status.state == "publishing"
    assert status.ref.remote_id == PUBLISH_ID


@pytest.mark.parametrize(
    ("publish_status", "reason"),
    [
        (2, "the originality (原创) check failed"),
        (3, "publishing failed"),
        (4, "the platform review refused the article"),
        (5, "published, then every article was deleted by the account"),
        (6, "published, then every article was banned by the platform"),
    ],
)
def test_it_reports_a_failed_publication_with_the_reason(
    wechat: respx.MockRouter, publish_status: int, reason: str
) -> None:
    answer = {**fixture("freepublish_get_failed"), "publish_status": publish_status}
    wechat.post(API + "freepublish/get").respond(json=answer)

    status = make().publication_status(RemoteRef(PUBLISH_ID, extra={"publish_id": PUBLISH_ID}))

    assert status.state == "failed"
    assert status.reason == reason
    assert status.failed_indexes == (1,)
    assert status.ref.extra["publish_status"] == publish_status


def test_it_calls_a_submit_timeout_an_unknown_outcome(
    wechat: respx.MockRouter, tmp_path: Path
) -> None:
    wechat.post(API + "material/add_material").respond(json=fixture("add_material"))
    wechat.post(API + "draft/add").respond(json=fixture("draft_add"))
    wechat.post(API + "freepublish/submit").mock(side_effect=httpx.ReadTimeout("slow"))

    with pytest.raises(OutcomeUnknown):
        make().publish(article_request(tmp_path), idempotency_key="k1")


def test_it_treats_a_draft_timeout_as_safe_to_retry(
    wechat: respx.MockRouter, tmp_path: Path
) -> None:
    wechat.post(API + "material/add_material").respond(json=fixture("add_material"))
    wechat.post(API + "draft/add").mock(side_effect=httpx.ReadTimeout("slow"))

    with pytest.raises(ConnectorError) as caught:
        make().publish(article_request(tmp_path), idempotency_key="k1")

    assert not isinstance(caught.value, OutcomeUnknown)
    assert not caught.value.permanent


def test_it_reconciles_a_timed_out_submit_from_the_published_list(
    wechat: respx.MockRouter, tmp_path: Path
) -> None:
    route = wechat.post(API + "freepublish/batchget").respond(json=fixture("freepublish_batchget"))

    ref = make().find_published(
        idempotency_key="k1", since=NOW - timedelta(minutes=1), request=article_request(tmp_path)
    )

    assert sent(route.calls.last) == {"offset": 0, "count": 20, "no_content": 1}
    assert ref is not None
    assert ref.remote_id == "Vs6cN-EWuSPmg8yQk4yE4hkT9n8L0c7wHQ7fSJMzl_k"
    assert ref.url == "https://mp.weixin.qq.com/s/Vs6cN-EWuSPmg8yQk4yE4h"


def test_it_finds_nothing_when_no_recent_article_matches(
    wechat: respx.MockRouter, tmp_path: Path
) -> None:
    wechat.post(API + "freepublish/batchget").respond(json=fixture("freepublish_batchget"))

    ref = make().find_published(
        idempotency_key="k1", since=NOW + timedelta(minutes=1), request=article_request(tmp_path)
    )

    assert ref is None
