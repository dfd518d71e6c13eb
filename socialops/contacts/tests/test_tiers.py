from __future__ import annotations

from datetime import timedelta

import time_machine
from huey.contrib.djhuey import HUEY

from socialops.contacts import actions, tasks, tiers
from socialops.contacts.linking import contact_for_author
from socialops.contacts.models import Contact
from socialops.core.clock import now

from .conftest import add_message


def _fan(team, remote_id="5"):
    return actions.create_contact(
        access=team.access("alice"),
        name="小五",
        identities=[{"platform": "sandbox", "remote_id": remote_id, "handle": f"fan{remote_id}"}],
    )


def test_it_tells_the_tier_from_the_count():
    at = now()
    assert tiers.tier_for(12, at) == "core"
    assert tiers.tier_for(10, at) == "core"
    assert tiers.tier_for(9, at) == "active"
    assert tiers.tier_for(3, at) == "active"
    assert tiers.tier_for(2, at) == "casual"
    assert tiers.tier_for(0, at) == "dormant"
    assert tiers.tier_for(0, None) == ""


def test_it_finds_the_contact_of_an_author_by_id_or_handle(team):
    fan = _fan(team)

    assert contact_for_author(team.workspace, platform="sandbox", remote_id="5", handle="") == fan
    assert (
        contact_for_author(team.workspace, platform="sandbox", remote_id="", handle="@FAN5") == fan
    )
    assert contact_for_author(team.workspace, platform="weibo", remote_id="5", handle="") is None
    assert contact_for_author(team.other, platform="sandbox", remote_id="5", handle="") is None


def test_it_moves_the_tier_with_each_inbound_message_but_not_with_our_replies(team, channel):
    fan = _fan(team)
    seen = []
    for _ in range(10):
        add_message(channel, author_remote_id="5")
        fan.refresh_from_db()
        seen.append(fan.tier)
    add_message(channel, author_remote_id="5", direction="out", thread="comment:5")
    fan.refresh_from_db()

    assert seen == ["casual", "casual", "active"] + ["active"] * 6 + ["core"]
    assert fan.interactions_90d == 10
    assert fan.last_interaction_at is not None


def test_it_recounts_so_old_messages_fall_out_of_the_window(team, channel):
    fan = _fan(team)
    with time_machine.travel(now() - timedelta(days=100), tick=False):
        for _ in range(4):
            add_message(channel, author_remote_id="5", at=now())
    fan.refresh_from_db()
    assert fan.tier == "active"

    changed = tiers.recompute(team.workspace)

    fan.refresh_from_db()
    assert changed == 1
    assert (fan.interactions_90d, fan.tier) == (0, "dormant")
    assert tiers.recompute(team.workspace) == 0


def test_it_runs_the_periodic_recount_once_at_a_time(team, channel):
    fan = _fan(team)
    Contact.objects.filter(pk=fan.pk).update(interactions_90d=50, tier="core")

    with HUEY.lock_task(tasks.TIERS_LOCK):
        assert tasks.recompute_tiers.call_local() == 0
    assert tasks.recompute_tiers.call_local() == 1

    fan.refresh_from_db()
    assert (fan.interactions_90d, fan.tier) == (0, "")


def test_it_skips_discovery_while_another_run_holds_the_lock(team):
    with HUEY.lock_task(tasks.DISCOVER_LOCK):
        assert tasks.discover_engagement.call_local() == 0
