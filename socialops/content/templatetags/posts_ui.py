"""Template helpers of the post pages: platform icons and names."""

from __future__ import annotations

from django import template

from socialops.content import previews

register = template.Library()


@register.filter
def platform_icon(platform: str) -> str:
    """The Bootstrap Icons class of a platform: bi-sina-weibo, bi-wechat, … or bi-globe."""
    return previews.icon(platform)


@register.filter
def platform_name(platform: str) -> str:
    return previews.platform_name(platform)
