"""What an uploaded file really is: its type read from its bytes, images decoded with Pillow.

The client's file name and Content-Type are never trusted: the kind a file is expected to be
comes from the kind the uploader chose or, failing that, the name's extension, and the content
must agree with it (a ".jpg" that is not an image is refused as "not a valid image").
"""

from __future__ import annotations

import hashlib
import mimetypes
import struct
import warnings
import zipfile
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

IMAGE = "image"
VIDEO = "video"
DOCUMENT = "document"
FILE_KINDS = (IMAGE, VIDEO, DOCUMENT)

# Pillow format → MIME type and extension of the images the library takes.
IMAGE_FORMATS = {
    "JPEG": ("image/jpeg", ".jpg"),
    "PNG": ("image/png", ".png"),
    "GIF": ("image/gif", ".gif"),
    "WEBP": ("image/webp", ".webp"),
    "BMP": ("image/bmp", ".bmp"),
}
# More pixels than this is refused before decoding (a decompression bomb, or no platform's).
MAX_IMAGE_PIXELS = 60_000_000
MAX_FRAMES = 2000
CHUNK = 1024 * 1024
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_OFFICE_ZIP = {
    "word/": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx"),
    "xl/": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"),
    "ppt/": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ".pptx",
    ),
}
_OLE_BY_EXTENSION = {
    ".xls": ("application/vnd.ms-excel", ".xls"),
    ".ppt": ("application/vnd.ms-powerpoint", ".ppt"),
}
_TEXT_BY_EXTENSION = {".csv": ("text/csv", ".csv"), ".md": ("text/markdown", ".md")}


@dataclass(frozen=True)
class Inspected:
    """An accepted file: what it is, measured from its content."""

    kind: str
    mime_type: str
    extension: str
    size_bytes: int
    sha256: str
    width: int | None = None
    height: int | None = None
    frames: int = 1  # more than 1: an animated GIF or WebP
    image_format: str = ""  # Pillow's name for it: JPEG, PNG, …
    duration_seconds: float | None = None  # a video's length, or an animation's


def refuse(message: str) -> ValidationError:
    return ValidationError({"file": message})


def kind_from_name(name: str) -> str | None:
    """The kind a file name suggests by its extension (only a claim, checked against content)."""
    guessed, _encoding = mimetypes.guess_type(name or "")
    if guessed is None:
        return None
    major = guessed.split("/", 1)[0]
    if major in (IMAGE, VIDEO):
        return major
    return DOCUMENT


def inspect(content: IO[bytes], *, size: int, name: str, kind: str | None = None) -> Inspected:
    """Check an uploaded file and measure it; raises ValidationError on the field "file"."""
    if size <= 0:
        raise refuse(_("The file is empty."))
    expected = kind or kind_from_name(name)
    content.seek(0)
    head = content.read(4096)
    sniffed = sniff(head, content, name)
    found_kind = sniffed[0] if sniffed else None
    if expected == IMAGE and found_kind != IMAGE:
        raise refuse(_("Not a valid image: JPEG, PNG, GIF, WebP or BMP."))
    if expected == VIDEO and found_kind != VIDEO:
        raise refuse(_("Not a valid video: MP4, MOV or WebM."))
    if sniffed is None:
        raise refuse(
            _(
                "This kind of file is not accepted: images, videos (MP4, MOV, WebM), PDF, "
                "Office documents and plain text are."
            )
        )
    found_kind, mime_type, extension = sniffed
    if expected == DOCUMENT and found_kind != DOCUMENT:
        raise refuse(
            _("This file is %(kind)s, not a document: upload it as one.")
            % {"kind": _("an image") if found_kind == IMAGE else _("a video")}
        )
    limit = settings.ASSET_MAX_BYTES[found_kind]
    if size > limit:
        raise refuse(
            _("The file is %(size)s; at most %(limit)s is accepted for this kind.")
            % {"size": human_size(size), "limit": human_size(limit)}
        )
    digest = sha256_of(content)
    if found_kind == IMAGE:
        image_format, width, height, frames, seconds = _image(content, mime_type)
        mime_type, extension = IMAGE_FORMATS[image_format]
        return Inspected(
            IMAGE, mime_type, extension, size, digest, width, height, frames, image_format, seconds
        )
    if found_kind == VIDEO:
        facts = mp4_facts(content) if mime_type != "video/webm" else (None, None, None)
        return Inspected(
            VIDEO, mime_type, extension, size, digest, facts[0], facts[1], duration_seconds=facts[2]
        )
    return Inspected(DOCUMENT, mime_type, extension, size, digest)


