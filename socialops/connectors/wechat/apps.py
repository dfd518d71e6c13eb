from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WechatConfig(AppConfig):
    """WeChat's message callbacks: the endpoints' secrets and the events they received."""

    name = "socialops.connectors.wechat"
    label = "wechat"
    verbose_name = "WeChat Official Account"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from socialops.core.audit import describe_actions

        describe_actions({"wechat.callback_rejected": _("WeChat callback rejected")})
