from __future__ import annotations

from django.apps import AppConfig


class PublishingConfig(AppConfig):
    name = "socialops.publishing"
    label = "publishing"
    verbose_name = "Publishing"

    def ready(self) -> None:
        from socialops.core.audit import describe_actions
        from socialops.publishing.audit_labels import LABELS

        describe_actions(LABELS)
