from __future__ import annotations

from django.apps import AppConfig


class SandboxConfig(AppConfig):
    """The simulated network's persisted state lives in this app's tables."""

    name = "socialops.connectors.sandbox"
    label = "sandbox"
    verbose_name = "Sandbox network"
