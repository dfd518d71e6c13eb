from __future__ import annotations

from django.apps import AppConfig


class ChannelsConfig(AppConfig):
    name = "socialops.channels"
    label = "channels"
    verbose_name = "Channels"

    def ready(self) -> None:
        from socialops.channels.audit_labels import LABELS
        from socialops.core.audit import describe_actions

        describe_actions(LABELS)
