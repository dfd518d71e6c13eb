"""Whether a library asset can go to a platform: its kind, format, size, pixels, length, rights.

``check_asset_for(asset, platform)`` is what the composer calls before attaching an asset to a
variant; the asset page shows it for every platform in use. Limits come from the catalog's
``[platform.media]`` tables; a limit the catalog does not state is not checked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from socialops.core.clock import now
from socialops.platforms import catalog
from socialops.platforms.catalog import Format, Platform

from .validate import human_size

if TYPE_CHECKING:
    from socialops.content.models import Asset

ERROR = "error"
WARNING = "warning"
EXPIRING_WITHIN = timedelta(days=14)


@dataclass(frozen=True)
class Problem:
    severity: str  # "error": the platform will refuse it; "warning": check before publishing
    code: str
    message: str


def rights_state(asset: Asset, at: datetime | None = None) -> str:
    """ "expired", "expiring" (within 14 days) or "ok"."""
    if asset.expires_at is None:
        return "ok"
    at = at or now()
    if asset.expires_at <= at:
        return "expired"
    return "expiring" if asset.expires_at - at <= EXPIRING_WITHIN else "ok"


def check_asset_for(asset: Asset, platform: Platform | str) -> list[Problem]:
    """What stands between this asset and a post on ``platform`` (empty: it fits)."""
    found = catalog.get(platform) if isinstance(platform, str) else platform
    if found is None:
        return [Problem(ERROR, "unknown_platform", _("Not a platform in the catalog."))]
    problems = _rights(asset)
    if found.is_retired:
        problems.append(Problem(ERROR, "retired", _("This platform has closed.")))
        return problems
    kind = asset.kind
    if kind == "image":
        problems += _image(asset, found)
    elif kind == "video":
        problems += _video(asset, found)
    elif kind == "snippet":
        problems += _snippet(asset, found)
    elif kind == "link" and Format.LINK not in found.formats:
        problems.append(Problem(WARNING, "no_links", _("Posts here do not carry links.")))
    elif kind == "document":
        problems.append(
            Problem(
                ERROR,
                "document",
                _("Documents are not published as attachments: share a link to it instead."),
            )
        )
    return problems


def _rights(asset: Asset) -> list[Problem]:
    state = rights_state(asset)
    if state == "expired":
        return [Problem(ERROR, "rights_expired", _("The usage rights have expired."))]
    problems = []
    if state == "expiring":
        problems.append(
            Problem(WARNING, "rights_expiring", _("The usage rights expire within 14 days."))
        )
    if asset.rights == "unknown":
        problems.append(
            Problem(WARNING, "rights_unknown", _("The usage rights are unknown: check first."))
        )
    return problems


def _image(asset: Asset, platform: Platform) -> list[Problem]:
    if Format.IMAGE_SET not in platform.formats:
        return [Problem(ERROR, "no_images", _("This platform does not take images."))]
    media = platform.media
    if media is None:
        return [_unknown_limits()]
    problems = []
    image_format = _format_of(asset.mime_type)
    if media.image_formats and image_format not in media.image_formats:
        problems.append(
            Problem(
                ERROR,
                "image_format",
                _("%(format)s is not taken here: use %(formats)s.")
                % {
                    "format": image_format or asset.mime_type,
                    "formats": _join(media.image_formats),
                },
            )
        )
    limit = media.gif_max_bytes if image_format == "GIF" and media.gif_max_bytes else None
    limit = limit or media.image_max_bytes
    if limit is not None and asset.size_bytes > limit:
        problems.append(_too_big(asset.size_bytes, limit))
    pixels = (asset.width or 0) * (asset.height or 0)
    if media.image_max_pixels is not None and pixels > media.image_max_pixels:
        problems.append(
            Problem(
                ERROR,
                "image_pixels",
                _("%(w)d × %(h)d pixels is more than the %(max)s million allowed.")
                % {
                    "w": asset.width,
                    "h": asset.height,
                    "max": f"{media.image_max_pixels / 1_000_000:.1f}",
                },
            )
        )
    if image_format == "GIF" and _animated(asset) and not media.animated_gif:
        problems.append(
            Problem(WARNING, "gif_still", _("Animated GIFs show as a still image here."))
        )
    if media.article_image_max_bytes is not None and Format.ARTICLE in platform.formats:
        inline_ok = asset.size_bytes <= media.article_image_max_bytes and (
            not media.article_image_formats or image_format in media.article_image_formats
        )
        if not inline_ok:
            problems.append(
                Problem(
                    WARNING,
                    "article_image",
                    _("Inside an article body images must be %(formats)s under %(limit)s.")
                    % {
                        "formats": _join(media.article_image_formats),
                        "limit": human_size(media.article_image_max_bytes),
                    },
                )
            )
    if media.estimate:
        problems.append(_estimated())
    return problems


def _video(asset: Asset, platform: Platform) -> list[Problem]:
    if Format.VIDEO not in platform.formats:
        return [Problem(ERROR, "no_video", _("This platform does not take videos."))]
    media = platform.media
    if media is None or not (media.video_formats or media.video_max_bytes):
        return [_unknown_limits()]
    problems = []
    if media.video_formats and asset.mime_type not in media.video_formats:
        problems.append(
            Problem(
                ERROR,
                "video_format",
                _("%(type)s is not taken here: use %(formats)s.")
                % {"type": asset.mime_type, "formats": _join(media.video_formats)},
            )
        )
    if media.video_max_bytes is not None and asset.size_bytes > media.video_max_bytes:
        problems.append(_too_big(asset.size_bytes, media.video_max_bytes))
    if media.video_max_seconds is not None:
        if asset.duration_seconds is None:
            problems.append(
                Problem(
                    WARNING,
                    "video_length_unknown",
                    _("Its length is unknown; at most %(max)d seconds are taken.")
                    % {"max": media.video_max_seconds},
                )
            )
        elif asset.duration_seconds > media.video_max_seconds:
            problems.append(
                Problem(
                    ERROR,
                    "video_too_long",
                    _("%(length)d seconds is longer than the %(max)d allowed.")
                    % {"length": round(asset.duration_seconds), "max": media.video_max_seconds},
                )
            )
    if media.estimate:
        problems.append(_estimated())
    return problems


def _snippet(asset: Asset, platform: Platform) -> list[Problem]:
    if not platform.can_check_text or not asset.text:
        return []
    checked = platform.text.check(asset.text)
    if not checked.over:
        return []
    return [
        Problem(
            WARNING,
            "text_too_long",
            _("Longer than one post here: %(used)s of %(limit)s.")
            % {"used": checked.length, "limit": checked.limit},
        )
    ]


def _format_of(mime_type: str) -> str:
    from .validate import IMAGE_FORMATS

    return next((name for name, (mime, _ext) in IMAGE_FORMATS.items() if mime == mime_type), "")


def _animated(asset: Asset) -> bool:
    """An image with a duration is animated (upload records an animation's length there)."""
    return asset.kind == "image" and bool(asset.duration_seconds)


def _too_big(size: int, limit: int) -> Problem:
    return Problem(
        ERROR,
        "too_big",
        _("%(size)s is more than the %(limit)s allowed.")
        % {"size": human_size(size), "limit": human_size(limit)},
    )


def _unknown_limits() -> Problem:
    return Problem(
        WARNING, "limits_unknown", _("The catalog has no media limits for it: check by hand.")
    )


def _estimated() -> Problem:
    return Problem(WARNING, "estimate", _("Some of these limits are estimates."))


def _join(items: list[str]) -> str:
    return ", ".join(items)
