"""Writing the content library: add snippets and links, upload files, edit, archive.

An upload is checked from its bytes (library.validate) before anything is stored; the file is
stored, then the row written in one transaction, and the stored file is removed again if that
transaction fails. The same file twice in a workspace is one asset: the second upload gets the
first back (restored if it was archived), found by SHA-256.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import IO, TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from socialops.accounts.queries import Access
from socialops.accounts.roles import Perm
from socialops.content.library import storage, validate
from socialops.content.library.search import search_text_of
from socialops.content.models import Asset
from socialops.core import audit
from socialops.core.audit import snapshot
from socialops.core.clock import now

if TYPE_CHECKING:
    from django.http import HttpRequest

__all__ = [
    "ASSET_FIELDS",
    "archive_asset",
    "create_asset",
    "update_asset",
    "upload_asset",
]

ASSET_FIELDS = [
    "kind",
    "title",
    "text",
    "url",
    "original_name",
    "mime_type",
    "size_bytes",
    "sha256",
    "width",
    "height",
    "duration_seconds",
    "tags",
    "rights",
    "rights_holder",
    "rights_note",
    "expires_at",
    "archived",
]
EDITABLE = {
    "title",
    "text",
    "url",
    "tags",
    "rights",
    "rights_holder",
    "rights_note",
    "expires_at",
    "archived",
}
TEXT_KINDS = (Asset.Kind.SNIPPET, Asset.Kind.LINK)
MAX_TAGS = 20
MAX_TAG_LENGTH = 30
MAX_TEXT = 50_000
_LIMITS = {"title": 200, "rights_holder": 200, "rights_note": 500, "url": 1000}
_SPACES = re.compile(r"\s+")


def _snapshot(asset: Asset) -> dict[str, Any]:
    return {**snapshot(asset, ASSET_FIELDS), "file": asset.file.name or ""}


def _clean_tags(tags: Iterable[Any]) -> list[str]:
    if isinstance(tags, str | bytes) or not isinstance(tags, Iterable):
        raise ValidationError({"tags": _("Give a list of tags.")})
    cleaned: list[str] = []
    seen: set[str] = set()
    for raw in tags:
        if not isinstance(raw, str):
            raise ValidationError({"tags": _("Every tag is a text.")})
        tag = _SPACES.sub(" ", raw).strip().lstrip("#＃").strip()
        if not tag:
            continue
        if len(tag) > MAX_TAG_LENGTH:
            raise ValidationError(
                {"tags": _("A tag has at most %(limit)d characters.") % {"limit": MAX_TAG_LENGTH}}
            )
        if tag.casefold() not in seen:
            seen.add(tag.casefold())
            cleaned.append(tag)
    if len(cleaned) > MAX_TAGS:
        raise ValidationError({"tags": _("At most %(limit)d tags.") % {"limit": MAX_TAGS}})
    return cleaned


def _clean(fields: Mapping[str, Any]) -> dict[str, Any]:
    """Check and tidy the editable fields that were given; raises ValidationError by field."""
    cleaned = dict(fields)
    errors: dict[str, str] = {}
    for name in ("title", "text", "url", "rights_holder", "rights_note"):
        if name in cleaned:
            value = cleaned[name]
            if not isinstance(value, str):
                errors[name] = _("Give a text.")
                continue
            cleaned[name] = value = value.strip()
            limit = _LIMITS.get(name, MAX_TEXT)
            if len(value) > limit:
                errors[name] = _("At most %(limit)d characters.") % {"limit": limit}
    if "title" in cleaned and not cleaned["title"] and "title" not in errors:
        errors["title"] = _("Give the asset a title.")
    if cleaned.get("url") and "url" not in errors:
        try:
            URLValidator(schemes=["http", "https"])(cleaned["url"])
        except ValidationError:
            errors["url"] = _("Give a web address starting with http:// or https://.")
    if "rights" in cleaned and cleaned["rights"] not in Asset.Rights.values:
        errors["rights"] = _("Not a kind of usage rights.")
    expires_at = cleaned.get("expires_at")
    if expires_at is not None and (
        not isinstance(expires_at, datetime) or expires_at.tzinfo is None
    ):
        errors["expires_at"] = _("Give a time with its time zone.")
    if "archived" in cleaned and not isinstance(cleaned["archived"], bool):
        errors["archived"] = _("Give true or false.")
    if "tags" in cleaned:
        try:
            cleaned["tags"] = _clean_tags(cleaned["tags"])
        except ValidationError as exc:
            errors.update({k: " ".join(v) for k, v in exc.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    return cleaned


def _index(asset: Asset) -> None:
    asset.search_text = search_text_of(
        title=asset.title, text=asset.text, tags=asset.tags, original_name=asset.original_name
    )


def _record(
    action: str,
    access: Access,
    asset: Asset,
    request: HttpRequest | None,
    before: dict[str, Any] | None = None,
    via: str | None = None,
) -> None:
    audit.record(
        action=action,
        workspace=access.workspace,
        actor=access.user,
        request=request,
        via=via,
        target=asset,
        before=before,
        after=_snapshot(asset),
    )


@transaction.atomic
def create_asset(
    *,
    access: Access,
    kind: str,
    title: str,
    text: str = "",
    url: str = "",
    tags: Iterable[str] = (),
    rights: str = Asset.Rights.OWNED,
    rights_holder: str = "",
    rights_note: str = "",
    expires_at: datetime | None = None,
    request: HttpRequest | None = None,
    via: str | None = None,
) -> Asset:
    """A text snippet or a link (files come in through upload_asset)."""
    access.require(Perm.CONTENT_EDIT, request)
    if kind not in TEXT_KINDS:
        raise ValidationError({"kind": _("Snippets and links are added here; upload files.")})
    fields = _clean(
        {
            "title": title,
            "text": text,
            "url": url,
            "tags": tags,
            "rights": rights,
            "rights_holder": rights_holder,
            "rights_note": rights_note,
            "expires_at": expires_at,
        }
    )
    if kind == Asset.Kind.SNIPPET and not fields["text"]:
        raise ValidationError({"text": _("A snippet needs its text.")})
    if kind == Asset.Kind.LINK and not fields["url"]:
        raise ValidationError({"url": _("A link needs its web address.")})
    if kind == Asset.Kind.SNIPPET:
        fields["url"] = ""
    asset = Asset(workspace=access.workspace, kind=kind, created_by=access.user, **fields)
    _index(asset)
    asset.save()
    _record("asset.created", access, asset, request, via=via)
    return asset


def upload_asset(
    *,
    access: Access,
    content: IO[bytes],
    size: int | None,
    name: str,
    kind: str | None = None,
    title: str = "",
    text: str = "",
    tags: Iterable[str] = (),
    rights: str = Asset.Rights.OWNED,
    rights_holder: str = "",
    rights_note: str = "",
    expires_at: datetime | None = None,
    request: HttpRequest | None = None,
    via: str | None = None,
) -> tuple[Asset, bool]:
    """Store a file as an image, video or document asset: (asset, True if new).

    The same file already in the workspace's library is returned instead (False), and restored
    if it was archived; nothing new is stored.
    """
    access.require(Perm.CONTENT_EDIT, request)
    if kind is not None and kind not in validate.FILE_KINDS:
        raise ValidationError({"kind": _("Upload images, videos or documents.")})
    original_name = (name or "").replace("\\", "/").rsplit("/", 1)[-1][:255]
    fields = _clean(
        {
            "title": title or original_name.rsplit(".", 1)[0] or _("Untitled"),
            "text": text,
            "tags": tags,
            "rights": rights,
            "rights_holder": rights_holder,
            "rights_note": rights_note,
            "expires_at": expires_at,
        }
    )
    if size is None:  # not told: measure it
        size = content.seek(0, 2)
    found = validate.inspect(content, size=size, name=original_name, kind=kind)
    existing = _same_file(access, found.sha256)
    if existing is not None:
        return _reuse(access, existing, request, via), False
    stored = storage.store(content, workspace_id=access.workspace.pk, extension=found.extension)
    try:
        with transaction.atomic():
            asset = Asset(
                workspace=access.workspace,
                kind=found.kind,
                original_name=original_name,
                mime_type=found.mime_type,
                size_bytes=found.size_bytes,
                sha256=found.sha256,
                width=found.width,
                height=found.height,
                duration_seconds=found.duration_seconds,
                created_by=access.user,
                **fields,
            )
            asset.file.name = stored
            _index(asset)
            asset.save()
            _record("asset.created", access, asset, request, via=via)
    except IntegrityError:
        storage.remove(stored)
        existing = _same_file(access, found.sha256)  # a concurrent upload of the same file won
        if existing is None:
            raise
        return _reuse(access, existing, request, via), False
    except BaseException:
        storage.remove(stored)
        raise
    return asset, True


def _same_file(access: Access, sha256: str) -> Asset | None:
    return Asset.objects.filter(workspace=access.workspace, sha256=sha256).first()


@transaction.atomic
def _reuse(access: Access, asset: Asset, request: HttpRequest | None, via: str | None) -> Asset:
    if asset.archived:
        before = _snapshot(asset)
        asset.archived = False
        asset.updated_at = now()
        asset.save(update_fields=["archived", "updated_at"])
        _record("asset.restored", access, asset, request, before, via=via)
    return asset


@transaction.atomic
def update_asset(
    *,
    access: Access,
    asset: Asset,
    changes: Mapping[str, Any],
    request: HttpRequest | None = None,
) -> Asset:
    """Edit the title, text, link, tags, usage rights or archived flag."""
    access.require(Perm.CONTENT_EDIT, request)
    unknown = set(changes) - EDITABLE
    if unknown:
        raise ValidationError({name: _("Unknown field.") for name in sorted(unknown)})
    asset = Asset.objects.select_for_update().get(pk=asset.pk)
    cleaned = _clean(changes)
    if "url" in cleaned and asset.kind != Asset.Kind.LINK and cleaned["url"]:
        raise ValidationError({"url": _("Only a link has a web address.")})
    if asset.kind == Asset.Kind.SNIPPET and "text" in cleaned and not cleaned["text"]:
        raise ValidationError({"text": _("A snippet needs its text.")})
    if asset.kind == Asset.Kind.LINK and "url" in cleaned and not cleaned["url"]:
        raise ValidationError({"url": _("A link needs its web address.")})
    before = _snapshot(asset)
    changed = [name for name, value in cleaned.items() if getattr(asset, name) != value]
    if not changed:
        return asset
    for name in changed:
        setattr(asset, name, cleaned[name])
    _index(asset)
    asset.updated_at = now()
    asset.save()
    if changed == ["archived"]:
        action = "asset.archived" if asset.archived else "asset.restored"
    else:
        action = "asset.updated"
    _record(action, access, asset, request, before)
    return asset


def archive_asset(*, access: Access, asset: Asset, request: HttpRequest | None = None) -> Asset:
    """Hide an asset from the library; posts that use it keep it. PATCH archived=false undoes."""
    return update_asset(access=access, asset=asset, changes={"archived": True}, request=request)
