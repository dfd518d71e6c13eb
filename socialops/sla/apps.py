from __future__ import annotations

from django.apps import AppConfig


class SlaConfig(AppConfig):
    name = "socialops.sla"
    label = "sla"
    verbose_name = "Response-time targets"
