"""Readable names of the inbox actions in the audit log."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

LABELS = {
    "inbox.assigned": _("Conversation assigned"),
    "inbox.auto_assigned": _("Conversation assigned by a rule"),
    "inbox.status_changed": _("Conversation status changed"),
    "inbox.priority_changed": _("Conversation priority changed"),
    "inbox.labelled": _("Label added to a conversation"),
    "inbox.unlabelled": _("Label removed from a conversation"),
    "inbox.note_added": _("Internal note added"),
    "inbox.replied": _("Reply written and queued for sending"),
    "inbox.reply_retried": _("Failed reply sent again"),
    # written by inbox.sending (helper ingest)
    "inbox.reply_sent": _("Reply sent"),
    "inbox.reply_failed": _("Reply failed"),
    "inbox.reply_unconfirmed": _("Reply outcome unknown"),
    "inbox.reply_reconciled": _("Reply confirmed on the platform"),
    "inbox.label_created": _("Inbox label created"),
    "inbox.label_updated": _("Inbox label changed"),
    "inbox.label_deleted": _("Inbox label deleted"),
    "inbox.view_created": _("Saved inbox view created"),
    "inbox.view_updated": _("Saved inbox view changed"),
    "inbox.view_deleted": _("Saved inbox view deleted"),
    "inbox.rule_created": _("Assignment rule created"),
    "inbox.rule_updated": _("Assignment rule changed"),
    "inbox.rule_deleted": _("Assignment rule deleted"),
    "inbox.rules_reordered": _("Assignment rules reordered"),
}
