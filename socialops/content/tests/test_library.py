"""The content library's writes: uploads checked from their bytes, stored, deduplicated, audited."""

from __future__ import annotations

import io
import struct
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image

from socialops.conftest import logged_after
from socialops.content import actions
from socialops.content.library import validate
from socialops.content.library.fit import check_asset_for, rights_state
from socialops.content.models import Asset, Post
from socialops.content.queries_library import usage
from socialops.core.clock import now
from socialops.core.models import AuditEvent


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    """Every library test stores files in its own directory, never in var/media."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


def image_bytes(
    fmt: str = "PNG", size: tuple[int, int] = (64, 48), colour: str = "red", frames: int = 1
) -> bytes:
    out = io.BytesIO()
    first = Image.new("RGB", size, colour)
    if frames > 1:
        rest = [Image.new("RGB", size, c) for c in ["blue", "green", "white"][: frames - 1]]
        first.save(out, fmt, save_all=True, append_images=rest, duration=100, loop=0)
    else:
        first.save(out, fmt)
    return out.getvalue()


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/png")  # the claim is not trusted


def mp4_bytes(seconds: int = 12, width: int = 1280, height: int = 720) -> bytes:
    """A minimal MP4: ftyp, and a moov with mvhd (duration) and one track's tkhd (size)."""

    def box(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I4s", 8 + len(body), kind) + body

    mvhd = b"\x00\x00\x00\x00" + struct.pack(">IIII", 0, 0, 1000, seconds * 1000) + b"\x00" * 80
    tkhd = b"\x00\x00\x00\x07" + b"\x00" * 72 + struct.pack(">II", width << 16, height << 16)
    moov = box(b"moov", box(b"mvhd", mvhd) + box(b"trak", box(b"tkhd", tkhd)))
    return box(b"ftyp", b"isom\x00\x00\x02\x00isomiso2mp41") + box(b"mdat", b"\x00" * 64) + moov


def add_image(team: Any, name: str = "海报.png", data: bytes | None = None, **fields: Any) -> Asset:
    file = upload(name, data if data is not None else image_bytes())
    asset, _created = actions.upload_asset(
        access=team.access("carol"), content=file, size=file.size, name=name, **fields
    )
    return asset


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """These tests read the English source of the actions' messages."""
    with translation.override("en"):
        yield


def test_it_stores_an_image_measured_from_its_bytes(team, media_root):
    asset = add_image(team, "新品海报.png", tags=["新品", "#海报", "新品"])

    assert asset.kind == Asset.Kind.IMAGE
    assert asset.mime_type == "image/png"
    assert (asset.width, asset.height) == (64, 48)
    assert asset.title == "新品海报"
    assert asset.original_name == "新品海报.png"
    assert asset.tags == ["新品", "海报"]
    assert len(asset.sha256) == 64
    assert asset.file.name.startswith(f"assets/{team.workspace.pk}/")
    assert "新品海报" not in asset.file.name  # stored under a name of our own
    assert (media_root / asset.file.name).read_bytes()[:4] == b"\x89PNG"
    assert "新品海报" in asset.search_text
    event = AuditEvent.objects.get(action="asset.created")
    assert event.actor == team.carol
    assert logged_after(event)["sha256"] == asset.sha256


def test_it_refuses_a_fake_jpg_as_not_a_valid_image_and_stores_nothing(team, media_root):
    fake = upload("photo.jpg", b"%PDF-1.7 this is a PDF wearing a .jpg name")

    with pytest.raises(ValidationError) as caught:
        actions.upload_asset(
            access=team.access("carol"), content=fake, size=fake.size, name="photo.jpg"
        )

    assert "not a valid image" in caught.value.message_dict["file"][0].lower()
    assert not Asset.objects.exists()
    assert not media_root.exists() or not any(media_root.rglob("*.*"))


def test_it_refuses_a_truncated_image_that_only_looks_like_a_png(team):
    broken = image_bytes("JPEG", (400, 300))[:600]

    with pytest.raises(ValidationError) as caught:
        add_image(team, "cut.jpg", broken)

    assert "file" in caught.value.message_dict


@pytest.mark.parametrize(
    ("name", "data", "kind", "message"),
    [
        ("page.html", b"<!doctype html><script>alert(1)</script>", None, "not accepted"),
        ("logo.svg", b'<?xml version="1.0"?><svg></svg>', None, "not a valid image"),
        ("empty.png", b"", None, "empty"),
        ("clip.mp4", b"not a video at all", None, "not a valid video"),
        ("poster.png", None, "document", "not a document"),
    ],
)
def test_it_refuses_files_that_are_not_what_they_claim(team, name, data, kind, message):
    content = image_bytes() if data is None else data
    file = upload(name, content)

    with pytest.raises(ValidationError) as caught:
        actions.upload_asset(
            access=team.access("carol"), content=file, size=file.size, name=name, kind=kind
        )

    assert message in caught.value.message_dict["file"][0].lower()


def test_it_refuses_a_file_over_the_limit_of_its_kind(team, settings):
    settings.ASSET_MAX_BYTES = {**settings.ASSET_MAX_BYTES, "image": 100}

    with pytest.raises(ValidationError) as caught:
        add_image(team)

    assert "at most 100 B" in caught.value.message_dict["file"][0]


def test_it_reads_animated_gifs_videos_and_documents(team):
    gif = add_image(team, "动图.gif", image_bytes("GIF", frames=3))
    video_file = SimpleUploadedFile("发布会.mp4", mp4_bytes(12), content_type="text/plain")
    video, _ = actions.upload_asset(
        access=team.access("carol"), content=video_file, size=video_file.size, name="发布会.mp4"
    )
    doc_file = SimpleUploadedFile("brief.pdf", b"%PDF-1.4\n%%EOF\n")
    doc, _ = actions.upload_asset(
        access=team.access("carol"), content=doc_file, size=doc_file.size, name="brief.pdf"
    )
    text_file = SimpleUploadedFile("口径.txt", "统一口径：新品上市".encode())
    text, _ = actions.upload_asset(
        access=team.access("carol"), content=text_file, size=text_file.size, name="口径.txt"
    )

    assert gif.mime_type == "image/gif"
    assert gif.duration_seconds == pytest.approx(0.3)
    assert (video.kind, video.mime_type, video.duration_seconds) == ("video", "video/mp4", 12)
    assert (video.width, video.height) == (1280, 720)
    assert (doc.kind, doc.mime_type) == ("document", "application/pdf")
    assert (text.kind, text.mime_type) == ("document", "text/plain")


def test_it_gives_back_the_asset_already_holding_the_same_file(team, media_root):
    first = add_image(team, "a.png")
    actions.archive_asset(access=team.access("carol"), asset=first)
    again = upload("copy of a.png", image_bytes())

    second, created = actions.upload_asset(
        access=team.access("bob"), content=again, size=again.size, name="copy of a.png"
    )

    assert not created
    assert second.pk == first.pk
    assert not second.archived  # restored
    assert Asset.objects.count() == 1
    assert len(list(media_root.rglob("*.png"))) == 1
    assert AuditEvent.objects.filter(action="asset.restored").count() == 1


def test_it_keeps_the_same_file_apart_in_another_workspace(team):
    mine = add_image(team)
    file = upload("a.png", image_bytes())

    theirs, created = actions.upload_asset(
        access=team.access("charlie", team.other), content=file, size=file.size, name="a.png"
    )

    assert created
    assert theirs.pk != mine.pk


def test_it_removes_the_stored_file_when_the_row_cannot_be_written(team, media_root, monkeypatch):
    def fail(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("database went away")

    monkeypatch.setattr("socialops.content.actions.library._record", fail)

    with pytest.raises(RuntimeError):
        add_image(team)

    assert not Asset.objects.exists()
    assert not any(p.is_file() for p in media_root.rglob("*"))


def test_it_adds_snippets_and_links_with_their_rights(team):
    ends = now() + timedelta(days=30)
    snippet = actions.create_asset(
        access=team.access("carol"),
        kind="snippet",
        title="开场白",
        text="新品上市发布会，欢迎关注",
        tags=["口径"],
        rights="licensed",
        rights_holder="某图库",
        expires_at=ends,
    )
    link = actions.create_asset(
        access=team.access("carol"), kind="link", title="官网", url="https://example.com/新品"
    )

    assert snippet.expires_at == ends
    assert rights_state(snippet) == "ok"
    assert link.url == "https://example.com/新品"
    assert AuditEvent.objects.filter(action="asset.created").count() == 2


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"kind": "snippet", "title": "空", "text": ""}, "text"),
        ({"kind": "link", "title": "坏链接", "url": "javascript:alert(1)"}, "url"),
        ({"kind": "link", "title": "无链接"}, "url"),
        ({"kind": "image", "title": "图"}, "kind"),
        ({"kind": "snippet", "title": " ", "text": "x"}, "title"),
        ({"kind": "snippet", "title": "t", "text": "x", "tags": ["长" * 31]}, "tags"),
        ({"kind": "snippet", "title": "t", "text": "x", "rights": "stolen"}, "rights"),
    ],
)
def test_it_refuses_bad_snippets_and_links_by_field(team, fields, field):
    with pytest.raises(ValidationError) as caught:
        actions.create_asset(access=team.access("carol"), **fields)

    assert field in caught.value.message_dict
    assert not Asset.objects.exists()


