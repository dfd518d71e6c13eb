"""Readable names of the content actions in the audit log."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

LABELS = {
    "editorial_rule.created": _("Publishing rule created"),
    "editorial_rule.updated": _("Publishing rule changed"),
    "editorial_rule.enabled": _("Publishing rule enabled"),
    "editorial_rule.disabled": _("Publishing rule disabled"),
    "editorial_rule.deleted": _("Publishing rule deleted"),
    "content_pillar.created": _("Content pillar created"),
    "content_pillar.updated": _("Content pillar changed"),
    "content_pillar.archived": _("Content pillar archived"),
    "content_pillar.restored": _("Content pillar restored"),
    "content_pillar.reordered": _("Content pillars reordered"),
}
