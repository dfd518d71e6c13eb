"""The library pages: search with htmx, filters, adding every kind, the asset page, its file."""

from __future__ import annotations

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from socialops.content import actions
from socialops.content.models import Asset
from socialops.core.clock import now
from socialops.core.models import AuditEvent

from .test_library import add_image, image_bytes, media_root  # noqa: F401 - a fixture

LIBRARY = "/w/acme/content/library/"


def test_it_shows_an_empty_library_with_a_way_to_add(team):
    page = team.browser("carol").get(LIBRARY)

    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="library-empty"' in html
    assert 'id="asset-new"' in html
    assert 'href="/w/acme/content/library/"' in html  # the tab in the section's navigation


def test_it_hides_the_add_form_from_readers(team):
    html = team.browser("erin").get(LIBRARY).content.decode()

    assert 'id="asset-new"' not in html


def test_it_answers_htmx_searches_with_the_results_only(team):
    add_image(team, "春季海报.png", title="春季新品主视觉", tags=["新品"])
    actions.create_asset(
        access=team.access("carol"), kind="snippet", title="新品上市发布会", text="欢迎"
    )
    client = team.browser("carol")

    partial = client.get(LIBRARY, {"q": "上市"}, headers={"HX-Request": "true"})
    images = client.get(LIBRARY, {"q": "新品", "kind": "image"}, headers={"HX-Request": "true"})
    nothing = client.get(LIBRARY, {"q": "没有的"}, headers={"HX-Request": "true"})

    html = partial.content.decode()
    assert "<html" not in html
    assert "新品上市发布会" in html
    assert "春季新品主视觉" not in html
    assert 'id="asset-grid"' in images.content.decode()
    assert "/file/" in images.content.decode()  # thumbnails through the guarded view
    assert 'id="no-results"' in nothing.content.decode()


def test_it_filters_expiring_rights_with_a_badge(team):
    actions.create_asset(
        access=team.access("carol"),
        kind="snippet",
        title="授权快到期",
        text="x",
        expires_at=now() + timedelta(days=2),
    )
    actions.create_asset(access=team.access("carol"), kind="snippet", title="长期素材甲", text="x")

    html = team.browser("carol").get(LIBRARY, {"rights": "expiring"}).content.decode()

    assert "授权快到期" in html
    assert "长期素材甲" not in html
    assert 'data-rights="expiring"' in html


def test_it_uploads_an_image_from_the_page(team):
    client = team.browser("carol")

    response = client.post(
        reverse("content_asset_new", args=["acme"]),
        {
            "kind": "image",
            "file": SimpleUploadedFile("新品海报.png", image_bytes()),
            "title": "",
            "tags": "新品、海报, 春季",
            "rights": "stock",
            "expires_on": "2030-01-31",
        },
    )

    asset = Asset.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/w/acme/content/library/{asset.pk}/"
    assert asset.title == "新品海报"
    assert asset.tags == ["新品", "海报", "春季"]
    assert asset.expires_at is not None
    assert asset.expires_at.isoformat() == "2030-01-30T16:00:00+00:00"  # 00:00 in Shanghai


def test_it_shows_upload_errors_in_place(team):
    client = team.browser("carol")

    fake = client.post(
        reverse("content_asset_new", args=["acme"]),
        {
            "kind": "image",
            "file": SimpleUploadedFile("photo.jpg", b"not an image"),
            "rights": "owned",
        },
    )
    no_file = client.post(
        reverse("content_asset_new", args=["acme"]), {"kind": "video", "rights": "owned"}
    )
    no_text = client.post(
        reverse("content_asset_new", args=["acme"]),
        {"kind": "snippet", "title": "空", "rights": "owned"},
    )

    assert fake.status_code == 422
    assert "Not a valid image" in fake.content.decode() or "图片" in fake.content.decode()
    assert no_file.status_code == 422
    assert no_text.status_code == 422
    assert not Asset.objects.exists()


def test_it_adds_a_link_from_the_page(team):
    response = team.browser("carol").post(
        reverse("content_asset_new", args=["acme"]),
        {
            "kind": "link",
            "title": "活动页",
            "url": "https://example.com/双十一",
            "text": "活动说明",
            "rights": "owned",
        },
    )

    assert response.status_code == 302
    assert Asset.objects.get().url == "https://example.com/双十一"


def test_it_shows_an_asset_with_its_usage_and_platform_fit(team):
    asset = add_image(team)
    post = actions.create_post(access=team.access("carol"), body="新品", media_ids=[asset.pk])

    html = team.browser("erin").get(f"{LIBRARY}{asset.pk}/").content.decode()

    assert f'href="/w/acme/content/posts/{post.pk}/"' in html
    assert 'data-platform="weibo" data-fit="ok"' in html
    assert 'data-platform="douban" data-fit="warning"' in html
    assert 'id="asset-edit"' not in html  # erin reads only


def test_it_edits_archives_and_restores_from_the_page(team):
    asset = add_image(team)
    client = team.browser("carol")

    edited = client.post(
        f"{LIBRARY}{asset.pk}/edit/", {"title": "主视觉", "tags": "双十一", "rights": "unknown"}
    )
    archived = client.post(f"{LIBRARY}{asset.pk}/archive/")
    restored = client.post(f"{LIBRARY}{asset.pk}/archive/")
    bad = client.post(f"{LIBRARY}{asset.pk}/edit/", {"title": "", "rights": "owned"})

    asset.refresh_from_db()
    assert (edited.status_code, archived.status_code, restored.status_code) == (302, 302, 302)
    assert asset.title == "主视觉"
    assert asset.tags == ["双十一"]
    assert not asset.archived
    assert bad.status_code == 422
    assert [
        e.action for e in AuditEvent.objects.filter(action__startswith="asset.").order_by("id")
    ] == [
        "asset.created",
        "asset.updated",
        "asset.archived",
        "asset.restored",
    ]


def test_it_serves_files_only_to_members_and_never_at_media_url(team, client):
    asset = add_image(team)
    url = f"{LIBRARY}{asset.pk}/file/"

    member = team.browser("dave").get(url)
    outsider = team.browser("charlie").get(url)
    anonymous = client.get(url)
    public = client.get("/media/" + asset.file.name)

    assert member.status_code == 200
    assert member["Content-Type"] == "image/png"
    assert "sandbox" in member["Content-Security-Policy"]
    assert b"".join(member.streaming_content) == image_bytes()
    assert outsider.status_code == 404
    assert anonymous.status_code == 302
    assert public.status_code == 404


def test_it_sends_documents_as_downloads(team):
    file = SimpleUploadedFile("brief.pdf", b"%PDF-1.4\n%%EOF\n")
    doc, _ = actions.upload_asset(
        access=team.access("carol"), content=file, size=file.size, name="brief.pdf"
    )

    response = team.browser("carol").get(f"{LIBRARY}{doc.pk}/file/")

    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Type"] == "application/pdf"


def test_it_refuses_an_upload_over_the_limit_before_reading_it(team, settings):
    settings.API_MAX_UPLOAD_BYTES = 1000

    response = team.browser("carol").post(
        reverse("content_asset_new", args=["acme"]),
        {"kind": "image", "file": SimpleUploadedFile("big.png", image_bytes(size=(400, 400)))},
    )

    assert response.status_code == 413
    assert not Asset.objects.exists()
