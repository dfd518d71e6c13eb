"""Template helpers for the Platform section: labels for catalog codes, the other language."""

from __future__ import annotations

from enum import StrEnum

from django import template
from django.utils.translation import get_language

from socialops.platforms.catalog import Text
from socialops.platforms.labels import LIMIT_LABELS
from socialops.platforms.labels import label as code_label

register = template.Library()


@register.filter
def label(value: StrEnum) -> str:
    return code_label(value)


@register.filter
def limit_label(key: str) -> str:
    found = LIMIT_LABELS.get(key)
    return str(found) if found is not None else key


@register.filter
def other_language(text: Text) -> str:
    """The name in the language not shown, when it differs: 新浪微博 · Sina Weibo."""
    other = text.in_language("en" if (get_language() or "zh").startswith("zh") else "zh")
    return "" if other == str(text) else other


@register.filter
def percent(share: float) -> int:
    return round(share * 100)


@register.filter
def hour_bars(weights: list[int]) -> list[tuple[int, int]]:
    """(hour, height in percent of the busiest hour) for a small bar chart."""
    top = max(weights) or 1
    return [(hour, round(weight * 100 / top)) for hour, weight in enumerate(weights)]
