"""Readable names of the channel actions in the audit log."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

LABELS = {
    "channel.connected": _("Account connected"),
    "channel.connect_failed": _("Account connection failed"),
    "channel.reconnected": _("Account reconnected"),
    "channel.reconnect_failed": _("Account reconnection failed"),
    "channel.reconnect_needed": _("Account needs reconnecting"),
    "channel.disconnected": _("Account disconnected"),
    "channel.oauth_started": _("Authorisation started"),
    "channel.oauth_refused": _("Authorisation refused"),
    "channel.profile_refreshed": _("Profile read from the platform"),
    "channel.facade_checked": _("Profile item checked"),
    "channel.matrix_updated": _("Account matrix changed"),
    "channel.credentials_rotated": _("Credentials re-encrypted"),
    "channel.faults_simulated": _("Simulated failures set"),
    "channel.platform_error": _("The platform refused a call"),
}
