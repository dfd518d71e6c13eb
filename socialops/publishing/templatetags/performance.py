"""`{% post_performance post as rows %}` for the post page's performance partial."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import json_script
from django.utils.translation import gettext as _

from socialops.content.models import Post
from socialops.publishing.reports import PublicationPerformance, post_performance

register = template.Library()


@register.simple_tag
def post_performance_rows(post: Post) -> list[PublicationPerformance]:
    return post_performance(post)


@register.simple_tag
def line_chart_script(row: PublicationPerformance) -> str:
    """The row's snapshots as <script id="perf-chart-<id>">, for publishing/charts.js."""
    return json_script(line_chart_data(row), f"perf-chart-{row.publication.pk}")


def line_chart_data(row: PublicationPerformance) -> dict[str, Any]:
    chart = row.chart()
    return {
        **chart,
        "labels": {
            "impressions": _("Impressions"),
            "engagements": _("Engagements"),
            "likes": _("Likes"),
            "reposts": _("Reposts"),
            "comments": _("Comments"),
        },
    }


@register.filter
def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.2f}%"


@register.filter
def link_trackable(post: Post) -> bool:
    """The post has a link and may still be edited: its link can become tracked links."""
    from socialops.content.actions.posts import EDITABLE_STATES

    return bool(post.link) and post.state in EDITABLE_STATES
