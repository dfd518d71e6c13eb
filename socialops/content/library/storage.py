"""Library files in Django's default storage (STORAGES["default"]), never under a public URL."""

from __future__ import annotations

import logging
import uuid
from typing import IO, TYPE_CHECKING

from django.core.files import File
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404

from socialops.core.clock import now

if TYPE_CHECKING:
    from socialops.content.models import Asset

log = logging.getLogger(__name__)


def store(content: IO[bytes], *, workspace_id: int, extension: str) -> str:
    """Save ``content`` under a name of our own (never the uploader's); the stored name."""
    at = now()
    name = f"assets/{workspace_id}/{at:%Y/%m}/{uuid.uuid4().hex}{extension}"
    content.seek(0)
    return default_storage.save(name, File(content, name=name))


def remove(name: str) -> None:
    """Delete a stored file; a failure is logged, not raised (the caller is already failing)."""
    if not name:
        return
    try:
        default_storage.delete(name)
    except Exception:  # any backend's error: leave an orphan rather than mask the first error
        log.exception("could not delete stored file %s", name)


def open_stored(name: str) -> IO[bytes]:
    return default_storage.open(name, "rb")  # type: ignore[no-any-return]


def exists(name: str) -> bool:
    return bool(name) and default_storage.exists(name)


def file_response(found: Asset) -> FileResponse:
    """Stream an asset's file; the browser is told not to guess its type or run it."""
    if not found.file.name or not exists(found.file.name):
        raise Http404("This asset has no stored file.")
    inline = found.kind in ("image", "video")
    response = FileResponse(
        open_stored(found.file.name),
        content_type=found.mime_type or "application/octet-stream",
        as_attachment=not inline,
        filename=found.original_name or found.file.name.rsplit("/", 1)[-1],
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=300"
    return response
