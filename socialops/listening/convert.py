"""A mention turned into work: an inbox conversation, an engagement task, or a contact.

Each is one transaction with the mention row locked, audited, and idempotent: a mention already
turned into a conversation (task, contact) answers the one it has.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from socialops.accounts.queries import Access
from socialops.accounts.roles import Perm
from socialops.channels.models import Channel
from socialops.connectors.base import Author, InboxItem
from socialops.contacts import actions as contact_actions
from socialops.contacts.linking import contact_for_author
from socialops.contacts.models import Contact, EngagementTask
from socialops.core import audit
from socialops.inbox.arrival import store_items
from socialops.inbox.models import Conversation, Kind, Message

from .models import Mention, MentionMatch


def _locked(access: Access, mention: Mention) -> Mention:
    return Mention.objects.select_for_update().get(pk=mention.pk, workspace=access.workspace)


def _audit(
    access: Access, mention: Mention, action: str, request: HttpRequest | None, **after: Any
) -> None:
    audit.record(
        action=action,
        workspace=access.workspace,
        actor=access.user,
        request=request,
        target=mention,
        after={"mention": mention.pk, "platform": mention.platform, **after},
    )


def channel_for(access: Access, platform: str) -> Channel | None:
    """The workspace's connected account on the platform (the oldest, when there are several)."""
    return (
        Channel.objects.filter(
            workspace=access.workspace, platform=platform, status=Channel.Status.CONNECTED
        )
        .order_by("connected_at", "id")
        .first()
    )


def to_conversation(
    *, access: Access, mention: Mention, request: HttpRequest | None = None
) -> Conversation:
    """The mention in the inbox, stored through the inbox's own arrival (threaded, classified,
    assigned like any mention there)."""
    access.require(Perm.INBOX_REPLY, request)
    with transaction.atomic():
        row = _locked(access, mention)
        if row.conversation_id is not None:
            conversation = Conversation.objects.filter(pk=row.conversation_id).first()
            if conversation is not None:
                return conversation
        channel = channel_for(access, row.platform)
        if channel is None:
            raise ValidationError(
                {
                    "channel": _(
                        "No connected account on %(platform)s: connect one to answer this "
                        "mention from the inbox."
                    )
                    % {"platform": row.platform}
                }
            )
        item = InboxItem(
            kind=Kind.MENTION,
            remote_id=row.remote_id,
            author=Author(
                remote_id=row.author_remote_id,
                handle=row.author_handle,
                name=row.author_name,
                followers=row.author_followers,
                verified=row.author_verified,
            ),
            text=row.text,
            created_at=row.posted_at,
            url=row.url,
            raw={"listening_mention": row.pk},
        )
        store_items(channel, [item])
        message = (
            Message.objects.filter(channel=channel, remote_id=row.remote_id[:200])
            .select_related("conversation")
            .first()
        )
        if message is None:  # arrival refused it (it never does for a mention with an id)
            raise ValidationError({"mention": _("The inbox could not store this mention.")})
        conversation = message.conversation
        row.conversation = conversation
        row.save(update_fields=["conversation"])
        mention.conversation = conversation
        _audit(
            access,
            row,
            "listening.mention_to_conversation",
            request,
            conversation=conversation.pk,
            channel=channel.pk,
        )
        return conversation


def _reason(row: Mention) -> str:
    names = list(
        MentionMatch.objects.filter(mention=row)
        .order_by("query__name")
        .values_list("query__name", flat=True)
    )
    if names:
        return _("Found by listening (queries: %(names)s).") % {"names": ", ".join(names)}
    return _("Found by listening.")


def to_engagement_task(
    *, access: Access, mention: Mention, request: HttpRequest | None = None
) -> EngagementTask:
    """An engagement task (reply) for the mention; the existing one when the post has one."""
    access.require(Perm.INBOX_REPLY, request)
    with transaction.atomic():
        row = _locked(access, mention)
        if row.engagement_task_id is not None:
            task = EngagementTask.objects.filter(pk=row.engagement_task_id).first()
            if task is not None:
                return task
        task = EngagementTask.objects.filter(
            workspace=access.workspace, platform=row.platform, post_remote_id=row.remote_id[:200]
        ).first()
        created = task is None
        if task is None:
            task = EngagementTask.objects.create(
                workspace=access.workspace,
                channel=channel_for(access, row.platform),
                platform=row.platform,
                source=EngagementTask.Source.CONTACT
                if row.contact_id
                else EngagementTask.Source.TOPIC,
                contact_id=row.contact_id,
                post_remote_id=row.remote_id[:200],
                post_url=row.url,
                post_text=row.text,
                posted_at=row.posted_at,
                author_remote_id=row.author_remote_id,
                author_handle=row.author_handle.lstrip("@"),
                author_name=row.author_name,
                action=EngagementTask.Action.REPLY,
                reason=_reason(row)[:500],
            )
        row.engagement_task = task
        row.save(update_fields=["engagement_task"])
        mention.engagement_task = task
        _audit(
            access,
            row,
            "listening.mention_to_task",
            request,
            engagement_task=task.pk,
            created=created,
        )
        return task


def to_contact(
    *,
    access: Access,
    mention: Mention,
    kind: str,
    name: str = "",
    request: HttpRequest | None = None,
) -> tuple[Contact, bool]:
    """The author as a contact of this kind (or the contact they already are); (contact, created).

    Every mention by the same author is linked too.
    """
    access.require(Perm.CONTACTS_EDIT, request)
    if kind not in Contact.Kind.values:
        raise ValidationError(
            {"kind": _("One of: %(kinds)s.") % {"kinds": ", ".join(Contact.Kind.values)}}
        )
    with transaction.atomic():
        row = _locked(access, mention)
        if not row.author_remote_id and not row.author_handle:
            raise ValidationError({"mention": _("The platform did not say who wrote this post.")})
        contact = contact_for_author(
            access.workspace,
            platform=row.platform,
            remote_id=row.author_remote_id,
            handle=row.author_handle,
        )
        created = contact is None
        if contact is None:
            contact = contact_actions.create_contact(
                access=access,
                name=name.strip() or row.author_name or row.author_handle or row.author_remote_id,
                kind=kind,
                identities=[
                    {
                        "platform": row.platform,
                        "handle": row.author_handle,
                        "remote_id": row.author_remote_id,
                    }
                ],
                request=request,
            )
        same_author = Mention.objects.filter(workspace=access.workspace, platform=row.platform)
        if row.author_remote_id:
            same_author = same_author.filter(author_remote_id=row.author_remote_id)
        else:
            same_author = same_author.filter(author_handle__iexact=row.author_handle)
        linked = same_author.update(contact=contact, author_type=contact.kind)
        mention.contact, mention.author_type = contact, contact.kind
        _audit(
            access,
            row,
            "listening.mention_to_contact",
            request,
            contact=contact.pk,
            created=created,
            mentions_linked=linked,
        )
        return contact, created
