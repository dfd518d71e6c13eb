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
    "asset.created": _("Library asset added"),
    "asset.updated": _("Library asset changed"),
    "asset.archived": _("Library asset archived"),
    "asset.restored": _("Library asset restored"),
    "post.imported": _("Posts imported from CSV"),
    "slot.created": _("Posting slot added"),
    "slot.deleted": _("Posting slot removed"),
    "post.queued": _("Post added to the queue"),
    # the review state machine (actions/posts.py, actions/review.py), read on the post page
    "post.created": _("Post created"),
    "post.updated": _("Post edited"),
    "post.duplicated": _("Post duplicated"),
    "post.archived": _("Post archived"),
    "post.submitted": _("Sent for review"),
    "post.returned_to_review": _("Edited after approval: back to review"),
    "post.stage_approved": _("Approved at one stage"),
    "post.approved": _("Post approved"),
    "post.changes_requested": _("Changes requested"),
    "post.scheduled": _("Post scheduled"),
    "post.rescheduled": _("Post rescheduled"),
    "post.unscheduled": _("Post taken off the calendar"),
    "post.commented": _("Review comment"),
    "content_settings.updated": _("Review settings changed"),
}
