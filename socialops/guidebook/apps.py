from __future__ import annotations

from typing import Any

from django.apps import AppConfig


class GuidebookConfig(AppConfig):
    name = "socialops.guidebook"
    label = "guidebook"
    verbose_name = "Guidebook"

    def ready(self) -> None:
        from socialops.core.audit import describe_actions
        from socialops.guidebook.audit_labels import LABELS

        describe_actions(LABELS)
        from socialops.accounts.signals import starter_kit_wanted

        starter_kit_wanted.connect(_starter_kit, dispatch_uid="guidebook.starter_kit")


def _starter_kit(sender: Any, *, workspace: Any, actor: Any = None, **kwargs: Any) -> None:
    from socialops.guidebook.actions import ensure_default_guidebook

    ensure_default_guidebook(workspace, actor=actor)
