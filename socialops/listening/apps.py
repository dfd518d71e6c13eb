from __future__ import annotations

from django.apps import AppConfig


class ListeningConfig(AppConfig):
    name = "socialops.listening"
    label = "listening"
    verbose_name = "Listening"

    def ready(self) -> None:
        from socialops.core.audit import describe_actions
        from socialops.listening.audit_labels import LABELS

        describe_actions(LABELS)
