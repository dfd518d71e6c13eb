"""Template tags the inbox can use to show SLA state: a badge in the list, the clocks of a thread.

{% load sla %}
{% sla_badge badges conversation.pk %}     {# badges = sla.queries.badges(page_of_conversations) #}
{% sla_clocks conversation %}              {# one query: every clock of the conversation #}
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext_lazy as _

from ..models import Clock, Metric
from ..queries import Badge

register = template.Library()

BADGE_STYLES = {
    "running": ("text-bg-light", "bi-stopwatch", _("Due")),
    "warning": ("text-bg-warning", "bi-hourglass-split", _("Due soon")),
    "breached": ("text-bg-danger", "bi-exclamation-octagon", _("Overdue")),
    "paused": ("text-bg-secondary", "bi-pause-circle", _("Paused")),
    "hit": ("text-bg-success", "bi-check2-circle", _("In time")),
}


@register.inclusion_tag("sla/_badge.html")
def sla_badge(badges: dict[int, Badge] | None, conversation_id: int) -> dict[str, Any]:
    badge = (badges or {}).get(conversation_id)
    if badge is None:
        return {"badge": None}
    css, icon, label = BADGE_STYLES[badge.state]
    return {
        "badge": badge,
        "css": css,
        "icon": icon,
        "label": label,
        "metric": Metric(badge.metric).label,
    }


@register.inclusion_tag("sla/_clocks.html")
def sla_clocks(conversation: Any) -> dict[str, Any]:
    clocks = list(
        Clock.objects.filter(conversation_id=conversation.pk)
        .exclude(state=Clock.State.CANCELLED)
        .order_by("-id")[:10]
    )
    return {"clocks": clocks}