def sha256_of(content: IO[bytes]) -> str:
    digest = hashlib.sha256()
    content.seek(0)
    while chunk := content.read(CHUNK):
        digest.update(chunk)
    content.seek(0)
    return digest.hexdigest()


def human_size(size: int) -> str:
    if size >= 1_048_576:
        return f"{size / 1_048_576:.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} B"


def sniff(head: bytes, content: IO[bytes], name: str) -> tuple[str, str, str] | None:
    """(kind, MIME type, extension) from the first bytes, or None for what is not accepted."""
    if head.startswith(b"\xff\xd8\xff"):
        return IMAGE, "image/jpeg", ".jpg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return IMAGE, "image/png", ".png"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return IMAGE, "image/gif", ".gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return IMAGE, "image/webp", ".webp"
    if head[:2] == b"BM" and len(head) > 18 and head[14] in (12, 40, 52, 56, 64, 108, 124):
        return IMAGE, "image/bmp", ".bmp"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in (b"heic", b"heix", b"mif1", b"msf1", b"avif", b"avis"):
            return None  # HEIC/AVIF: few platforms take them, and Pillow cannot check them here
        if brand == b"qt  ":
            return VIDEO, "video/quicktime", ".mov"
        if brand.startswith(b"M4A") or brand.startswith(b"M4B"):
            return None  # audio
        return VIDEO, "video/mp4", ".mp4"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return (VIDEO, "video/webm", ".webm") if b"webm" in head else None
    if head.startswith(b"%PDF-"):
        return DOCUMENT, "application/pdf", ".pdf"
    if head.startswith(b"PK\x03\x04"):
        return _office_zip(content)
    if head.startswith(_OLE):
        extension = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
        return (DOCUMENT, *_OLE_BY_EXTENSION.get(extension, ("application/msword", ".doc")))
    return _plain_text(head, name)


def _office_zip(content: IO[bytes]) -> tuple[str, str, str] | None:
    """A .docx/.xlsx/.pptx by the parts it holds; any other ZIP archive is not accepted."""
    content.seek(0)
    try:
        with zipfile.ZipFile(content) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    finally:
        content.seek(0)
    if "[Content_Types].xml" not in names:
        return None
    for prefix, (mime_type, extension) in _OFFICE_ZIP.items():
        if any(n.startswith(prefix) for n in names):
            return DOCUMENT, mime_type, extension
    return None


def _plain_text(head: bytes, name: str) -> tuple[str, str, str] | None:
    """UTF-8 text without NUL bytes; HTML and SVG are refused (a browser would run them)."""
    if b"\x00" in head:
        return None
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 3:  # not just a character cut at the end of the sample
            return None
        text = head[: exc.start].decode("utf-8")
    start = text.lstrip("\ufeff \t\r\n").lower()
    if start.startswith(("<!doctype", "<html", "<svg", "<?xml", "<script")):
        return None
    extension = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return (DOCUMENT, *_TEXT_BY_EXTENSION.get(extension, ("text/plain", ".txt")))


