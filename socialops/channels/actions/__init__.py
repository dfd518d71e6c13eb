"""Every write to channels: connect, reconnect, disconnect, the matrix, profiles and facade.

Platform calls happen outside database transactions; each write that follows is atomic and
audited with before/after snapshots that never include credentials.

The modules, each importing only those listed before it:
- credentials: sealing secrets, connector_for, key rotation;
- lifecycle: disconnect, reconnect-needed, simulated faults;
- profile: refresh_profile and the facade checklist;
- connect: connecting with fields, and saving what any connect flow learned;
- oauth: the OAuth state and callback;
- matrix: role, owner, capacity, notes and complements.
"""

from .connect import Identity, connect_channel, reconnect_channel
from .credentials import (
    SEALED_CONFIG,
    config_of,
    connector_class,
    connector_class_or_none,
    connector_for,
    credentials_of,
    redirect_uri,
    rotate_credentials,
)
from .lifecycle import (
    CHANNEL_FIELDS,
    PUSH_KEY,
    PUSH_URL,
    disconnect_channel,
    mark_reconnect_needed,
    simulate_faults,
)
from .matrix import MATRIX_FIELDS, MAX_CAPACITY_HOURS, update_matrix
from .oauth import OAUTH_SALT, OAUTH_STATE_LIFETIME, OAuthRefused, complete_oauth, start_oauth
from .profile import TICK_STATES, audit_facade, refresh_profile, tick_facade_item

__all__ = [
    "CHANNEL_FIELDS",
    "MATRIX_FIELDS",
    "MAX_CAPACITY_HOURS",
    "OAUTH_SALT",
    "OAUTH_STATE_LIFETIME",
    "PUSH_KEY",
    "PUSH_URL",
    "SEALED_CONFIG",
    "TICK_STATES",
    "Identity",
    "OAuthRefused",
    "audit_facade",
    "complete_oauth",
    "config_of",
    "connect_channel",
    "connector_class",
    "connector_class_or_none",
    "connector_for",
    "credentials_of",
    "disconnect_channel",
    "mark_reconnect_needed",
    "reconnect_channel",
    "redirect_uri",
    "refresh_profile",
    "rotate_credentials",
    "simulate_faults",
    "start_oauth",
    "tick_facade_item",
    "update_matrix",
]
