"""A simulated account can be made to fail on purpose, so a team rehearses what it will see."""

from __future__ import annotations

import pytest
from django.urls import reverse

from socialops.channels import actions
from socialops.channels.models import Channel
from socialops.channels.tests.conftest import connect_fake
from socialops.core.errors import ApiError
from socialops.core.models import AuditEvent


def _sandbox(team) -> Channel:
    return actions.connect_channel(
        access=team.access("alice"),
        connector="sandbox",
        fields={"display_name": "Acme 官方", "handle": "acme_official"},
    )


def test_it_surfaces_a_simulated_auth_expiry_as_reconnect_needed(team):
    channel = _sandbox(team)
    client = team.browser("bob")
    page = reverse("channels", args=[team.workspace.slug])

    client.post(
        reverse("channel_simulate", args=[team.workspace.slug, channel.pk]),
        {"auth_expired": "on"},
    )
    client.post(reverse("channel_refresh", args=[team.workspace.slug, channel.pk]))

    channel.refresh_from_db()
    assert channel.status == Channel.Status.RECONNECT_NEEDED
    assert "(simulated)" in channel.status_reason
    assert AuditEvent.objects.filter(action="channel.faults_simulated").exists()
    assert AuditEvent.objects.filter(action="channel.reconnect_needed").exists()
    assert channel.status_reason in client.get(page).content.decode()

    client.post(reverse("channel_reconnect", args=[team.workspace.slug, channel.pk]))

    channel.refresh_from_db()
    assert channel.status == Channel.Status.CONNECTED
    actions.refresh_profile(access=team.access("bob"), channel=channel)


def test_it_clears_simulated_failures_when_given_none(team):
    channel = _sandbox(team)
    actions.simulate_faults(
        access=team.access("alice"), channel=channel, faults={"rate_limited": 60}
    )
    with pytest.raises(ApiError):
        actions.refresh_profile(access=team.access("alice"), channel=channel)

    actions.simulate_faults(access=team.access("alice"), channel=channel, faults={})

    refreshed = actions.refresh_profile(access=team.access("alice"), channel=channel)
    assert refreshed.status == Channel.Status.CONNECTED


@pytest.mark.usefixtures("fakes")
def test_it_refuses_to_simulate_failures_of_a_real_platform(team):
    channel = connect_fake(team, "acme_real")

    with pytest.raises(ApiError) as refused:
        actions.simulate_faults(
            access=team.access("alice"), channel=channel, faults={"auth_expired": True}
        )

    assert (refused.value.status, refused.value.code) == (422, "not_simulated")
    assert not AuditEvent.objects.filter(action="channel.faults_simulated").exists()


def test_it_keeps_a_platform_refusal_on_the_account_and_in_the_audit_log(team):
    channel = _sandbox(team)
    actions.simulate_faults(
        access=team.access("alice"), channel=channel, faults={"rate_limited": 600}
    )

    with pytest.raises(ApiError) as refused:
        actions.refresh_profile(access=team.access("bob"), channel=channel)

    assert refused.value.code == "platform_error"
    channel.refresh_from_db()
    assert channel.last_error.startswith("rate_limited:")
    event = AuditEvent.objects.filter(action="channel.platform_error").latest("id")
    assert event.actor == team.bob
    assert event.after == {
        "code": "rate_limited",
        "platform_code": "10023",
        "message": "Rate limited (simulated)",
        "permanent": False,
    }
