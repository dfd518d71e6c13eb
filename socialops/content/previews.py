"""What the composer and the post page show of a variant: its count, findings, platform preview."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from socialops.platforms import catalog

from . import queries
from .adapt import adapt_text
from .highlight import Segment, highlighted
from .models import Asset, ContentSettings, Post, PostApproval
from .queries_posts import measure
from .richtext import clean_article_html
from .rules import Finding, Severity

if TYPE_CHECKING:
    from django.utils.functional import Promise

    from socialops.accounts.models import Workspace
    from socialops.campaigns.models import Topic
    from socialops.channels.models import Channel
    from socialops.core import text as core_text
    from socialops.core.models import AuditEvent

# The platforms with a preview of their own; the rest get a plain card.
PREVIEWS = {"weibo", "wechat", "mastodon", "bluesky", "x"}
ICONS = {
    "weibo": "bi-sina-weibo",
    "wechat": "bi-wechat",
    "wechat_channels": "bi-wechat",
    "mastodon": "bi-mastodon",
    "bluesky": "bi-bluesky",
    "x": "bi-twitter-x",
    "douyin": "bi-tiktok",
}
UNIT_NOTES: dict[str, Promise] = {
    "weibo": _("Weibo counts a Chinese character as 1, Latin letters as ½, a link as 10."),
    "x": _("X counts CJK characters as 2 and every link as 23."),
    "bluesky": _("Bluesky counts graphemes (what you see as one character)."),
    "mastodon": _("Mastodon counts characters; a link counts as 23."),
    "wechat": _("WeChat counts characters of the article body."),
}
NO_LIMIT = 100_000  # a generic platform without a known limit: show the count only


def icon(platform: str) -> str:
    return ICONS.get(platform, "bi-globe")


def platform_name(platform: str) -> str:
    entry = catalog.get(platform)
    return str(entry.name) if entry is not None else platform


@dataclass(frozen=True, slots=True)
class Piece:
    """A run of a variant's text as the platform shows it: plain, a topic, a mention or a link."""

    text: str
    kind: str = ""


def pieces(text: str, check: core_text.TextCheck) -> list[Piece]:
    """The text cut at the topics, mentions and links the platform's rules found."""
    entities = sorted([*check.topics, *check.mentions, *check.links], key=lambda e: e.start)
    found: list[Piece] = []
    position = 0
    for entity in entities:
        if entity.start < position:
            continue
        if entity.start > position:
            found.append(Piece(text[position : entity.start]))
        found.append(Piece(text[entity.start : entity.end], entity.kind))
        position = entity.end
    if position < len(text):
        found.append(Piece(text[position:]))
    return found


@dataclass(frozen=True, slots=True)
class Tile:
    """An attached library item as a preview shows it."""

    title: str
    kind: str
    url: str


def asset_url(asset: Asset) -> str:
    """Where the library serves the file (it checks access); nothing for an asset without one."""
    if not asset.file:
        return ""
    try:
        return reverse(
            "content_asset_file", kwargs={"slug": asset.workspace.slug, "asset_id": asset.pk}
        )
    except NoReverseMatch:  # the library's pages are not installed
        return ""


def tiles(assets: Iterable[Asset]) -> list[Tile]:
    return [Tile(title=a.title, kind=a.kind, url=asset_url(a)) for a in assets]


@dataclass
class VariantDraft:
    """A variant as the composer holds it (saved or not), measured and linted."""

    channel: Channel
    text: str
    customised: bool
    include_media: bool
    check: core_text.TextCheck
    findings: list[Finding]
    blocked: list[str] = field(default_factory=list)  # why submitting was refused
    media: list[Tile] = field(default_factory=list)
    pk: int | None = None

    @property
    def segments(self) -> list[Segment]:
        return highlighted(self.text, self.findings)

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == Severity.ERROR)

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity == Severity.WARNING)

    @property
    def pieces(self) -> list[Piece]:
        return pieces(self.text, self.check)

    @property
    def platform(self) -> str:
        return self.channel.platform

    @property
    def preview(self) -> str:
        return self.platform if self.platform in PREVIEWS else "generic"

    @property
    def icon(self) -> str:
        return icon(self.platform)

    @property
    def platform_name(self) -> str:
        return platform_name(self.platform)

    @property
    def unit_note(self) -> str:
        entry = catalog.get(self.platform)
        rules = entry.text.rules if entry is not None else "generic"
        note = UNIT_NOTES.get(rules)
        return str(note) if note is not None else str(_("Counted in characters."))

    @property
    def has_limit(self) -> bool:
        return self.check.limit < NO_LIMIT

    @property
    def initial(self) -> str:
        name = self.channel.display_name or self.channel.handle or "?"
        return name[:1].upper()