def _image(content: IO[bytes], mime_type: str) -> tuple[str, int, int, int, float | None]:
    """Decode with Pillow: (format, width, height, frames, seconds of animation or None).

    Anything Pillow cannot open, verify and decode is refused.
    """
    invalid = refuse(_("Not a valid image: the file could not be decoded."))
    formats = list(IMAGE_FORMATS)
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            content.seek(0)
            with Image.open(content, formats=formats) as image:
                image.verify()  # structure and checksums, without decoding
            content.seek(0)
            with Image.open(content, formats=formats) as image:
                image_format = str(image.format)
                width, height = image.size
                if width * height > MAX_IMAGE_PIXELS:
                    raise refuse(
                        _("The image is %(w)d × %(h)d pixels; at most %(max)d million are taken.")
                        % {"w": width, "h": height, "max": MAX_IMAGE_PIXELS // 1_000_000}
                    )
                image.load()  # decode the first frame: a truncated file fails here
                frames = int(getattr(image, "n_frames", 1))
                seconds = _animation_seconds(image, frames)
        except ValidationError:
            raise
        except (
            UnidentifiedImageError,
            Image.DecompressionBombError,
            Image.DecompressionBombWarning,
            OSError,
            SyntaxError,
            ValueError,
            EOFError,
            struct.error,
        ) as exc:
            raise invalid from exc
        finally:
            content.seek(0)
    if IMAGE_FORMATS.get(image_format, ("",))[0] != mime_type:
        raise invalid
    return image_format, width, height, frames, seconds


def _animation_seconds(image: Image.Image, frames: int) -> float | None:
    """The length of an animation (the frames' durations added up); None for a still image."""
    if frames <= 1:
        return None
    total_ms = 0
    for index in range(min(frames, MAX_FRAMES)):
        image.seek(index)
        total_ms += int(image.info.get("duration") or 0)
    image.seek(0)
    return round(total_ms / 1000, 3) or 0.001  # frames without timing still make an animation


def mp4_facts(content: IO[bytes]) -> tuple[int | None, int | None, float | None]:
    """(width, height, seconds) from an MP4/MOV's moov box; None where it cannot be read."""
    try:
        moov = _find_box(content, b"moov", limit=64 * CHUNK)
    except (OSError, ValueError, struct.error):
        moov = None
    finally:
        content.seek(0)
    if moov is None:
        return None, None, None
    seconds = None
    width = height = None
    for box_type, body in _boxes(moov):
        if box_type == b"mvhd" and body:
            if body[0] == 1 and len(body) >= 32:
                scale, duration = struct.unpack(">IQ", body[20:32])
            elif len(body) >= 20:
                scale, duration = struct.unpack(">II", body[12:20])
            else:
                continue
            seconds = round(duration / scale, 3) if scale else None
        elif box_type == b"trak":
            for inner_type, inner in _boxes(body):
                if inner_type == b"tkhd" and len(inner) >= 8:
                    w, h = struct.unpack(">II", inner[-8:])
                    if w and h and width is None:
                        width, height = w >> 16, h >> 16
    return width, height, seconds


def _find_box(content: IO[bytes], wanted: bytes, *, limit: int) -> bytes | None:
    """The body of a top-level box, reading only box headers until it is found."""
    content.seek(0)
    while True:
        header = content.read(8)
        if len(header) < 8:
            return None
        size, box_type = struct.unpack(">I4s", header)
        header_size = 8
        if size == 1:
            size = struct.unpack(">Q", content.read(8))[0]
            header_size = 16
        if size == 0:  # to the end of the file
            body = content.read(limit) if box_type == wanted else b""
            return body if box_type == wanted else None
        if size < header_size:
            return None
        if box_type == wanted:
            return content.read(min(size - header_size, limit))
        content.seek(size - header_size, 1)


def _boxes(data: bytes) -> list[tuple[bytes, bytes]]:
    found = []
    offset = 0
    while offset + 8 <= len(data):
        size, box_type = struct.unpack(">I4s", data[offset : offset + 8])
        if size < 8 or offset + size > len(data):
            break
        found.append((box_type, data[offset + 8 : offset + size]))
        offset += size
    return found
