"""The bell in the top navigation: how many of your notifications are unread."""

from __future__ import annotations

from django import template

from socialops.core import notifications

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notification_count(context: template.Context) -> int:
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return 0
    return notifications.unread_count(user)
