"""Inbox authors matched to contacts through their platform identities."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from socialops.contacts.models import Contact, Identity

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
    """A linked author wrote to us or we answered them: their timeline and tier move."""
