from __future__ import annotations

from django.apps import AppConfig


class GuidebookConfig(AppConfig):
    name = "socialops.guidebook"
    label = "guidebook"
    verbose_name = "Guidebook"
