from __future__ import annotations

from django.apps import AppConfig


class ContentConfig(AppConfig):
    name = "socialops.content"
    label = "content"
    verbose_name = "Content"

    def ready(self) -> None:
        from socialops.content.audit_labels import LABELS
        from socialops.core.audit import describe_actions

        describe_actions(LABELS)
