from __future__ import annotations

from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "socialops.campaigns"
    label = "campaigns"
    verbose_name = "Campaigns"

    def ready(self) -> None:
        from socialops.campaigns.audit_labels import LABELS
        from socialops.core.audit import describe_actions

        describe_actions(LABELS)