def test_it_lets_only_editors_and_up_write(team):
    from socialops.accounts.queries import AccessDenied

    with pytest.raises(AccessDenied):
        actions.create_asset(access=team.access("dave"), kind="snippet", title="t", text="x")


def test_it_updates_archives_and_audits_each_change(team):
    asset = add_image(team)

    actions.update_asset(
        access=team.access("carol"),
        asset=asset,
        changes={"title": "双十一主视觉", "tags": ["双十一", "主视觉"]},
    )
    actions.archive_asset(access=team.access("carol"), asset=asset)
    asset.refresh_from_db()

    assert asset.archived
    assert "双十一主视觉" in asset.search_text
    assert "主视觉" in asset.search_text
    updated = AuditEvent.objects.get(action="asset.updated")
    assert updated.before == {**(updated.before or {}), "title": "海报"}
    assert logged_after(updated)["tags"] == ["双十一", "主视觉"]
    assert AuditEvent.objects.filter(action="asset.archived").count() == 1


def test_it_marks_rights_expiring_within_two_weeks_and_expired(team, time_machine):
    time_machine.move_to("2026-11-01T00:00+08:00")
    asset = add_image(team, expires_at=now() + timedelta(days=20))

    assert rights_state(asset) == "ok"
    time_machine.move_to("2026-11-10T00:00+08:00")
    assert rights_state(asset) == "expiring"
    time_machine.move_to("2026-11-22T00:00+08:00")
    assert rights_state(asset) == "expired"
    assert any(p.code == "rights_expired" for p in check_asset_for(asset, "weibo"))


