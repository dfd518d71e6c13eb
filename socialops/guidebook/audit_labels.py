"""Readable names of the guidebook's actions in the audit log."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

LABELS = {
    "guidebook.updated": _("Guidebook changed"),
    "guidebook.section_created": _("Guidebook section added"),
    "guidebook.section_updated": _("Guidebook section changed"),
    "guidebook.section_deleted": _("Guidebook section deleted"),
    "guidebook.defaults_added": _("Draft guidebook added"),
    "guidebook.canned_created": _("Canned reply created"),
    "guidebook.canned_updated": _("Canned reply changed"),
    "guidebook.canned_deleted": _("Canned reply deleted"),
    "inbox.moved_to_dm": _("Moved to DM"),
}
