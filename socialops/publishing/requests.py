"""A variant frozen into the JSON a publication sends, and back into a PublishRequest."""

from __future__ import annotations

from typing import Any

from socialops.connectors.base import Article, Media, PublishRequest


def freeze(request: PublishRequest) -> dict[str, Any]:
    article = request.article
    return {
        "text": request.text,
        "media": [_media(m) for m in request.media],
        "link": request.link,
        "first_comment": request.first_comment,
        "article": None
        if article is None
        else {
            "title": article.title,
            "html": article.html,
            "author": article.author,
            "digest": article.digest,
            "cover": _media(article.cover) if article.cover else None,
            "source_url": article.source_url,
        },
    }


def thaw(data: dict[str, Any]) -> PublishRequest:
    article = data.get("article")
    return PublishRequest(
        text=data.get("text", ""),
        media=tuple(Media(**m) for m in data.get("media") or ()),
        link=data.get("link", ""),
        first_comment=data.get("first_comment", ""),
        article=None
        if not article
        else Article(
            title=article["title"],
            html=article["html"],
            author=article.get("author", ""),
            digest=article.get("digest", ""),
            cover=Media(**article["cover"]) if article.get("cover") else None,
            source_url=article.get("source_url", ""),
        ),
    )


def _media(media: Media) -> dict[str, str]:
    return {"kind": media.kind, "path": media.path, "mime_type": media.mime_type, "alt": media.alt}