def test_it_keeps_expired_assets_off_posts(team, time_machine):
    time_machine.move_to("2026-11-01T00:00+08:00")
    asset = add_image(team, expires_at=now() + timedelta(days=1))
    time_machine.move_to("2026-11-03T00:00+08:00")

    with pytest.raises(ValidationError) as caught:
        actions.create_post(access=team.access("carol"), body="新品", media_ids=[asset.pk])

    assert "media_ids" in caught.value.message_dict


def test_it_lists_where_an_asset_is_used(team):
    asset = add_image(team)
    other = add_image(team, "b.png", image_bytes(colour="blue"))
    with_media = actions.create_post(access=team.access("carol"), body="一", media_ids=[asset.pk])
    with_cover = actions.create_post(
        access=team.access("carol"), body="二", format="article", article_cover=asset.pk
    )
    actions.create_post(access=team.access("carol"), body="三", media_ids=[other.pk])

    uses = usage(asset)

    assert [u.post.pk for u in uses] == [with_cover.pk, with_media.pk]
    assert (uses[0].as_cover, uses[0].as_media) == (True, False)
    assert (uses[1].as_cover, uses[1].as_media) == (False, True)
    assert Post.objects.count() == 3


def test_it_checks_an_image_against_each_platforms_limits(team):
    big = add_image(team, "big.png", image_bytes(size=(1600, 1200)))
    Asset.objects.filter(pk=big.pk).update(size_bytes=6_000_000)
    big.refresh_from_db()
    gif = add_image(team, "动图.gif", image_bytes("GIF", frames=2))

    weibo = {p.code for p in check_asset_for(big, "weibo")}
    mastodon = check_asset_for(big, "mastodon")
    bluesky = {p.code for p in check_asset_for(big, "bluesky")}
    bluesky_gif = {p.code for p in check_asset_for(gif, "bluesky")}
    douban = {p.code for p in check_asset_for(big, "douban")}
    renren = {p.code for p in check_asset_for(big, "renren")}

    assert "too_big" in weibo  # the Open API takes under 5 MB
    assert mastodon == []
    assert bluesky == {"too_big", "estimate"}
    assert bluesky_gif == {"gif_still", "estimate"}
    assert douban == {"limits_unknown"}
    assert renren == {"retired"}


def test_it_checks_videos_and_documents(team):
    file = SimpleUploadedFile("long.mp4", mp4_bytes(200))
    video, _ = actions.upload_asset(
        access=team.access("carol"), content=file, size=file.size, name="long.mp4"
    )
    doc_file = SimpleUploadedFile("brief.pdf", b"%PDF-1.4\n%%EOF\n")
    doc, _ = actions.upload_asset(
        access=team.access("carol"), content=doc_file, size=doc_file.size, name="brief.pdf"
    )

    assert "video_too_long" in {p.code for p in check_asset_for(video, "x")}
    assert check_asset_for(video, "mastodon") == []
    assert [p.code for p in check_asset_for(doc, "weibo")] == ["document"]


def test_it_sniffs_types_from_content_not_names():
    def mime(head: bytes, name: str = "x") -> str | None:
        found = validate.sniff(head, io.BytesIO(), name)
        return found[1] if found else None

    assert mime(image_bytes("JPEG")[:64], "x.png") == "image/jpeg"
    assert mime(b"GIF89a......") == "image/gif"
    assert mime(b"\x00\x00\x00\x18ftypqt  ") == "video/quicktime"
    assert validate.sniff(b"MZ\x90\x00", io.BytesIO(), "setup.pdf") is None
    assert validate.kind_from_name("海报.JPG") == "image"
    assert default_storage is not None
