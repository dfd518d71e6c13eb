"""Every write to topics and hashtag sets: one transaction, one audit row with before and after."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from socialops.accounts.queries import Access
from socialops.accounts.roles import Perm
from socialops.core import audit
from socialops.core.audit import snapshot
from socialops.core.clock import now
from socialops.platforms import catalog

from . import links
from .models import NAME_LENGTH, HashtagSet, LinkClick, ShortLink, Topic

if TYPE_CHECKING:
    from django.http import HttpRequest

    from socialops.content.models import Post

TOPIC_FIELDS = ["name", "overrides", "notes", "archived"]
SET_FIELDS = ["name", "purpose", "archived"]
SET_NAME_LENGTH = 100


def _name_taken(access: Access, topic: Topic | None, name: str) -> bool:
    others = Topic.objects.filter(workspace=access.workspace, name=name)
    return (others.exclude(pk=topic.pk) if topic else others).exists()


def _clean_topic(access: Access, topic: Topic | None, name: str, overrides: Any) -> dict[str, Any]:
    fields: dict[str, str] = {}
    name = " ".join(name.split())
    if not name:
        fields["name"] = _("Give the topic a name.")
    elif len(name) > NAME_LENGTH:
        fields["name"] = _("At most %(n)d characters.") % {"n": NAME_LENGTH}
    elif _name_taken(access, topic, name):
        fields["name"] = _("This workspace already has a topic with this name.")
    cleaned: dict[str, str] = {}
    if not isinstance(overrides, dict):
        fields["overrides"] = _("Give a name per platform code.")
    else:
        for code, value in overrides.items():
            if catalog.get(str(code)) is None:
                fields["overrides"] = _("Unknown platform: %(code)s.") % {"code": code}
            elif not isinstance(value, str) or len(value.strip()) > NAME_LENGTH:
                fields["overrides"] = _("Each name is text of at most %(n)d characters.") % {
                    "n": NAME_LENGTH
                }
            elif value.strip():
                cleaned[str(code)] = " ".join(value.split())
    if fields:
        raise ValidationError(fields)
    return {"name": name, "overrides": dict(sorted(cleaned.items()))}


@transaction.atomic
def create_topic(
    *,
    access: Access,
    name: str,
    overrides: Any = None,
    notes: str = "",
    request: HttpRequest | None = None,
) -> Topic:
    access.require(Perm.CONTENT_EDIT, request)
    cleaned = _clean_topic(access, None, name, overrides or {})
    topic = Topic.objects.create(
        workspace=access.workspace, notes=notes.strip(), created_by=access.user, **cleaned
    )
    audit.record(
        action="topic.created",
        workspace=access.workspace,
        actor=access.user,
        request=request,
        target=topic,
        after=snapshot(topic, TOPIC_FIELDS),
    )
    return topic


@transaction.atomic
def update_topic(
    *, access: Access, topic: Topic, request: HttpRequest | None = None, **changes: Any
) -> Topic:
    """Change any of name, overrides, notes and archived."""
    access.require(Perm.CONTENT_EDIT, request)
    unknown = set(changes) - set(TOPIC_FIELDS)
    if unknown:
        raise TypeError(f"update_topic() got unexpected fields {sorted(unknown)}")
    locked = Topic.objects.select_for_update().get(pk=topic.pk, workspace=access.workspace)
    before = snapshot(locked, TOPIC_FIELDS)
    cleaned = _clean_topic(
        access,
        locked,
        changes.get("name", locked.name),
        changes.get("overrides", locked.overrides),
    )
    locked.name, locked.overrides = cleaned["name"], cleaned["overrides"]
    locked.notes = str(changes.get("notes", locked.notes)).strip()
    locked.archived = bool(changes.get("archived", locked.archived))
    after = snapshot(locked, TOPIC_FIELDS)
    if after != before:
        locked.updated_at = now()
        locked.save()
        archived_only = [key for key in before if before[key] != after[key]] == ["archived"]
        action = "topic.archived" if archived_only and locked.archived else "topic.updated"
        audit.record(
            action=action,
            workspace=access.workspace,
            actor=access.user,
            request=request,
            target=locked,
            before=before,
            after=after,
        )
    return locked


def archive_topic(*, access: Access, topic: Topic, request: HttpRequest | None = None) -> Topic:
    return update_topic(access=access, topic=topic, archived=True, request=request)


def _set_snapshot(hashtag_set: HashtagSet, topic_ids: list[int]) -> dict[str, Any]:
    return {**snapshot(hashtag_set, SET_FIELDS), "topic_ids": sorted(topic_ids)}


def _clean_set(access: Access, name: str, purpose: str, topic_ids: Any) -> dict[str, Any]:
    fields: dict[str, str] = {}
    name = " ".join(name.split())
    if not name:
        fields["name"] = _("Give the set a name.")
    elif len(name) > SET_NAME_LENGTH:
        fields["name"] = _("At most %(n)d characters.") % {"n": SET_NAME_LENGTH}
    if len(purpose.strip()) > SET_NAME_LENGTH:
        fields["purpose"] = _("At most %(n)d characters.") % {"n": SET_NAME_LENGTH}
    wanted = {int(pk) for pk in topic_ids}
    found = set(
        Topic.objects.filter(workspace=access.workspace, pk__in=wanted).values_list("pk", flat=True)
    )
    if wanted - found:
        fields["topic_ids"] = _("Some topics are not in this workspace.")
    if fields:
        raise ValidationError(fields)
    return {"name": name, "purpose": purpose.strip(), "topic_ids": sorted(found)}


@transaction.atomic
def create_hashtag_set(
    *,
    access: Access,
    name: str,
    topic_ids: list[int] | None = None,
    purpose: str = "",
    request: HttpRequest | None = None,
) -> HashtagSet:
    access.require(Perm.CONTENT_EDIT, request)
    cleaned = _clean_set(access, name, purpose, topic_ids or [])
    hashtag_set = HashtagSet.objects.create(
        workspace=access.workspace,
        name=cleaned["name"],
        purpose=cleaned["purpose"],
        created_by=access.user,
    )
    hashtag_set.topics.set(cleaned["topic_ids"])
    audit.record(
        action="hashtag_set.created",
        workspace=access.workspace,
        actor=access.user,
        request=request,
        target=hashtag_set,
        after=_set_snapshot(hashtag_set, cleaned["topic_ids"]),
    )
    return hashtag_set


@transaction.atomic
def update_hashtag_set(
    *, access: Access, hashtag_set: HashtagSet, request: HttpRequest | None = None, **changes: Any
) -> HashtagSet:
    """Change any of name, purpose, topic_ids and archived."""
    access.require(Perm.CONTENT_EDIT, request)
    unknown = set(changes) - {*SET_FIELDS, "topic_ids"}
    if unknown:
        raise TypeError(f"update_hashtag_set() got unexpected fields {sorted(unknown)}")
    locked = HashtagSet.objects.select_for_update().get(
        pk=hashtag_set.pk, workspace=access.workspace
    )
    current_ids = list(locked.topics.values_list("pk", flat=True))
    before = _set_snapshot(locked, current_ids)
    cleaned = _clean_set(
        access,
        changes.get("name", locked.name),
        changes.get("purpose", locked.purpose),
        changes.get("topic_ids", current_ids),
    )
    locked.name, locked.purpose = cleaned["name"], cleaned["purpose"]
    locked.archived = bool(changes.get("archived", locked.archived))
    after = _set_snapshot(locked, cleaned["topic_ids"])
    if after != before:
        locked.updated_at = now()
        locked.save()
        locked.topics.set(cleaned["topic_ids"])
        archived_only = [key for key in before if before[key] != after[key]] == ["archived"]
        action = (
            "hashtag_set.archived" if archived_only and locked.archived else "hashtag_set.updated"
        )
        audit.record(
            action=action,
            workspace=access.workspace,
            actor=access.user,
            request=request,
            target=locked,
            before=before,
            after=after,
        )
    return locked


def archive_hashtag_set(
    *, access: Access, hashtag_set: HashtagSet, request: HttpRequest | None = None
) -> HashtagSet:
    return update_hashtag_set(
        access=access, hashtag_set=hashtag_set, archived=True, request=request
    )


# ---- tracked short links ---------------------------------------------------------------------

LINK_FIELDS = ["code", "target_url", *links.UTM_FIELDS, "post", "channel"]
UTM_LENGTH = 100


def _clean_link(access: Access, target_url: str, utm: dict[str, str]) -> dict[str, Any]:
    from urllib.parse import urlsplit

    fields: dict[str, str] = {}
    target_url = target_url.strip()
    parts = urlsplit(target_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        fields["target_url"] = _("Give a web address starting with http:// or https://.")
    elif len(target_url) > 1500:
        fields["target_url"] = _("At most %(n)d characters.") % {"n": 1500}
    cleaned = {}
    for name in links.UTM_FIELDS:
        value = " ".join(str(utm.get(name) or "").split())
        if len(value) > UTM_LENGTH:
            fields[name] = _("At most %(n)d characters.") % {"n": UTM_LENGTH}
        cleaned[name] = value
    if fields:
        raise ValidationError(fields)
    return {"target_url": target_url, **cleaned}


def _new_link(**values: Any) -> ShortLink:
    """Insert with a fresh random code; a taken code (1 in 62**7) is retried."""
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return ShortLink.objects.create(code=links.new_code(), **values)
        except IntegrityError:
            continue
    raise RuntimeError("no free short-link code after 5 tries")


@transaction.atomic
def create_link(
    *,
    access: Access,
    target_url: str,
    utm: dict[str, str] | None = None,
    post_id: int | None = None,
    channel_id: int | None = None,
    request: HttpRequest | None = None,
) -> ShortLink:
    """A tracked short link; post and account, when given, must be in the workspace."""
    from socialops.channels.models import Channel
    from socialops.content.models import Post

    access.require(Perm.CONTENT_EDIT, request)
    cleaned = _clean_link(access, target_url, utm or {})
    post = channel = None
    if post_id is not None:
        post = Post.objects.filter(workspace=access.workspace, pk=post_id).first()
        if post is None:
            raise ValidationError({"post_id": _("No such post in this workspace.")})
    if channel_id is not None:
        channel = Channel.objects.filter(workspace=access.workspace, pk=channel_id).first()
        if channel is None:
            raise ValidationError({"channel_id": _("No such account in this workspace.")})
    link = _new_link(
        workspace=access.workspace, post=post, channel=channel, created_by=access.user, **cleaned
    )
    audit.record(
        action="link.created",
        workspace=access.workspace,
        actor=access.user,
        request=request,
        target=link,
        after=snapshot(link, LINK_FIELDS),
    )
    return link


@transaction.atomic
def shorten_for_post(
    *, access: Access, post: Post, campaign: str = "", request: HttpRequest | None = None
) -> dict[int, ShortLink]:
    """Replace the post's link with a tracked link per account, in each account's text.

    utm_source is the account's platform, utm_medium "social", utm_campaign ``campaign`` and
    utm_content "post-<id>". Links made before for the same account and campaign are reused,
    so calling it twice changes nothing. The texts change through content's update_post (an
    approved post goes back to review). Returns channel id -> link.
    """
    from socialops.content.actions import update_post

    access.require(Perm.CONTENT_EDIT, request)
    if not post.link:
        raise ValidationError({"link": _("The post has no link to track.")})
    made: dict[int, ShortLink] = {}
    specs = []
    for variant in post.variants.select_related("channel").order_by("channel_id"):
        channel = variant.channel
        utm = {
            "utm_source": channel.platform,
            "utm_medium": "social",
            "utm_campaign": campaign,
            "utm_content": f"post-{post.pk}",
        }
        link = ShortLink.objects.filter(
            workspace=access.workspace,
            post=post,
            channel=channel,
            target_url=post.link,
            utm_campaign=" ".join(campaign.split()),
        ).first()
        if link is None:
            link = create_link(
                access=access,
                target_url=post.link,
                utm=utm,
                post_id=post.pk,
                channel_id=channel.pk,
                request=request,
            )
        made[channel.pk] = link
        url = links.short_url(link.code)
        if post.link in variant.text:
            text = variant.text.replace(post.link, url)
        elif url in variant.text:
            text = variant.text
        else:
            text = f"{variant.text.rstrip()} {url}".strip()
        if text != variant.text:
            specs.append({"channel_id": channel.pk, "text": text})
    if specs:
        update_post(access=access, post=post, changes={"variants": specs}, request=request)
    return made


def record_click(*, code: str, request: HttpRequest) -> str | None:
    """Count one follow of /l/<code>; the URL to send the visitor to, or None if unknown.

    HEAD requests are answered without counting; bots and prefetches count as bot_clicks.
    Clicks are not audited (they are not changes anyone made), only counted.
    """
    link = ShortLink.objects.filter(code=code).first()
    if link is None:
        return None
    target = links.with_utm(
        link.target_url, {name: getattr(link, name) for name in links.UTM_FIELDS}
    )
    if request.method == "HEAD":
        return target
    agent = request.headers.get("User-Agent", "")[:1000]
    bot = links.bot_family(agent)
    if bot is None and links.is_prefetch(request):
        bot = "Prefetch"
    with transaction.atomic():
        LinkClick.objects.create(
            link=link,
            is_bot=bot is not None,
            referrer_host=links.referrer_host(request),
            agent_family=(bot or links.browser_family(agent))[:40],
            visitor=links.visitor_hash(request),
        )
        counter = "bot_clicks" if bot is not None else "clicks"
        ShortLink.objects.filter(pk=link.pk).update(**{counter: F(counter) + 1})
    return target
