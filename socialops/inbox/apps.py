from __future__ import annotations

from django.apps import AppConfig


class InboxConfig(AppConfig):
    name = "socialops.inbox"
    label = "inbox"
    verbose_name = "Inbox"

    def ready(self) -> None:
        from socialops.core.audit import describe_actions
        from socialops.inbox.audit_labels import LABELS

        describe_actions(LABELS)
