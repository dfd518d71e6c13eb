"""Fan tiers from how often a contact wrote to us in the last 90 days.

A contact's interactions are the inbound messages (comments, mentions, DMs) of the inbox
conversations linked to them; our replies do not count. Thresholds, over 90 days:

- core (核心): 10 or more
- active (活跃): 3 to 9
- casual (偶尔): 1 or 2
- dormant (沉睡): none in 90 days, though they wrote to us before
- "" (no tier): they never wrote to us
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Case, Count, Max, Q, Value, When
from django.utils.translation import gettext_lazy as _

from socialops.accounts.models import Workspace
from socialops.core.clock import now

from .models import Contact

WINDOW = timedelta(days=90)
CORE, ACTIVE, CASUAL, DORMANT = "core", "active", "casual", "dormant"
# (tier, the fewest interactions in WINDOW), highest first
THRESHOLDS: list[tuple[str, int]] = [(CORE, 10), (ACTIVE, 3), (CASUAL, 1)]
LABELS = {
    CORE: _("Core"),
    ACTIVE: _("Active"),
    CASUAL: _("Casual"),
    DORMANT: _("Dormant"),
    "": _("No interaction yet"),
}
BADGES = {CORE: "text-bg-danger", ACTIVE: "text-bg-warning", CASUAL: "text-bg-info"}


def tier_for(interactions_90d: int, last_interaction_at: datetime | None) -> str:
    for tier, least in THRESHOLDS:
        if interactions_90d >= least:
            return tier
    return DORMANT if last_interaction_at is not None else ""


def tier_after_one_more() -> Case:
    """The tier once interactions_90d grows by one, as an UPDATE expression (no read first)."""
    whens = [When(interactions_90d__gte=least - 1, then=Value(tier)) for tier, least in THRESHOLDS]
    return Case(*whens, default=Value(CASUAL))


def recompute(
    workspace: Workspace | None = None,
    *,
    contact_ids: list[int] | None = None,
    at: datetime | None = None,
) -> int:
    """Recount every contact's interactions in the window and their tier; the rows changed."""
    from socialops.inbox.models import Message

    at = at or now()
    since = at - WINDOW
    contacts = Contact.objects.all()
    messages = Message.objects.filter(conversation__contact__isnull=False)
    if workspace is not None:
        contacts = contacts.filter(workspace=workspace)
        messages = messages.filter(workspace=workspace)
    if contact_ids is not None:
        contacts = contacts.filter(pk__in=contact_ids)
        messages = messages.filter(conversation__contact__in=contact_ids)
    stats = {
        row["conversation__contact"]: row
        for row in messages.values("conversation__contact").annotate(
            recent=Count(
                "id", filter=Q(direction=Message.Direction.INBOUND, created_at__gte=since)
            ),
            last=Max("created_at"),
        )
    }
    changed: list[Contact] = []
    fields = ("interactions_90d", "last_interaction_at", "tier")
    for contact in contacts.only("id", *fields).iterator(chunk_size=2000):
        row = stats.get(contact.pk)
        count = int(row["recent"]) if row else 0
        last = row["last"] if row else None
        if last is not None and contact.last_interaction_at is not None:
            last = max(last, contact.last_interaction_at)
        last = last or contact.last_interaction_at
        tier = tier_for(count, last)
        if (contact.interactions_90d, contact.last_interaction_at, contact.tier) != (
            count,
            last,
            tier,
        ):
            contact.interactions_90d, contact.last_interaction_at, contact.tier = count, last, tier
            changed.append(contact)
    Contact.objects.bulk_update(changed, fields, batch_size=500)
    return len(changed)
