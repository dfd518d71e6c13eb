"""The guidebook's markdown-lite: paragraphs, "- " and "1. " lists, "## " headings, **bold**
and bare links; everything else is text. Escaped first, then cleaned by nh3 again."""

from __future__ import annotations

import html

import nh3
import regex
from django.utils.safestring import SafeString, mark_safe

TAGS = {"p", "ul", "ol", "li", "h3", "h4", "strong", "a", "br"}
BULLET = regex.compile(r"^\s*[-*•]\s+(.*)$")
NUMBERED = regex.compile(r"^\s*\d{1,3}[.、)]\s*(.*)$")
HEADING = regex.compile(r"^(#{1,3})\s+(.*)$")
BOLD = regex.compile(r"\*\*(.+?)\*\*")
LINK = regex.compile(r"https?://[^\s<>\"'，。；）)]+")


def _inline(text: str) -> str:
    escaped = html.escape(text, quote=True)
    escaped = LINK.sub(lambda m: f'<a href="{m.group(0)}">{m.group(0)}</a>', escaped)
    return BOLD.sub(r"<strong>\1</strong>", escaped)


def render(text: str) -> SafeString:
    """Safe HTML for a section's text."""
    out: list[str] = []
    paragraph: list[str] = []
    list_tag = ""

    def close_paragraph() -> None:
        if paragraph:
            out.append("<p>" + "<br>".join(paragraph) + "</p>")
            paragraph.clear()

    def close_list() -> None:
        nonlocal list_tag
        if list_tag:
            out.append(f"</{list_tag}>")
            list_tag = ""

    for line in text.replace("\r\n", "\n").split("\n"):
        bullet, numbered, heading = BULLET.match(line), NUMBERED.match(line), HEADING.match(line)
        item = bullet or numbered
        if item:
            close_paragraph()
            wanted = "ul" if bullet else "ol"
            if list_tag != wanted:
                close_list()
                out.append(f"<{wanted}>")
                list_tag = wanted
            out.append(f"<li>{_inline(item.group(1))}</li>")
        elif heading:
            close_paragraph()
            close_list()
            level = "h3" if len(heading.group(1)) <= 2 else "h4"
            out.append(f"<{level}>{_inline(heading.group(2))}</{level}>")
        elif not line.strip():
            close_paragraph()
            close_list()
        else:
            close_list()
            paragraph.append(_inline(line.strip()))
    close_paragraph()
    close_list()
    cleaned = nh3.clean(
        "".join(out),
        tags=TAGS,
        attributes={"a": {"href"}},
        url_schemes={"http", "https"},
        link_rel="noopener noreferrer nofollow",
    )
    return mark_safe(cleaned)  # noqa: S308 - escaped above and cleaned by nh3
