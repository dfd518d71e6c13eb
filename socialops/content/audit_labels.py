"""Readable names of the content actions in the audit log."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

LABELS = {
    "editorial_rule.created": _("Publishing rule created"),
    "editorial_rule.updated": _("Publishing rule changed"),
    "editorial_rule.enabled": _("Publishing rule enabled"),
    "editorial_rule.disabled": _("Publishing rule disabled"),
    "editorial_rule.deleted": _("Publishing rule deleted"),
}
