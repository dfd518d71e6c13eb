"""Proactive interaction: find public posts worth engaging with, and act on them.

Discovery reads each platform's public posts through one connected account that can STREAM
(preferred: every new post once, in order) or SEARCH (per topic, since the last run). A post
becomes an EngagementTask when its author is a contact typed expert, media, KOL or competitor,
or when it is on one of the workspace's topics. Where discovery got to is a row per account
and feed (EngagementSource), claimed with a conditional UPDATE so two runs never scan the same
feed at once; a post already queued (same platform and post id) is never queued again.

Acting: the text is checked with the guidebook (errors block, warnings are kept with the
task), then sent through the account's connector where it can (reply, repost with comment,
@-mention, follow), or done by hand and marked done with its link.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import F, Q
from django.utils.translation import gettext as _

from socialops.accounts.queries import Access
from socialops.accounts.roles import Perm
from socialops.connectors.base import (
    Author,
    Capability,
    Connector,
    ConnectorError,
    InboxItem,
    OutcomeUnknown,
    PublicPost,
    PublishRequest,
    RemoteRef,
)
from socialops.core import audit
from socialops.core.audit import snapshot
from socialops.core.clock import now

from .models import Contact, EngagementSource, EngagementTask, Identity

if TYPE_CHECKING:
    from django.http import HttpRequest

    from socialops.accounts.models import Workspace
    from socialops.campaigns.models import Topic
    from socialops.channels.models import Channel
    from socialops.content.rules.engine import Finding

log = logging.getLogger(__name__)

WATCHED_KINDS = (
    Contact.Kind.EXPERT,
    Contact.Kind.MEDIA,
    Contact.Kind.KOL,
    Contact.Kind.COMPETITOR,
)
FIRST_LOOK_BACK = timedelta(days=3)  # a new feed starts this far back, not at the beginning
MAX_SCANNED = 5000  # posts read per feed per run; the cursor resumes after them
MAX_TOPIC_TASKS = 30  # topic posts queued per feed per run, so a busy topic cannot flood it
LOCK_FOR = timedelta(minutes=10)
BOT_LIKELY = 0.5  # a connector's botness score past which an author is not worth engaging
TEXT_LENGTH = 2000
TASK_FIELDS = ["state", "action", "draft", "via", "result_url", "error"]
LINT_KIND = {"reply": "comment", "repost": "comment", "mention": "mention", "follow": "comment"}


# ---- discovery -----------------------------------------------------------------------------


@dataclass
class _Watch:
    """What one platform's posts are matched against."""

    platform: str
    by_remote_id: dict[str, Identity]
    by_handle: dict[str, Identity]
    topics: list[tuple[Topic, list[str]]]
    ours: set[str]  # our accounts' user ids: our own posts are not tasks
    mentionable: dict[int, list[tuple[Contact, Identity]]]  # topic id -> contacts tagged with it
    followed: set[str]  # authors with a follow task already


def feeds(workspace: Workspace) -> list[tuple[Channel, type[Connector]]]:
    """One connected account per platform whose connector can stream or search."""
    from socialops.channels.actions import connector_class_or_none
    from socialops.channels.models import Channel

    chosen: dict[str, tuple[Channel, type[Connector]]] = {}
    for channel in Channel.objects.filter(
        workspace=workspace, status=Channel.Status.CONNECTED
    ).order_by("id"):
        cls = connector_class_or_none(channel.connector)
        if cls is None or channel.platform in chosen:
            continue
        if Capability.STREAM in cls.capabilities or Capability.SEARCH in cls.capabilities:
            chosen[channel.platform] = (channel, cls)
    return list(chosen.values())


