"""The library through the API: list and search, add, upload, edit, archive, usage, fit, file."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from socialops.conftest import API, error_of
from socialops.content import actions
from socialops.content.models import Asset
from socialops.core.clock import now
from socialops.core.models import AuditEvent

from .test_library import add_image, image_bytes, media_root  # noqa: F401 - a fixture


def post_file(client, name: str, data: bytes, **fields):
    return client.client.post(
        API + "/assets/upload", {"file": SimpleUploadedFile(name, data), **fields}
    )


def test_it_uploads_an_image_with_its_fields(team):
    carol = team.api("carol")

    response = post_file(
        carol,
        "新品海报.png",
        image_bytes(),
        title="新品主视觉",
        tags=["新品", "海报"],
        rights="licensed",
        rights_holder="某图库",
        expires_at="2030-01-01T00:00+08:00",
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["kind"] == "image"
    assert body["mime_type"] == "image/png"
    assert (body["width"], body["height"]) == (64, 48)
    assert body["tags"] == ["新品", "海报"]
    assert body["rights_state"] == "ok"
    assert body["expires_at"].startswith("2029-12-31T16:00")
    assert AuditEvent.objects.get(action="asset.created").via == "api"


def test_it_answers_200_with_the_existing_asset_for_the_same_file(team):
    carol = team.api("carol")
    first = post_file(carol, "a.png", image_bytes()).json()

    again = post_file(carol, "b.png", image_bytes())

    assert again.status_code == 200
    assert again.json()["id"] == first["id"]
    assert Asset.objects.count() == 1


def test_it_refuses_a_fake_jpg_with_422_on_file(team):
    response = post_file(team.api("carol"), "photo.jpg", b"GIF? no: just text pretending")

    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == "invalid"
    assert "不是有效的图片" in error["fields"]["file"]  # zh-hans, the default
    assert not Asset.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"kind": "poster"}, "kind"),
        ({"rights": "stolen"}, "rights"),
        ({"expires_at": "next week"}, "expires_at"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_it_refuses_bad_upload_fields_by_name(team, fields, field):
    response = post_file(team.api("carol"), "a.png", image_bytes(), **fields)

    assert response.status_code == 422
    assert field in error_of(response)["fields"]
    assert not Asset.objects.exists()


def test_it_needs_a_multipart_body_with_a_file(team):
    carol = team.api("carol")

    as_json = carol.post("/assets/upload", {"title": "x"})
    without_file = carol.client.post(API + "/assets/upload", {"title": "x"})

    assert as_json.status_code == 415
    assert error_of(as_json)["code"] == "unsupported_media_type"
    assert without_file.status_code == 422
    assert error_of(without_file)["fields"] == {"file": "required"}


def test_it_takes_uploads_over_the_json_body_limit_up_to_the_upload_limit(team, settings):
    settings.API_MAX_BODY_BYTES = 1000
    settings.API_MAX_UPLOAD_BYTES = 200_000
    big = image_bytes(size=(300, 300))
    noise = bytes(range(256)) * 100  # a text description that makes the body big

    ok = post_file(team.api("carol"), "big.png", big, text=noise.hex()[:40_000])
    too_big = post_file(team.api("carol"), "big2.png", big + b"\x00" * 250_000)
    json_too_big = team.api("carol").post(
        "/assets", {"kind": "snippet", "title": "t", "text": "长" * 2000}
    )

    assert ok.status_code == 201, ok.content[:300]
    assert too_big.status_code == 413
    assert json_too_big.status_code == 413


def test_it_ignores_the_idempotency_key_on_uploads_and_finds_the_repeat_by_content(team):
    carol = team.api("carol")
    headers = {"HTTP_IDEMPOTENCY_KEY": "upload-1"}

    first = carol.client.post(
        API + "/assets/upload", {"file": SimpleUploadedFile("a.png", image_bytes())}, **headers
    )
    second = carol.client.post(
        API + "/assets/upload", {"file": SimpleUploadedFile("a.png", image_bytes())}, **headers
    )

    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]


def test_it_adds_snippets_and_links_as_json(team):
    carol = team.api("carol")

    snippet = carol.post(
        "/assets", {"kind": "snippet", "title": "开场白", "text": "新品上市", "tags": ["口径"]}
    )
    bad_link = carol.post("/assets", {"kind": "link", "title": "x", "url": "ftp://x"})
    image = carol.post("/assets", {"kind": "image", "title": "x"})

    assert snippet.status_code == 201
    assert snippet.json()["text"] == "新品上市"
    assert bad_link.status_code == 422
    assert "url" in error_of(bad_link)["fields"]
    assert image.status_code == 422
    assert "kind" in error_of(image)["fields"]


def test_it_lists_searches_and_filters(team):
    carol = team.api("carol")
    for title in ["新品上市发布会", "双十一预热", "客服口径"]:
        carol.post("/assets", {"kind": "snippet", "title": title, "text": "正文"})
    carol.post(
        "/assets",
        {
            "kind": "link",
            "title": "过期素材",
            "url": "https://example.com",
            "expires_at": (now() - timedelta(days=1)).isoformat(),
        },
    )

    everything = carol.get("/assets").json()
    found = carol.get("/assets", {"q": "上市"}).json()
    links = carol.get("/assets", {"kind": "link"}).json()
    expired = carol.get("/assets", {"rights": "expired"}).json()
    bad = carol.get("/assets", {"rights": "maybe"})
    page = carol.get("/assets", {"page_size": 2}).json()

    assert [a["title"] for a in everything["results"]][0] == "过期素材"
    assert [a["title"] for a in found["results"]] == ["新品上市发布会"]
    assert [a["title"] for a in links["results"]] == ["过期素材"]
    assert expired["results"][0]["rights_state"] == "expired"
    assert bad.status_code == 422
    assert len(page["results"]) == 2 and page["next"]


def test_it_edits_clears_the_expiry_and_archives(team):
    carol = team.api("carol")
    created = carol.post(
        "/assets",
        {"kind": "snippet", "title": "t", "text": "x", "expires_at": "2030-01-01T00:00Z"},
    ).json()
    url = f"/assets/{created['id']}"

    patched = carol.patch(url, {"tags": ["#新品", "新品 "], "title": "新标题"})
    cleared = carol.patch(url, {"expires_at": None})
    archived = carol.delete(url)
    listed = carol.get("/assets").json()["results"]
    restored = carol.patch(url, {"archived": False})

    assert patched.json()["tags"] == ["新品"]
    assert patched.json()["expires_at"] is not None
    assert cleared.json()["expires_at"] is None
    assert archived.status_code == 204
    assert listed == []
    assert restored.json()["archived"] is False
    actions_logged = list(
        AuditEvent.objects.filter(action__startswith="asset.")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions_logged == [
        "asset.created",
        "asset.updated",
        "asset.updated",
        "asset.archived",
        "asset.restored",
    ]


def test_it_refuses_an_unknown_patch_field(team):
    created = team.api("carol").post("/assets", {"kind": "snippet", "title": "t", "text": "x"})

    response = team.api("carol").patch(f"/assets/{created.json()['id']}", {"kind": "image"})

    assert response.status_code == 422
    assert "kind" in error_of(response)["fields"]


def test_it_shows_usage_and_fit(team):
    asset = add_image(team)
    post = actions.create_post(access=team.access("carol"), body="新品", media_ids=[asset.pk])
    carol = team.api("carol")

    usage = carol.get(f"/assets/{asset.pk}/usage").json()
    fits = carol.get(f"/assets/{asset.pk}/fit").json()
    weibo = carol.get(f"/assets/{asset.pk}/fit", {"platform": "weibo"}).json()
    unknown = carol.get(f"/assets/{asset.pk}/fit", {"platform": "myspace"})

    assert usage == [
        {
            "post_id": post.pk,
            "title": str(post),
            "state": "draft",
            "as_media": True,
            "as_cover": False,
            "page": f"/w/acme/content/posts/{post.pk}/",
        }
    ]
    assert {f["platform"] for f in fits} >= {"weibo", "wechat", "mastodon", "bluesky", "x"}
    assert "renren" not in {f["platform"] for f in fits}
    assert weibo == [{"platform": "weibo", "name": "新浪微博", "ok": True, "problems": []}]
    assert unknown.status_code == 422


def test_it_streams_the_file_to_members_of_the_workspace_only(team):
    asset = add_image(team)

    mine = team.api("erin").get(f"/assets/{asset.pk}/file")
    theirs = team.api("charlie").get(f"/assets/{asset.pk}/file")
    snippet = actions.create_asset(access=team.access("carol"), kind="snippet", title="t", text="x")
    no_file = team.api("erin").get(f"/assets/{snippet.pk}/file")

    assert mine.status_code == 200
    assert mine["Content-Type"] == "image/png"
    assert mine["X-Content-Type-Options"] == "nosniff"
    assert b"".join(mine.streaming_content) == image_bytes()
    assert theirs.status_code == 404
    assert no_file.status_code == 404


def test_it_lets_readers_read_and_only_editors_write(team):
    asset = add_image(team)

    assert team.api("erin").get(f"/assets/{asset.pk}").status_code == 200
    assert team.api("dave").get("/assets").status_code == 200
    assert team.api("erin").patch(f"/assets/{asset.pk}", {"title": "x"}).status_code == 403
    assert post_file(team.api("dave"), "a.png", image_bytes(colour="blue")).status_code == 403
    assert Asset.objects.count() == 1


def test_it_names_the_same_kinds_and_rights_as_the_model():
    from typing import get_args

    from socialops.content.api_library import AssetKind, Rights

    assert set(get_args(AssetKind)) == set(Asset.Kind.values)
    assert set(get_args(Rights)) == set(Asset.Rights.values)


def test_it_answers_413_when_the_fields_besides_the_file_are_too_big(team, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000

    response = post_file(team.api("carol"), "a.png", image_bytes(), text="长" * 2000)

    assert response.status_code == 413
    assert error_of(response)["code"] == "body_too_large"
