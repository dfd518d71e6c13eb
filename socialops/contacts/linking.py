"""Inbox authors matched to contacts through their platform identities."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import F, Q
from django.db.models.functions import Greatest

from socialops.contacts.models import Contact, Identity
from socialops.contacts.tiers import tier_after_one_more

if TYPE_CHECKING:
    from socialops.accounts.models import Workspace
    from socialops.inbox.models import Message


def contact_for_author(
    workspace: Workspace, *, platform: str, remote_id: str, handle: str
) -> Contact | None:
    """The contact with this platform account: by the platform's user id, else by handle."""
    match = Q(remote_id=remote_id) if remote_id else Q(pk__in=[])
    if handle:
        match |= Q(handle__iexact=handle.lstrip("@"))
    identity = (
        Identity.objects.filter(match, workspace=workspace, platform=platform)
        .select_related("contact")
        .order_by("-remote_id", "id")
        .first()
    )
    return identity.contact if identity else None


def note_interaction(contact: Contact, message: Message) -> None:
    """A linked author wrote to us or we answered them: their timeline and tier move.

    One UPDATE, no read: an inbound message counts one more interaction in the 90 days and
    moves the tier (see contacts.tiers); any message moves last_interaction_at. The periodic
    recount (contacts.tasks) lets old interactions fall out of the window.
    """
    from socialops.inbox.models import Message as InboxMessage

    at = message.created_at
    last = Greatest(F("last_interaction_at"), at)
    rows = Contact.objects.filter(pk=contact.pk)
    if message.direction == InboxMessage.Direction.INBOUND:
        rows.filter(last_interaction_at__isnull=False).update(
            interactions_90d=F("interactions_90d") + 1,
            tier=tier_after_one_more(),
            last_interaction_at=last,
        )
        rows.filter(last_interaction_at__isnull=True).update(
            interactions_90d=F("interactions_90d") + 1,
            tier=tier_after_one_more(),
            last_interaction_at=at,
        )
    else:
        rows.filter(last_interaction_at__isnull=False).update(last_interaction_at=last)
        rows.filter(last_interaction_at__isnull=True).update(last_interaction_at=at)


def _author_match(identity: Identity) -> Q:
    match = Q(pk__in=[])
    if identity.remote_id:
        match |= Q(author_remote_id=identity.remote_id)
    if identity.handle:
        match |= Q(author_handle__iexact=identity.handle)
    return match


def link_conversations(identity: Identity) -> int:
    """Give the identity's contact the inbox conversations of that author not linked to anyone."""
    from socialops.inbox.models import Conversation

    return Conversation.objects.filter(
        _author_match(identity),
        workspace_id=identity.workspace_id,
        channel__platform=identity.platform,
        contact__isnull=True,
    ).update(contact_id=identity.contact_id)


def unlink_conversations(identity: Identity) -> int:
    """The reverse of link_conversations, when the identity is removed from its contact."""
    from socialops.inbox.models import Conversation

    return Conversation.objects.filter(
        _author_match(identity),
        workspace_id=identity.workspace_id,
        channel__platform=identity.platform,
        contact_id=identity.contact_id,
    ).update(contact=None)


def author_messages(contact: Contact) -> Q:
    """Messages (inbox.Message) by or to the contact: their conversations, and any message
    written by one of their identities."""
    match = Q(conversation__contact=contact)
    for identity in contact.identities.all():
        by_author = Q(pk__in=[])
        if identity.remote_id:
            by_author |= Q(author_remote_id=identity.remote_id)
        if identity.handle:
            by_author |= Q(author_handle__iexact=identity.handle)
        match |= Q(by_author, channel__platform=identity.platform)
    return match
