"""WeChat Official Account articles (图文消息): field lengths and body limits of the draft API."""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser

from .common import TextCheck, count_code_points, make_check, utf8_length

WECHAT_TITLE_MAX = 32
WECHAT_AUTHOR_MAX = 16
WECHAT_DIGEST_MAX = 128
WECHAT_CONTENT_MAX_CHARS = 19_999  # "必须少于2万字符": under 20,000 characters
WECHAT_CONTENT_MAX_BYTES = 1024 * 1024 - 1  # "小于1M": under 1 MB


@dataclass(frozen=True, slots=True)
class Problem:
    """One rule an article breaks; ``code`` is stable, ``message`` is for people."""

    field: str
    code: str
    message: str


def check_wechat_article(title: str, author: str, digest: str, html: str) -> list[Problem]:
    """Everything WeChat would reject or silently change in an article, field by field."""
    problems: list[Problem] = []
    for field, value, maximum in (
        ("title", title, WECHAT_TITLE_MAX),
        ("author", author, WECHAT_AUTHOR_MAX),
        ("digest", digest, WECHAT_DIGEST_MAX),
    ):
        length = count_code_points(value)
        if length > maximum:
            message = f"{field} has {length} characters; WeChat allows {maximum}"
            problems.append(Problem(field, "too_long", message))
    if not title.strip():
        problems.append(Problem("title", "required", "an article needs a title"))
    if not html.strip():
        problems.append(Problem("content", "required", "an article needs a body"))
    characters, size = count_code_points(html), utf8_length(html)
    if characters > WECHAT_CONTENT_MAX_CHARS:
        message = f"the body has {characters} characters; WeChat takes under 20,000"
        problems.append(Problem("content", "too_long", message))
    if size > WECHAT_CONTENT_MAX_BYTES:
        message = f"the body is {size} bytes; WeChat takes under 1 MB"
        problems.append(Problem("content", "too_large", message))
    if scripts := find_scripts(html):
        message = "WeChat removes JavaScript from articles: " + ", ".join(scripts)
        problems.append(Problem("content", "script", message))
    return problems


def check_wechat_content(html: str) -> TextCheck:
    """The article body as a TextCheck: code points against the 20,000-character limit."""
    over = utf8_length(html) > WECHAT_CONTENT_MAX_BYTES
    return make_check("wechat", count_code_points(html), WECHAT_CONTENT_MAX_CHARS, over=over)


def find_scripts(html: str) -> list[str]:
    """Script in the HTML: <script> elements, on* event handlers and javascript: URLs."""
    finder = _ScriptFinder()
    finder.feed(html)
    finder.close()
    return finder.found


class _ScriptFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self.found.append("<script>")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=…>")
            elif value and "".join(value.split()).lower().startswith("javascript:"):
                self.found.append(f'<{tag} {name}="javascript:…">')
