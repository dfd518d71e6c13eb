"""Readable names of the listening actions in the audit log."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

LABELS = {
    "listening.query_created": _("Listening query created"),
    "listening.query_updated": _("Listening query changed"),
    "listening.query_deleted": _("Listening query deleted"),
    "listening.source_created": _("Listening source added"),
    "listening.source_updated": _("Listening source changed"),
    "listening.source_deleted": _("Listening source deleted"),
    "listening.source_reset": _("Listening source cursor reset"),
    "listening.destination_created": _("Alert destination created"),
    "listening.destination_updated": _("Alert destination changed"),
    "listening.destination_deleted": _("Alert destination deleted"),
    "listening.destination_tested": _("Test alert sent to a destination"),
    "listening.mention_to_conversation": _("Mention put in the inbox"),
    "listening.mention_to_task": _("Mention turned into an engagement task"),
    "listening.mention_to_contact": _("Mention author made a contact"),
    "listening.alert_acknowledged": _("Listening alert acknowledged"),
    "listening.alert_resolved": _("Listening alert resolved"),
    "listening.alert_reopened": _("Listening alert reopened"),
}
