"""Readable names of the publishing actions in the audit log."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

LABELS = {
    "publication.published": _("Publication published"),
    "publication.failed": _("Publication failed"),
    "publication.unconfirmed": _("Publication outcome unknown"),
    "publication.retry_scheduled": _("Publication retry scheduled"),
    "publication.rate_limited": _("Publication delayed by a rate limit"),
    "publication.reconciled": _("Publication found on the platform"),
    "publication.manual_task": _("Publication handed to a person"),
    "publication.retried": _("Publication retried"),
    "publication.resolved": _("Unconfirmed publication settled by hand"),
    "publication.reconcile_requested": _("Publication checked with the platform on request"),
    # refresh_post_state (publishing/actions.py) writes these for the post.
    "post.publishing": _("Post publishing"),
    "post.published": _("Post published"),
    "post.failed": _("Post failed to publish"),
    "post.unconfirmed": _("Post publishing unconfirmed"),
    # metrics.py (tracking)
    "metrics.refreshed": _("Post metrics refreshed"),
    "metrics.entered": _("Post metrics entered by hand"),
    "metrics.imported": _("Post metrics imported from CSV"),
}
