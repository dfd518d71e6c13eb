"""Readable names of the SLA actions in the audit log."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

LABELS = {
    "sla.calendar_created": _("Business-hours calendar created"),
    "sla.calendar_updated": _("Business-hours calendar changed"),
    "sla.calendar_deleted": _("Business-hours calendar deleted"),
    "sla.policy_created": _("Response-time policy created"),
    "sla.policy_updated": _("Response-time policy changed"),
    "sla.policy_deleted": _("Response-time policy deleted"),
    "sla.defaults_created": _("Default response-time policies added"),
}
