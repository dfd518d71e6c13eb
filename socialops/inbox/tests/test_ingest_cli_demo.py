"""`socialops inbox sync` and the demo's inbox."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from click.testing import CliRunner

from socialops.channels.actions import simulate_faults
from socialops.cli import main
from socialops.inbox.models import Conversation, Message

from .factories import audience_writes, persona, sandbox_channel

T0 = datetime(2026, 8, 3, 2, 1, tzinfo=UTC)


@pytest.fixture(autouse=True)
def clock() -> Iterator[Any]:
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


def test_it_syncs_the_named_account_and_says_what_arrived(team):
    channel = sandbox_channel(team)
    audience_writes(channel, "你好", author=persona(channel, 0))
    audience_writes(channel, "在吗", author=persona(channel, 1))

    result = CliRunner().invoke(main, ["inbox", "sync", "--channel", str(channel.pk)])

    assert result.exit_code == 0, result.output
    assert result.output == (
        f"account {channel.pk} (sandbox @acme_help): fetched 2 in 1 page(s), 2 new message(s), "
        "2 new conversation(s), 0 already held\n"
    )
    assert Message.objects.count() == 2


def test_it_syncs_every_account_and_fails_when_one_did(team):
    good, bad = sandbox_channel(team, "acme_a"), sandbox_channel(team, "acme_b")
    audience_writes(good, "你好")
    simulate_faults(access=team.access("alice"), channel=bad, faults={"rate_limited": 30})

    result = CliRunner().invoke(main, ["inbox", "sync", "--all"])

    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert "1 new message(s)" in lines[0]
    assert lines[1].endswith("error: rate_limited: Rate limited (simulated) [10023]")


def test_it_asks_for_an_account_or_all(team):
    result = CliRunner().invoke(main, ["inbox", "sync"])

    assert result.exit_code == 2
    assert "Give --channel ID (one or more) or --all." in result.output


def test_it_fills_the_demo_inbox_from_the_simulated_audience(db, clock):
    from socialops.accounts.demo import load_demo
    from socialops.accounts.models import Workspace
    from socialops.inbox.demo import load_demo_inbox

    load_demo()  # calls load_demo_inbox
    demo = Workspace.objects.get(slug="demo")

    # a backlog for each of the four accounts nobody had written to
    assert Message.objects.filter(workspace=demo, direction="in").count() == 4 * 12
    conversations = Conversation.objects.filter(workspace=demo)
    assert set(conversations.values_list("kind", flat=True)) == {"mention", "dm"}
    assert load_demo_inbox(demo) == 0  # nothing new: the world stands still with the clock
    clock.shift(timedelta(hours=12))  # the audience writes as simulated time passes

    assert load_demo_inbox(demo) > 5
    assert load_demo_inbox(demo) == 0