def _watch(workspace: Workspace, platform: str) -> _Watch:
    from socialops.campaigns.models import Topic
    from socialops.channels.models import Channel

    identities = Identity.objects.filter(
        workspace=workspace, platform=platform, contact__kind__in=WATCHED_KINDS
    ).select_related("contact")
    topics = [
        (topic, sorted({topic.name.casefold(), topic.name_for(platform).casefold()}))
        for topic in Topic.objects.filter(workspace=workspace, archived=False)
    ]
    mentionable: dict[int, list[tuple[Contact, Identity]]] = {}
    for topic, _terms in topics:
        tagged = Identity.objects.filter(
            workspace=workspace,
            platform=platform,
            contact__kind__in=[Contact.Kind.EXPERT, Contact.Kind.KOL, Contact.Kind.MEDIA],
            contact__tag_index__contains=f"|{topic.name.casefold()}|",
        ).exclude(handle="")
        mentionable[topic.pk] = [(i.contact, i) for i in tagged.select_related("contact")[:5]]
    return _Watch(
        platform=platform,
        by_remote_id={i.remote_id: i for i in identities if i.remote_id},
        by_handle={i.handle.casefold(): i for i in identities if i.handle},
        topics=topics,
        ours=set(
            Channel.objects.filter(workspace=workspace, platform=platform).values_list(
                "remote_id", flat=True
            )
        ),
        mentionable=mentionable,
        followed=set(
            EngagementTask.objects.filter(
                workspace=workspace, platform=platform, action=EngagementTask.Action.FOLLOW
            ).values_list("author_remote_id", flat=True)
        ),
    )


def _candidate(
    post: PublicPost, watch: _Watch, channel: Channel, topic_budget: list[int]
) -> EngagementTask | None:
    """The task a post calls for, if any."""
    author = post.author
    if author.remote_id in watch.ours:
        return None
    botness = post.raw.get("botness")
    if isinstance(botness, int | float) and botness > BOT_LIKELY:
        return None
    base: dict[str, Any] = {
        "workspace_id": channel.workspace_id,
        "channel": channel,
        "platform": watch.platform,
        "post_remote_id": post.remote_id,
        "post_url": post.url[:1000],
        "post_text": post.text,
        "posted_at": post.created_at,
        "author_remote_id": author.remote_id[:200],
        "author_handle": author.handle.lstrip("@")[:200],
        "author_name": author.name[:200],
    }
    identity = watch.by_remote_id.get(author.remote_id) or watch.by_handle.get(
        author.handle.lstrip("@").casefold()
    )
    if identity is not None:
        contact = identity.contact
        task = EngagementTask(
            **base, source=EngagementTask.Source.CONTACT, contact=contact,
            action=_contact_action(contact, watch, author.remote_id),
        )  # fmt: skip
        task.reason = explain(task)[:500]
        return task
    if topic_budget[0] <= 0:
        return None
    text = post.text.casefold()
    for topic, terms in watch.topics:
        if any(term and term in text for term in terms):
            topic_budget[0] -= 1
            return _topic_task(base, topic, watch, author.remote_id)
    return None


def _contact_action(contact: Contact, watch: _Watch, author_id: str) -> str:
    if contact.kind == Contact.Kind.MEDIA:
        return EngagementTask.Action.REPOST
    if contact.kind == Contact.Kind.COMPETITOR and author_id not in watch.followed:
        watch.followed.add(author_id)
        return EngagementTask.Action.FOLLOW
    return EngagementTask.Action.REPLY


def _topic_task(
    base: dict[str, Any], topic: Topic, watch: _Watch, author_id: str
) -> EngagementTask:
    task = EngagementTask(
        **base, source=EngagementTask.Source.TOPIC, topic=topic, action=EngagementTask.Action.REPLY
    )
    for contact, identity in watch.mentionable.get(topic.pk, []):
        if identity.remote_id != author_id:
            task.action, task.mention_contact = EngagementTask.Action.MENTION, contact
            break
    task.reason = explain(task)[:500]
    return task