def draft(
    workspace: Workspace,
    channel: Channel,
    *,
    text: str,
    customised: bool = False,
    include_media: bool = True,
    paid: bool = False,
    topics: Sequence[Topic] = (),
    media: Sequence[Asset] = (),
    blocked: Sequence[str] = (),
    pk: int | None = None,
) -> VariantDraft:
    findings = queries.lint_for(
        workspace, text, platform=channel.platform, paid=paid, topics=[t.name for t in topics]
    )
    return VariantDraft(
        channel=channel,
        text=text,
        customised=customised,
        include_media=include_media,
        check=measure(channel.platform, text),
        findings=findings,
        blocked=list(blocked),
        media=tiles(media) if include_media else [],
        pk=pk,
    )


def adapted(body: str, channel: Channel, topics: Sequence[Topic]) -> str:
    return adapt_text(body, platform=channel.platform, connector=channel.connector, topics=topics)


def saved_drafts(post: Post, blocked: dict[int, list[str]] | None = None) -> list[VariantDraft]:
    """The post's saved variants, in the order they were added."""
    topics = list(post.topics.all())
    media = [row.asset for row in post.media.select_related("asset", "asset__workspace")]
    return [
        draft(
            post.workspace,
            variant.channel,
            text=variant.text,
            customised=variant.customised,
            include_media=variant.include_media,
            paid=post.paid,
            topics=topics,
            media=media,
            blocked=(blocked or {}).get(variant.channel_id, ()),
            pk=variant.pk,
        )
        for variant in post.variants.select_related("channel").order_by("id")
    ]


# The post page ------------------------------------------------------------------------------


def timeline(post: Post) -> list[AuditEvent]:
    """Every audited change of the post, oldest first."""
    from socialops.core.models import AuditEvent

    return list(
        AuditEvent.objects.filter(
            workspace_id=post.workspace_id, target_type="post", target_id=str(post.pk)
        )
        .select_related("actor")
        .order_by("id")
    )


@dataclass(frozen=True)
class ApprovalStatus:
    stages: int  # 0: no approval step
    done: list[PostApproval]  # this version's approvals since it was last submitted
    history: list[PostApproval]  # every decision, newest first

    @property
    def next_stage(self) -> int:
        return len(self.done) + 1

    def approved_by(self, user_id: int) -> bool:
        return any(a.decided_by_id == user_id for a in self.done)


def approval_status(post: Post) -> ApprovalStatus:
    found = ContentSettings.objects.filter(workspace_id=post.workspace_id).first()
    stages = found.approval_stages if found else ContentSettings.Approval.ONE
    since = post.submitted_at or post.created_at
    history = list(post.approvals.select_related("decided_by").order_by("-id"))
    done = sorted(
        (
            a
            for a in history
            if a.version == post.version
            and a.decision == PostApproval.Decision.APPROVED
            and a.decided_at >= since
        ),
        key=lambda a: a.stage,
    )
    return ApprovalStatus(stages=int(stages), done=done, history=history)


@dataclass(frozen=True)
class ArticlePreview:
    """The WeChat article form as its preview shows it; html is cleaned again before display."""

    title: str = ""
    author: str = ""
    digest: str = ""
    html: str = ""
    cover: Tile | None = None


def article_preview(
    *, title: str, author: str, digest: str, html: str, cover: Asset | None
) -> ArticlePreview:
    return ArticlePreview(
        title=title,
        author=author,
        digest=digest,
        html=clean_article_html(html),
        cover=tiles([cover])[0] if cover is not None else None,
    )


def article_of(post: Post) -> ArticlePreview:
    return article_preview(
        title=post.article_title,
        author=post.article_author,
        digest=post.article_digest,
        html=post.article_html,
        cover=post.article_cover,
    )
