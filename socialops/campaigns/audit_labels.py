"""Readable names of the campaign actions in the audit log."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

LABELS = {
    "topic.created": _("Topic created"),
    "topic.updated": _("Topic changed"),
    "topic.archived": _("Topic archived"),
    "hashtag_set.created": _("Hashtag set created"),
    "hashtag_set.updated": _("Hashtag set changed"),
    "hashtag_set.archived": _("Hashtag set archived"),
    "link.created": _("Tracked link created"),
}