def explain(task: EngagementTask) -> str:
    """Why the task is worth doing, in the current language (stored too, for the API)."""
    action, contact, topic = task.action, task.contact, task.topic
    if task.source == EngagementTask.Source.CONTACT and contact is not None:
        who = {"name": contact.name, "kind": contact.get_kind_display()}
        if action == EngagementTask.Action.REPOST:
            return (
                _("%(name)s (%(kind)s) posted: repost it with a comment to widen its reach.") % who
            )
        if action == EngagementTask.Action.FOLLOW:
            return (
                _("%(name)s (%(kind)s) posted: follow them to keep an eye on what they do.") % who
            )
        if contact.kind == Contact.Kind.COMPETITOR:
            return _("%(name)s (%(kind)s) posted: answer only if it concerns us.") % who
        return _("%(name)s (%(kind)s) posted: join the conversation with a reply.") % who
    if topic is not None:
        mention = task.mention_contact
        if action == EngagementTask.Action.MENTION and mention is not None:
            return _("A post on the topic “%(topic)s”: @-notify %(name)s, who cares about it.") % {
                "topic": topic.name,
                "name": mention.name,
            }
        return _("A post on the topic “%(topic)s”: reply to join in.") % {"topic": topic.name}
    return task.reason


def _store(tasks: list[EngagementTask]) -> int:
    """Insert the tasks whose post is not queued yet; how many were new."""
    if not tasks:
        return 0
    unique = {(task.platform, task.post_remote_id): task for task in tasks}
    workspace_id = tasks[0].workspace_id
    known = set(
        EngagementTask.objects.filter(
            workspace_id=workspace_id,
            post_remote_id__in=[key[1] for key in unique],
        ).values_list("platform", "post_remote_id")
    )
    fresh = [task for key, task in unique.items() if key not in known]
    EngagementTask.objects.bulk_create(fresh, ignore_conflicts=True)
    return len(fresh)


def _claim(channel: Channel, key: str, at: datetime) -> EngagementSource | None:
    source, _created = EngagementSource.objects.get_or_create(channel=channel, key=key)
    claimed = (
        EngagementSource.objects.filter(pk=source.pk)
        .filter(Q(locked_until__isnull=True) | Q(locked_until__lt=at))
        .update(locked_until=at + LOCK_FOR)
    )
    if not claimed:
        return None
    source.refresh_from_db()
    return source


def _release(
    source: EngagementSource,
    *,
    at: datetime,
    cursor: str | None = None,
    scanned: int = 0,
    found: int = 0,
    error: str = "",
) -> None:
    changes: dict[str, Any] = {
        "locked_until": None,
        "checked_at": at,
        "scanned_total": F("scanned_total") + scanned,
        "found_total": F("found_total") + found,
        "last_error": error[:1000],
    }
    if cursor is not None:
        changes["cursor"] = cursor
    if error:
        changes["last_error_at"] = at
        del changes["checked_at"]
    EngagementSource.objects.filter(pk=source.pk).update(**changes)


def discover(workspace: Workspace) -> int:
    """Scan every feed of the workspace once; the tasks queued."""
    from socialops.channels.actions import connector_for

    created = 0
    for channel, cls in feeds(workspace):
        watch = _watch(workspace, channel.platform)
        if not (watch.by_remote_id or watch.by_handle or watch.topics):
            continue
        at = now()
        try:
            with connector_for(channel) as connector:
                if Capability.STREAM in cls.capabilities:
                    created += _scan_stream(connector, channel, watch, at)
                else:
                    created += _scan_search(connector, channel, watch, at)
        except ConnectorError as error:  # recorded on the source row by the scan
            log.info("engagement discovery on %s failed: %s", channel.pk, error)
    return created


def _scan_stream(connector: Connector, channel: Channel, watch: _Watch, at: datetime) -> int:
    source = _claim(channel, "stream", at)
    if source is None:
        return 0
    cursor, scanned, found, budget = source.cursor, 0, 0, [MAX_TOPIC_TASKS]
    earliest = at - FIRST_LOOK_BACK if not source.cursor else None
    tasks: list[EngagementTask] = []
    try:
        for post, position in connector.stream(source.cursor or None):
            cursor, scanned = position, scanned + 1
            if earliest is None or post.created_at >= earliest:
                task = _candidate(post, watch, channel, budget)
                if task is not None:
                    tasks.append(task)
            if scanned >= MAX_SCANNED:
                break
        found = _store(tasks)
    except ConnectorError as error:
        found = _store(tasks)  # what was read before the failure still counts
        _release(source, at=at, cursor=cursor, scanned=scanned, found=found, error=error.message)
        raise
    _release(source, at=at, cursor=cursor, scanned=scanned, found=found)
    return found


