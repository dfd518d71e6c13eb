"""The WeChat article body (图文) is HTML from the editor: cleaned with nh3 before it is stored."""

from __future__ import annotations

import nh3

ALLOWED_TAGS = {
    "a",
    "b",
    "blockquote",
    "br",
    "code",
    "em",
    "figcaption",
    "figure",
    "h1",
    "h2",
    "h3",
    "h4",
    "hr",
    "i",
    "img",
    "li",
    "ol",
    "p",
    "pre",
    "section",
    "span",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "u",
    "ul",
}
# WeChat's editor styles text inline; keep the harmless typographic properties only.
STYLE_PROPERTIES = {
    "background-color",
    "color",
    "font-size",
    "font-style",
    "font-weight",
    "letter-spacing",
    "line-height",
    "margin",
    "margin-bottom",
    "margin-top",
    "padding",
    "text-align",
    "text-decoration",
    "text-indent",
}
_STYLED = {"p", "span", "section", "strong", "em", "h1", "h2", "h3", "h4", "blockquote", "td"}
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
    **{tag: {"style"} for tag in _STYLED},
}
ALLOWED_ATTRIBUTES["td"] |= {"style"}


def clean_article_html(html: str) -> str:
    """Scripts, event handlers, iframes and unknown styles removed; links get rel=noopener."""
    if not html.strip():
        return ""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
        filter_style_properties=STYLE_PROPERTIES,
    ).strip()
