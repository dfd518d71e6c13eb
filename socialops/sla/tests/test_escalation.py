"""The escalation task: a warning before the breach and a notice at it, each once per clock."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from socialops.core.models import Notification
from socialops.sla import escalation, tasks
from socialops.sla.actions import ensure_default_policies
from socialops.sla.models import Clock, SlaEvent

SHANGHAI = ZoneInfo("Asia/Shanghai")
THURSDAY_10 = datetime(2026, 11, 26, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture
def traveller(team):
    ensure_default_policies(team.workspace)
    with time_machine.travel(THURSDAY_10, tick=False) as moving:
        yield moving


def notices(user, kind):
    return list(Notification.objects.filter(user=user, kind=kind))


def test_it_warns_then_breaches_once_each(team, inbox, traveller):
    conversation = inbox.conversation(kind="dm", assignee=team.dave, author_name="王小明")
    inbox.inbound(conversation)

    traveller.move_to(THURSDAY_10 + timedelta(minutes=23))
    assert escalation.run_once() == 0
    traveller.move_to(THURSDAY_10 + timedelta(minutes=24))  # 80 % of 30 minutes
    assert escalation.run_once() == 1
    assert escalation.run_once() == 0

    (warning,) = notices(team.dave, "sla.warning")
    assert "王小明" in warning.title
    assert warning.url == escalation.conversation_url(team.workspace.slug, conversation.pk)
    assert warning.url.startswith(f"/w/{team.workspace.slug}/interaction/")
    assert warning.workspace == team.workspace
    assert not notices(team.bob, "sla.warning")  # the assignee is told, not the managers
    assert not SlaEvent.objects.exists()

    traveller.move_to(THURSDAY_10 + timedelta(minutes=31))
    assert escalation.run_once() == 1
    assert tasks.escalate_sla_clocks.call_local() == 0

    (breach,) = notices(team.dave, "sla.breached")
    assert "missed" in breach.title
    assert len(notices(team.dave, "sla.warning")) == 1
    clock = Clock.objects.get(conversation=conversation, metric="first_response")
    assert clock.state == "running"  # until answered
    assert clock.breached_at == THURSDAY_10 + timedelta(minutes=30)
    event = SlaEvent.objects.get(clock=clock)
    assert (event.outcome, event.at) == ("missed", clock.breached_at)


def test_it_tells_the_managers_when_nobody_is_assigned(team, inbox, traveller):
    conversation = inbox.conversation(kind="dm")
    inbox.inbound(conversation)

    traveller.move_to(THURSDAY_10 + timedelta(minutes=31))
    assert escalation.run_once() == 2  # warning and breach in the same run

    told = {n.user for n in Notification.objects.filter(kind="sla.breached")}
    assert told == {team.alice, team.bob}  # owner and manager hold inbox.manage
    assert not Notification.objects.filter(user=team.dave).exists()
    assert not Notification.objects.filter(user=team.charlie).exists()


def test_it_neither_warns_nor_breaches_paused_or_answered_clocks(team, inbox, traveller):
    paused = inbox.conversation(kind="dm", assignee=team.dave)
    inbox.inbound(paused)
    inbox.status(paused, "pending")
    answered = inbox.conversation(kind="dm", assignee=team.dave)
    inbox.inbound(answered)
    inbox.outbound(answered, by=team.dave)

    traveller.move_to(THURSDAY_10 + timedelta(hours=2))
    escalation.run_once()

    assert not Notification.objects.filter(kind__startswith="sla.", user=team.dave).exists()
    assert not SlaEvent.objects.filter(outcome="missed").exists()


def test_it_records_old_breaches_without_notifying(team, inbox, traveller):
    conversation = inbox.conversation(kind="dm", assignee=team.dave)
    inbox.inbound(conversation, at=THURSDAY_10 - timedelta(days=5))

    escalation.run_once()

    assert SlaEvent.objects.filter(outcome="missed").count() >= 1
    assert not notices(team.dave, "sla.breached")


def test_it_links_to_the_inbox_while_the_conversation_page_is_missing(monkeypatch):
    from django.urls import NoReverseMatch

    def missing(name, args):
        raise NoReverseMatch(name)

    monkeypatch.setattr(escalation, "reverse", missing)

    assert escalation.conversation_url("acme", 7) == "/w/acme/interaction/"


def test_it_skips_the_run_when_another_holds_the_lock(team, inbox, traveller):
    from huey.contrib.djhuey import HUEY

    conversation = inbox.conversation(kind="dm", assignee=team.dave)
    inbox.inbound(conversation)
    traveller.move_to(THURSDAY_10 + timedelta(minutes=31))

    with HUEY.lock_task("sla-escalation"):
        assert tasks.escalate_sla_clocks.call_local() == 0
    assert tasks.escalate_sla_clocks.call_local() == 2


def test_it_works_through_a_backlog_larger_than_a_batch(team, inbox, traveller, monkeypatch):
    monkeypatch.setattr(escalation, "BATCH", 2)
    for _index in range(5):
        inbox.inbound(inbox.conversation(kind="dm", assignee=team.dave))
    traveller.move_to(THURSDAY_10 + timedelta(minutes=31))

    assert escalation.run_once() == 10  # 5 warnings and 5 breaches

    assert len(notices(team.dave, "sla.breached")) == 5
    assert not Clock.objects.filter(breached_at__isnull=True, metric="first_response").exists()