def _scan_search(connector: Connector, channel: Channel, watch: _Watch, at: datetime) -> int:
    found = 0
    for topic, terms in watch.topics:
        source = _claim(channel, f"search:{topic.pk}", at)
        if source is None:
            continue
        since = source.checked_at or at - FIRST_LOOK_BACK
        budget, tasks = [MAX_TOPIC_TASKS], []
        try:
            posts = connector.search(terms[0], since=since)
        except ConnectorError as error:
            _release(source, at=at, error=error.message)
            raise
        for post in posts:
            task = _candidate(post, watch, channel, budget)
            if task is not None:
                tasks.append(task)
        stored = _store(tasks)
        _release(source, at=at, scanned=len(posts), found=stored)
        found += stored
    return found


def discover_everywhere() -> int:
    """discover() for every workspace with a connected account."""
    from socialops.accounts.models import Workspace
    from socialops.channels.models import Channel

    total = 0
    workspace_ids = (
        Channel.objects.filter(status=Channel.Status.CONNECTED)
        .values_list("workspace_id", flat=True)
        .distinct()
    )
    for workspace in Workspace.objects.filter(pk__in=list(workspace_ids)).order_by("id"):
        total += discover(workspace)
    return total


# ---- acting --------------------------------------------------------------------------------


def check_text(task: EngagementTask, *, action: str, text: str) -> list[Finding]:
    """The guidebook's findings on the text (nothing to check for a follow without text)."""
    from socialops.guidebook.lint import lint_reply

    if not text.strip():
        return []
    return lint_reply(
        task.workspace, platform=task.platform, kind=LINT_KIND.get(action, "comment"), text=text
    )


def _findings_json(findings: list[Finding]) -> list[dict[str, Any]]:
    return [
        {
            "rule_id": f.rule_id,
            "kind": f.kind,
            "severity": f.severity,
            "message": f.message,
            "start": f.start,
            "end": f.end,
            "matched": f.matched,
            "fix": f.fix,
        }
        for f in findings
    ]


def prepare(task: EngagementTask, action: str, text: str) -> tuple[str, list[Finding]]:
    """The text as it would be sent (a mention starts with the @handle), and its findings."""
    text = text.strip()
    if action == EngagementTask.Action.MENTION:
        handle = _mention_handle(task)
        if handle and f"@{handle}".casefold() not in text.casefold():
            text = f"@{handle} {text}".strip()
    return text, check_text(task, action=action, text=text)


def _clean_text(task: EngagementTask, action: str, text: str) -> tuple[str, list[dict[str, Any]]]:
    if action not in EngagementTask.Action.values:
        raise ValidationError(
            {"action": _("One of: %(a)s.") % {"a": ", ".join(EngagementTask.Action.values)}}
        )
    if len(text.strip()) > TEXT_LENGTH:
        raise ValidationError({"text": _("At most %(n)d characters.") % {"n": TEXT_LENGTH}})
    text, findings = prepare(task, action, text)
    if action in (EngagementTask.Action.REPLY, EngagementTask.Action.REPOST) and not text:
        raise ValidationError({"text": _("Write the text first.")})
    errors = [f for f in findings if f.severity == "error"]
    if errors:
        raise ValidationError({"text": [f.message for f in errors]})
    return text, _findings_json(findings)


def _mention_handle(task: EngagementTask) -> str:
    if task.mention_contact_id is None:
        return ""
    identity = (
        Identity.objects.filter(contact_id=task.mention_contact_id, platform=task.platform)
        .exclude(handle="")
        .first()
    )
    return identity.handle if identity else ""


def can_send(task: EngagementTask, action: str) -> bool:
    """Whether the task's account can do ``action`` through its connector."""
    from socialops.channels.actions import connector_class_or_none
    from socialops.channels.models import Channel

    channel = task.channel
    if channel is None or channel.status != Channel.Status.CONNECTED:
        return False
    cls = connector_class_or_none(channel.connector)
    if cls is None:
        return False
    caps = cls.capabilities
    publishes = Capability.PUBLISH_TEXT in caps and Capability.MANUAL_PUBLISH not in caps
    if action == EngagementTask.Action.FOLLOW:
        return Capability.FOLLOW in caps and bool(task.author_handle)
    if action == EngagementTask.Action.REPLY:
        return publishes or Capability.REPLY in caps
    return publishes


