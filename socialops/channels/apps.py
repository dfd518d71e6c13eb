from __future__ import annotations

from django.apps import AppConfig


class ChannelsConfig(AppConfig):
    name = "socialops.channels"
    label = "channels"
    verbose_name = "Channels"
