"""Readable names of the contacts and engagement actions in the audit log."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

LABELS = {
    "contact.created": _("Contact created"),
    "contact.updated": _("Contact changed"),
    "contact.deleted": _("Contact deleted"),
    "contact.identity_added": _("Contact account added"),
    "contact.identity_removed": _("Contact account removed"),
    "contact.imported": _("Contacts imported"),
    "engagement.done": _("Engagement done"),
    "engagement.failed": _("Engagement failed"),
    "engagement.skipped": _("Engagement skipped"),
    "engagement.reopened": _("Engagement back in the queue"),
}