def _audit(
    access: Access,
    task: EngagementTask,
    action: str,
    before: dict[str, Any],
    request: HttpRequest | None,
) -> None:
    audit.record(
        action=action,
        workspace=access.workspace,
        actor=access.user,
        request=request,
        target=task,
        before=before,
        after=snapshot(task, TASK_FIELDS),
    )


def _claim_task(access: Access, task: EngagementTask, **changes: Any) -> bool:
    return bool(
        EngagementTask.objects.filter(
            pk=task.pk, workspace=access.workspace, state=EngagementTask.State.OPEN
        ).update(**changes)
    )


def _not_open() -> ValidationError:
    return ValidationError({"state": _("This task is not open any more.")})


def act(
    *,
    access: Access,
    task: EngagementTask,
    action: str,
    text: str = "",
    request: HttpRequest | None = None,
) -> EngagementTask:
    """Do the task through the account's connector; the task done, or open with the error.

    The platform call happens outside any transaction: the task is first claimed (open →
    being sent) with its idempotency key, so a second click or a retry sends nothing twice.
    """
    access.require(Perm.INBOX_REPLY, request)
    text, warnings = _clean_text(task, action, text)
    if not can_send(task, action):
        raise ValidationError(
            {
                "action": _(
                    "This account cannot do that through the platform: do it by hand, then "
                    "mark the task done with the link."
                )
            }
        )
    before = snapshot(task, TASK_FIELDS)
    key = task.idempotency_key or f"engage-{task.pk}-{action}"
    if not _claim_task(
        access,
        task,
        state=EngagementTask.State.ACTING,
        action=action,
        draft=text,
        idempotency_key=key,
        acted_by=access.user,
        acted_at=now(),
        error="",
    ):
        raise _not_open()
    task.refresh_from_db()
    try:
        ref = _send(task, action, text, key)
    except ConnectorError as error:
        message = error.message
        if isinstance(error, OutcomeUnknown):
            message = _(
                "The platform did not confirm it (%(e)s). Trying again is safe: the same key "
                "is sent, so it cannot go out twice."
            ) % {"e": error.message}
        with transaction.atomic():
            EngagementTask.objects.filter(pk=task.pk).update(
                state=EngagementTask.State.OPEN, error=message[:1000]
            )
            task.refresh_from_db()
            _audit(access, task, "engagement.failed", before, request)
        return task
    with transaction.atomic():
        EngagementTask.objects.filter(pk=task.pk).update(
            state=EngagementTask.State.DONE,
            via=EngagementTask.Via.CONNECTOR,
            result_url=(ref.url if ref else task.post_url)[:1000],
            result_remote_id=(ref.remote_id if ref else "")[:200],
            lint=warnings,
            acted_at=now(),
        )
        task.refresh_from_db()
        _audit(access, task, "engagement.done", before, request)
    return task


def _send(task: EngagementTask, action: str, text: str, key: str) -> RemoteRef | None:
    from socialops.channels.actions import connector_for

    assert task.channel is not None  # noqa: S101 - can_send checked it
    target = RemoteRef(remote_id=task.post_remote_id, url=task.post_url)
    with connector_for(task.channel) as connector:
        if action == EngagementTask.Action.FOLLOW:
            connector.follow(task.author_handle)
            return None
        if action == EngagementTask.Action.REPOST:
            quoted = f"{text} //@{task.author_handle}: {task.post_text}".strip()
            request = PublishRequest(text=quoted[:TEXT_LENGTH], link=task.post_url)
            return connector.publish(request, idempotency_key=key)
        if action == EngagementTask.Action.MENTION:
            request = PublishRequest(text=f"{text} {task.post_url}".strip(), link=task.post_url)
            return connector.publish(request, idempotency_key=key)
        return _reply(connector, task, text, key, target)


