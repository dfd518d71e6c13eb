"""A conversation's life against its SLA clocks: start, answer, pause, resolve, spam, re-target."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from socialops.sla import hooks
from socialops.sla.actions import ensure_default_policies
from socialops.sla.models import Clock, Policy, SlaEvent
from socialops.sla.queries import badges

SHANGHAI = ZoneInfo("Asia/Shanghai")
FRIDAY_1750 = (2026, 11, 27, 17, 50)
MONDAY_0910 = (2026, 11, 30, 9, 10)


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
def defaults(team):
    assert team.workspace.time_zone == "Asia/Shanghai"
    return ensure_default_policies(team.workspace)


@pytest.fixture
def traveller():
    with time_machine.travel(at(*FRIDAY_1750), tick=False) as moving:
        yield moving


def clocks_of(conversation, **filters):
    return list(Clock.objects.filter(conversation=conversation, **filters).order_by("id"))


def test_it_counts_business_time_from_friday_evening_to_monday_morning(
    team, inbox, defaults, traveller
):
    conversation = inbox.conversation(kind="dm")
    question = inbox.inbound(conversation)
    (first, resolution) = clocks_of(conversation)
    assert (first.metric, first.state) == ("first_response", "running")
    assert first.due_at == at(2026, 11, 30, 9, 20)  # 10 minutes on Friday, 20 on Monday
    assert first.start_message == question
    assert resolution.metric == "resolution"

    traveller.move_to(at(*MONDAY_0910))
    reply = inbox.outbound(conversation, by=team.dave)

    first.refresh_from_db()
    assert first.state == "hit"
    assert first.consumed_seconds == 20 * 60
    event = SlaEvent.objects.get(clock=first)
    assert (event.outcome, event.elapsed_seconds, event.agent, event.message) == (
        "hit",
        20 * 60,
        team.dave,
        reply,
    )
    assert event.kind == "dm" and event.channel == conversation.channel
    assert Clock.objects.get(pk=resolution.pk).state == "running"


def test_it_does_nothing_twice_for_the_same_message(team, inbox, defaults, traveller):
    conversation = inbox.conversation(kind="dm")
    question = inbox.inbound(conversation)
    hooks.on_inbound(question)
    assert len(clocks_of(conversation)) == 2

    traveller.shift(timedelta(minutes=5))
    reply = inbox.outbound(conversation, by=team.dave)
    hooks.on_outbound(reply)

    assert SlaEvent.objects.filter(conversation=conversation).count() == 1
    assert len(clocks_of(conversation, state="hit")) == 1


def test_it_waits_on_the_first_unanswered_message(team, inbox, defaults, traveller):
    conversation = inbox.conversation(kind="dm")
    inbox.inbound(conversation)
    traveller.shift(timedelta(minutes=3))
    inbox.inbound(conversation, text="在吗？")

    running = clocks_of(conversation, metric="first_response")
    assert len(running) == 1
    assert running[0].started_at == at(*FRIDAY_1750)


def test_it_starts_a_next_response_clock_after_an_answer(team, inbox, defaults, traveller):
    conversation = inbox.conversation(kind="comment")
    inbox.inbound(conversation)
    traveller.shift(timedelta(minutes=5))
    inbox.outbound(conversation, by=team.dave)
    traveller.shift(timedelta(minutes=5))
    inbox.inbound(conversation, text="还有一个问题")

    metrics = [(c.metric, c.state) for c in clocks_of(conversation)]
    assert metrics == [("first_response", "hit"), ("next_response", "running")]
    # comments have no resolution target in the defaults
    nxt = clocks_of(conversation, metric="next_response")[0]
    assert nxt.target_seconds == 240 * 60


def test_it_pauses_while_pending_and_moves_the_due_time_on_reopening(
    team, inbox, defaults, traveller
):
    traveller.move_to(at(2026, 11, 26, 10, 0))  # Thursday
    conversation = inbox.conversation(kind="dm")
    inbox.inbound(conversation)
    first = clocks_of(conversation, metric="first_response")[0]
    assert first.due_at == at(2026, 11, 26, 10, 30)

    traveller.move_to(at(2026, 11, 26, 10, 10))
    inbox.status(conversation, "pending")
    assert {c.state for c in clocks_of(conversation)} == {"paused"}
    assert badges([conversation])[conversation.pk].state == "paused"

    traveller.move_to(at(2026, 11, 26, 11, 50))  # 100 business minutes later
    inbox.status(conversation, "open")
    first.refresh_from_db()
    assert first.state == "running"
    assert first.consumed_seconds == 10 * 60
    assert first.due_at == at(2026, 11, 26, 13, 40)  # 10 before lunch, 10 after


def test_it_stops_resolution_on_resolving_and_cancels_an_unowed_response(
    team, inbox, defaults, traveller
):
    conversation = inbox.conversation(kind="dm", assignee=team.dave)
    inbox.inbound(conversation)
    traveller.shift(timedelta(minutes=1))
    inbox.status(conversation, "resolved")

    states = {c.metric: c.state for c in clocks_of(conversation)}
    assert states == {"first_response": "cancelled", "resolution": "hit"}
    event = SlaEvent.objects.get(metric="resolution")
    assert event.agent == team.dave
    assert event.elapsed_seconds == 60


def test_it_misses_resolution_when_too_late(team, inbox, defaults, traveller):
    traveller.move_to(at(2026, 11, 26, 9, 0))
    conversation = inbox.conversation(kind="dm")
    inbox.inbound(conversation)
    traveller.move_to(at(2026, 11, 27, 10, 0))  # 7.5 h Thursday + 1 h Friday > 8 h
    inbox.status(conversation, "resolved")

    clock = clocks_of(conversation, metric="resolution")[0]
    assert clock.state == "missed"
    assert clock.consumed_seconds == int(8.5 * 3600)


def test_it_cancels_everything_for_spam_and_starts_nothing_new(team, inbox, defaults, traveller):
    conversation = inbox.conversation(kind="dm")
    inbox.inbound(conversation)
    inbox.status(conversation, "spam")

    assert {c.state for c in clocks_of(conversation)} == {"cancelled"}
    inbox.inbound(conversation, text="广告")
    assert len(clocks_of(conversation)) == 2


def test_it_restarts_clocks_when_reopened(team, inbox, defaults, traveller):
    conversation = inbox.conversation(kind="dm")
    inbox.inbound(conversation)
    inbox.status(conversation, "resolved")
    inbox.status(conversation, "open")

    live = {c.metric for c in clocks_of(conversation, state="running")}
    assert live == {"first_response", "resolution"}


def test_it_retargets_on_a_new_priority(team, inbox, defaults, traveller):
    conversation = inbox.conversation(kind="dm")
    inbox.inbound(conversation)
    traveller.shift(timedelta(minutes=5))

    inbox.priority(conversation, 3)

    first = clocks_of(conversation, metric="first_response")[0]
    urgent = Policy.objects.get(workspace=team.workspace, priorities=[3])
    assert first.policy == urgent
    assert first.calendar is None
    assert first.target_seconds == 15 * 60
    assert first.consumed_seconds == 5 * 60
    assert first.due_at == at(*FRIDAY_1750) + timedelta(minutes=15)


def test_it_withdraws_a_miss_when_a_new_priority_gives_more_time(team, inbox, defaults, traveller):
    from socialops.sla.escalation import run_once

    conversation = inbox.conversation(kind="dm", priority=3)
    inbox.inbound(conversation)
    traveller.shift(timedelta(minutes=20))
    run_once()
    assert SlaEvent.objects.filter(outcome="missed").count() == 1

    inbox.priority(conversation, 1)  # the DM policy: 30 business minutes, Friday 17:50 → Monday

    first = clocks_of(conversation, metric="first_response")[0]
    assert first.breached_at is None
    assert not SlaEvent.objects.exists()


def test_it_starts_no_clock_without_a_matching_policy(team, inbox, traveller):
    conversation = inbox.conversation(kind="dm")
    inbox.inbound(conversation)

    assert clocks_of(conversation) == []
    assert badges([conversation]) == {}


def test_it_ends_a_breached_clock_missed_when_answered(team, inbox, defaults, traveller):
    from socialops.sla.escalation import run_once

    traveller.move_to(at(2026, 11, 26, 10, 0))
    conversation = inbox.conversation(kind="dm")
    inbox.inbound(conversation)
    traveller.move_to(at(2026, 11, 26, 10, 31))
    run_once()
    event = SlaEvent.objects.get()
    assert (event.outcome, event.at, event.elapsed_seconds) == (
        "missed",
        at(2026, 11, 26, 10, 30),
        None,
    )
    assert badges([conversation])[conversation.pk].state == "breached"

    traveller.move_to(at(2026, 11, 26, 10, 45))
    inbox.outbound(conversation, by=team.dave)

    event.refresh_from_db()
    assert (event.outcome, event.elapsed_seconds, event.agent) == ("missed", 45 * 60, team.dave)
    assert event.at == at(2026, 11, 26, 10, 30)  # still counted on the breach
    assert clocks_of(conversation, metric="first_response")[0].state == "missed"


def test_it_shows_badges_in_one_query(team, inbox, defaults, traveller, django_assert_num_queries):
    running = inbox.conversation(kind="dm")
    inbox.inbound(running)
    answered = inbox.conversation(kind="comment")
    inbox.inbound(answered)
    inbox.outbound(answered, by=team.dave)
    nothing = inbox.conversation(kind="mention")

    with django_assert_num_queries(1):
        shown = badges([running, answered, nothing])

    assert shown[running.pk].state == "running"
    assert shown[running.pk].metric == "first_response"
    assert shown[running.pk].due_at == at(2026, 11, 30, 9, 20)
    assert shown[answered.pk].state == "hit"
    assert nothing.pk not in shown
    traveller.move_to(at(2026, 11, 30, 9, 15))  # past 80 % (24 minutes: 09:14)
    assert badges([running.pk])[running.pk].state == "warning"


def test_it_starts_no_clock_for_history_caught_up_with(team, inbox, defaults, traveller):
    from socialops.inbox.models import Message

    conversation = inbox.conversation(kind="dm")
    old = Message.objects.create(
        workspace=conversation.workspace,
        conversation=conversation,
        channel=conversation.channel,
        direction=Message.Direction.INBOUND,
        remote_id="old-1",
        text="上个月的私信",
        created_at=at(2026, 10, 20, 10, 0),
        received_at=at(*FRIDAY_1750),
    )

    hooks.on_inbound(old)

    assert clocks_of(conversation) == []


@pytest.mark.parametrize("state", ["sending", "failed", "unconfirmed"])
def test_it_keeps_the_clock_running_until_the_reply_is_sent(
    team, inbox, defaults, traveller, state
):
    from socialops.inbox.models import Message

    conversation = inbox.conversation(kind="dm")
    inbox.inbound(conversation)
    reply = Message.objects.create(
        workspace=conversation.workspace,
        conversation=conversation,
        channel=conversation.channel,
        direction=Message.Direction.OUTBOUND,
        text="稍等",
        created_at=at(*FRIDAY_1750),
        send_state=state,
        sent_by=team.dave,
    )

    hooks.on_outbound(reply)
    assert clocks_of(conversation, metric="first_response")[0].state == "running"

    reply.send_state = "sent"
    reply.remote_id = "sent-1"
    reply.save()
    hooks.on_outbound(reply)
    assert clocks_of(conversation, metric="first_response")[0].state == "hit"


def test_it_starts_clocks_when_a_new_priority_finally_matches_a_policy(team, inbox, traveller):
    from socialops.sla.models import Policy

    Policy.objects.create(
        workspace=team.workspace, name="只管紧急", priorities=[3], first_response_minutes=15
    )
    conversation = inbox.conversation(kind="mention")
    inbox.inbound(conversation)
    assert clocks_of(conversation) == []

    traveller.shift(timedelta(minutes=2))
    inbox.priority(conversation, 3)

    (first,) = clocks_of(conversation)
    assert (first.metric, first.state, first.target_seconds) == ("first_response", "running", 900)
    assert first.started_at == at(*FRIDAY_1750) + timedelta(minutes=2)


def test_it_dates_a_late_answer_at_the_breach_even_before_escalation_ran(
    team, inbox, defaults, traveller
):
    traveller.move_to(at(2026, 11, 26, 10, 0))
    conversation = inbox.conversation(kind="dm")
    inbox.inbound(conversation)
    traveller.move_to(at(2026, 11, 27, 10, 0))
    inbox.outbound(conversation, by=team.dave)

    event = SlaEvent.objects.get(metric="first_response")
    assert (event.outcome, event.at) == ("missed", at(2026, 11, 26, 10, 30))
    assert event.elapsed_seconds == int(7.5 * 3600)  # 6.5 h on Thursday, 1 h on Friday


def test_it_anchors_a_reopened_conversations_clocks_at_the_message(
    team, inbox, defaults, traveller
):
    """Ingestion reopens a resolved conversation, then reports the message that reopened it."""
    from socialops.inbox.models import Message

    traveller.move_to(at(2026, 11, 26, 10, 0))
    conversation = inbox.conversation(kind="dm")
    inbox.inbound(conversation)
    inbox.outbound(conversation, by=team.dave)
    inbox.status(conversation, "resolved")
    traveller.move_to(at(2026, 11, 26, 11, 0))
    message = Message.objects.create(
        workspace=conversation.workspace,
        conversation=conversation,
        channel=conversation.channel,
        direction=Message.Direction.INBOUND,
        remote_id="again",
        text="还是不行",
        created_at=at(2026, 11, 26, 10, 55),
        received_at=at(2026, 11, 26, 11, 0),
    )
    conversation.unanswered = True
    inbox.status(conversation, "open")  # ingestion's order: the status first, then the message
    hooks.on_inbound(message)
    hooks.on_inbound(message)

    running = clocks_of(conversation, state="running")
    assert {c.metric for c in running} == {"next_response", "resolution"}
    for clock in running:
        assert clock.started_at == at(2026, 11, 26, 10, 55)
        assert clock.start_message == message
    nxt = next(c for c in running if c.metric == "next_response")
    assert nxt.due_at == at(2026, 11, 26, 11, 55)


def test_it_keeps_the_clock_on_the_earliest_message_of_a_batch(team, inbox, defaults, traveller):
    from socialops.inbox.models import Message

    traveller.move_to(at(2026, 11, 26, 10, 30))
    conversation = inbox.conversation(kind="dm")
    later = inbox.inbound(conversation)  # reported first
    earlier = Message.objects.create(
        workspace=conversation.workspace,
        conversation=conversation,
        channel=conversation.channel,
        direction=Message.Direction.INBOUND,
        remote_id="earlier",
        text="你好",
        created_at=at(2026, 11, 26, 10, 20),
        received_at=at(2026, 11, 26, 10, 30),
    )
    hooks.on_inbound(earlier)

    first = clocks_of(conversation, metric="first_response")[0]
    assert first.start_message == earlier != later
    assert first.due_at == at(2026, 11, 26, 10, 50)


def test_it_ranks_badges_by_what_needs_doing(team, inbox, defaults, traveller):
    from socialops.sla.escalation import run_once

    traveller.move_to(at(2026, 11, 26, 9, 0))
    answered = inbox.conversation(kind="dm")
    inbox.inbound(answered)
    inbox.outbound(answered, by=team.dave)
    late = inbox.conversation(kind="dm")
    inbox.inbound(late)
    traveller.move_to(at(2026, 11, 26, 10, 0))
    inbox.outbound(late, by=team.dave)  # 60 minutes for a 30-minute target
    assert badges([answered])[answered.pk].state == "hit"  # not the running resolution clock
    assert badges([late])[late.pk].state == "running"  # resolution: the late answer is no "hit"

    traveller.move_to(at(2026, 11, 27, 17, 0))  # past the 8-hour resolution target
    run_once()
    shown = badges([answered, late])
    assert shown[answered.pk] == shown[late.pk]
    assert (shown[late.pk].state, shown[late.pk].metric) == ("breached", "resolution")
