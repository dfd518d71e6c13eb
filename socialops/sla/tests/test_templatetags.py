"""The template tags the inbox uses: the list badge and the clocks of a conversation."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import time_machine
from django.template import Context, Template

from socialops.sla.actions import ensure_default_policies
from socialops.sla.queries import badges

SHANGHAI = ZoneInfo("Asia/Shanghai")


def render(text: str, **context) -> str:
    return Template("{% load sla %}" + text).render(Context(context))


def test_it_renders_a_badge_per_state(team, inbox):
    ensure_default_policies(team.workspace)
    with time_machine.travel(datetime(2026, 11, 26, 10, 0, tzinfo=SHANGHAI), tick=False) as t:
        running = inbox.conversation(kind="dm")
        inbox.inbound(running)
        nothing = inbox.conversation(kind="dm")
        t.shift(60 * 31)
        shown = badges([running, nothing])

        html = render("{% sla_badge badges id %}", badges=shown, id=running.pk)
        empty = render("{% sla_badge badges id %}", badges=shown, id=nothing.pk)

    assert 'data-sla="breached"' in html
    assert "Overdue" in html
    assert empty.strip() == ""


def test_it_lists_the_clocks_of_a_conversation(team, inbox):
    ensure_default_policies(team.workspace)
    conversation = inbox.conversation(kind="dm")
    inbox.inbound(conversation)
    inbox.outbound(conversation, by=team.dave)

    html = render("{% sla_clocks conversation %}", conversation=conversation)

    assert 'data-clock="first_response" data-state="hit"' in html
    assert 'data-clock="resolution" data-state="running"' in html
    assert render("{% sla_clocks c %}", c=inbox.conversation()).count("No response-time") == 1
