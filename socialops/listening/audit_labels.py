"""Readable names of the listening actions in the audit log."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

LABELS = {
    "listening.query_created": _("Listening query created"),
    "listening.query_updated": _("Listening query changed"),
    "listening.query_deleted": _("Listening query deleted"),
}
