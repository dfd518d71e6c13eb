"""The demo workspace gains a sandbox account matrix, once."""

from __future__ import annotations

from socialops.channels.demo import load_demo_channels
from socialops.channels.models import Channel, Complement
from socialops.channels.queries import facade_report
from socialops.core.models import AuditEvent


def test_it_connects_a_sensible_matrix_of_sandbox_accounts_once(team):
    channels = {c.handle: c for c in load_demo_channels(team.workspace)}
    events = AuditEvent.objects.count()

    again = load_demo_channels(team.workspace)

    assert set(channels) == {"demobrand", "demobrand_help", "demobrand_new", "ceo_wang"}
    assert {c.handle: c.role for c in Channel.objects.all()} == {
        "demobrand": "brand",
        "demobrand_help": "support",
        "demobrand_new": "product",
        "ceo_wang": "executive",
    }
    assert {c.pk for c in again} == {c.pk for c in channels.values()}
    assert Channel.objects.count() == 4
    assert AuditEvent.objects.count() == events
    brand = channels["demobrand"]
    assert {c.handle for c in brand.complements.all()} == {
        "demobrand_help",
        "demobrand_new",
        "ceo_wang",
    }
    assert Complement.objects.count() == 6
    assert all(c.connector == "sandbox" and c.status == "connected" for c in again)


def test_it_leaves_facade_gaps_to_fix(team):
    channels = {c.handle: c for c in load_demo_channels(team.workspace)}

    scores = {handle: facade_report(c).score for handle, c in channels.items()}
    ceo = {row.code: row.state for row in facade_report(channels["ceo_wang"]).rows}

    assert scores["demobrand"] > scores["demobrand_new"] > scores["ceo_wang"]
    assert scores["demobrand"] < 100  # no pinned post yet
    assert ceo["naming"] == "missing"
    assert ceo["avatar"] == "missing"