def _reply(
    connector: Connector, task: EngagementTask, text: str, key: str, target: RemoteRef
) -> RemoteRef:
    """A reply under the post: a published reply where the platform takes one, else reply()."""
    caps = connector.capabilities
    if Capability.PUBLISH_TEXT in caps and Capability.MANUAL_PUBLISH not in caps:
        try:
            return connector.publish(
                PublishRequest(text=text, reply_to=target), idempotency_key=key
            )
        except ConnectorError as error:
            if error.code != "unsupported" or Capability.REPLY not in caps:
                raise
    item = InboxItem(
        kind="comment",
        remote_id=task.post_remote_id,
        author=Author(
            remote_id=task.author_remote_id, handle=task.author_handle, name=task.author_name
        ),
        text=task.post_text,
        created_at=task.posted_at,
        thread_id=task.post_remote_id,
        url=task.post_url,
    )
    return connector.reply(item, text, idempotency_key=key)


@transaction.atomic
def complete_by_hand(
    *,
    access: Access,
    task: EngagementTask,
    action: str | None = None,
    text: str = "",
    result_url: str = "",
    request: HttpRequest | None = None,
) -> EngagementTask:
    """Someone did it on the platform themselves: record what, and where it is."""
    access.require(Perm.INBOX_REPLY, request)
    action = action or task.action
    text = text.strip()
    warnings: list[dict[str, Any]] = []
    if text:
        text, warnings = _clean_text(task, action, text)
    elif action not in EngagementTask.Action.values:
        raise ValidationError({"action": _("Unknown action.")})
    result_url = result_url.strip()
    if result_url:
        try:
            URLValidator(schemes=["http", "https"])(result_url)
        except ValidationError as exc:
            raise ValidationError(
                {"result_url": _("Not a web address (http:// or https://).")}
            ) from exc
    if len(result_url) > 1000:
        raise ValidationError({"result_url": _("At most %(n)d characters.") % {"n": 1000}})
    before = snapshot(task, TASK_FIELDS)
    if not _claim_task(
        access,
        task,
        state=EngagementTask.State.DONE,
        action=action,
        draft=text,
        via=EngagementTask.Via.HAND,
        result_url=result_url,
        lint=warnings,
        acted_by=access.user,
        acted_at=now(),
        error="",
    ):
        raise _not_open()
    task.refresh_from_db()
    _audit(access, task, "engagement.done", before, request)
    return task


@transaction.atomic
def skip(
    *, access: Access, task: EngagementTask, request: HttpRequest | None = None
) -> EngagementTask:
    access.require(Perm.INBOX_REPLY, request)
    before = snapshot(task, TASK_FIELDS)
    if not _claim_task(
        access, task, state=EngagementTask.State.SKIPPED, acted_by=access.user, acted_at=now()
    ):
        raise _not_open()
    task.refresh_from_db()
    _audit(access, task, "engagement.skipped", before, request)
    return task


@transaction.atomic
def reopen(
    *, access: Access, task: EngagementTask, request: HttpRequest | None = None
) -> EngagementTask:
    """A skipped task back in the queue (a done one stays done: it happened)."""
    access.require(Perm.INBOX_REPLY, request)
    before = snapshot(task, TASK_FIELDS)
    updated = EngagementTask.objects.filter(
        pk=task.pk, workspace=access.workspace, state=EngagementTask.State.SKIPPED
    ).update(state=EngagementTask.State.OPEN, acted_by=None, acted_at=None)
    if not updated:
        raise ValidationError({"state": _("Only a skipped task can go back to the queue.")})
    task.refresh_from_db()
    _audit(access, task, "engagement.reopened", before, request)
    return task


def release_stuck(*, older_than: timedelta = timedelta(minutes=15)) -> int:
    """Tasks left "being sent" by a crash go back to the queue; their key makes a retry safe."""
    return EngagementTask.objects.filter(
        state=EngagementTask.State.ACTING, acted_at__lt=now() - older_than
    ).update(
        state=EngagementTask.State.OPEN,
        error=_("Sending was interrupted. Trying again is safe: the same key is sent."),
    )
