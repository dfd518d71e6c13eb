from __future__ import annotations

from typing import Any

from django.apps import AppConfig


class SlaConfig(AppConfig):
    name = "socialops.sla"
    label = "sla"
    verbose_name = "Response-time targets"

    def ready(self) -> None:
        from socialops.core.audit import describe_actions
        from socialops.sla.audit_labels import LABELS

        describe_actions(LABELS)
        from socialops.accounts.signals import starter_kit_wanted

        starter_kit_wanted.connect(_starter_kit, dispatch_uid="sla.starter_kit")


def _starter_kit(sender: Any, *, workspace: Any, actor: Any = None, **kwargs: Any) -> None:
    from socialops.sla.actions import ensure_default_policies

    ensure_default_policies(workspace, actor=actor)
