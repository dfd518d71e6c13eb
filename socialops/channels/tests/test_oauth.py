"""OAuth connect: a signed, server-side state bound to workspace, person and connector."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlparse

import pytest
import time_machine

from socialops.channels import actions
from socialops.channels.models import Channel, OAuthState
from socialops.conftest import logged_after
from socialops.core.clock import now
from socialops.core.errors import ApiError
from socialops.core.models import AuditEvent

pytestmark = pytest.mark.usefixtures("fakes")


def start(team, persona="alice") -> str:
    url = actions.start_oauth(access=team.access(persona), connector="fakeoauth")
    return parse_qs(urlparse(url).query)["state"][0]


def test_it_connects_through_oauth(team):
    state = start(team)

    channel = actions.complete_oauth(
        user=team.alice, connector="fakeoauth", state=state, code="brand"
    )

    assert (channel.workspace, channel.remote_id, channel.handle) == (
        team.workspace,
        "oauth-brand",
        "brand",
    )
    assert actions.credentials_of(channel) == {"access_token": "token-brand", "user": "brand"}
    row = OAuthState.objects.get()
    assert row.used_at is not None
    assert AuditEvent.objects.filter(action="channel.oauth_started").count() == 1
    assert AuditEvent.objects.filter(action="channel.connected").count() == 1


def test_it_sends_the_callback_address_to_the_platform(team, settings):
    url = actions.start_oauth(access=team.access("bob"), connector="fakeoauth")

    query = parse_qs(urlparse(url).query)
    assert query["redirect_uri"] == [settings.SITE_URL + "/oauth/callback/fakeoauth/"]


def refused_with(team, reason, **call):
    before = Channel.objects.count()
    with pytest.raises(actions.OAuthRefused) as refused:
        actions.complete_oauth(**call)
    assert refused.value.reason == reason
    assert Channel.objects.count() == before
    event = AuditEvent.objects.filter(action="channel.oauth_refused").latest("id")
    assert logged_after(event)["reason"] == reason
    return event


def test_it_refuses_a_forged_state(team):
    state = start(team)
    forged = state[:-3] + ("AAA" if not state.endswith("AAA") else "BBB")

    event = refused_with(
        team, "bad_signature", user=team.alice, connector="fakeoauth", state=forged, code="x"
    )

    assert event.workspace is None
    assert event.actor == team.alice


def test_it_refuses_a_state_it_never_gave_out(team):
    from django.core import signing

    state = signing.Signer(salt=actions.OAUTH_SALT).sign("made-up")

    refused_with(
        team, "unknown_state", user=team.alice, connector="fakeoauth", state=state, code="x"
    )


def test_it_refuses_an_expired_state(team):
    with time_machine.travel(now(), tick=False) as clock:
        state = start(team)
        clock.shift(actions.OAUTH_STATE_LIFETIME + timedelta(seconds=1))

        event = refused_with(
            team, "expired", user=team.alice, connector="fakeoauth", state=state, code="x"
        )

    assert event.workspace == team.workspace


def test_it_refuses_a_reused_state(team):
    state = start(team)
    actions.complete_oauth(user=team.alice, connector="fakeoauth", state=state, code="brand")

    refused_with(team, "reused", user=team.alice, connector="fakeoauth", state=state, code="other")


def test_it_refuses_a_state_from_another_person_or_workspace(team):
    state = start(team)

    event = refused_with(
        team, "other_user", user=team.charlie, connector="fakeoauth", state=state, code="x"
    )

    assert event.actor == team.charlie
    assert event.workspace == team.workspace
    # and the state is spent: alice cannot use what charlie replayed
    refused_with(team, "reused", user=team.alice, connector="fakeoauth", state=state, code="x")


def test_it_refuses_a_state_for_another_connector(team):
    state = start(team)

    refused_with(
        team, "other_connector", user=team.alice, connector="fakeform", state=state, code="x"
    )


def test_it_refuses_someone_who_left_the_workspace_meanwhile(team):
    state = start(team, "bob")
    team.membership("bob").delete()

    refused_with(team, "not_a_member", user=team.bob, connector="fakeoauth", state=state, code="x")


def test_it_reports_and_audits_a_code_the_platform_refuses(team):
    state = start(team)

    with pytest.raises(ApiError) as refused:
        actions.complete_oauth(user=team.alice, connector="fakeoauth", state=state, code="denied")

    assert refused.value.code == "connect_failed"
    assert not Channel.objects.exists()
    assert AuditEvent.objects.filter(action="channel.connect_failed").exists()


def test_it_refuses_to_start_oauth_for_a_form_connector(team):
    with pytest.raises(ApiError):
        actions.start_oauth(access=team.access("alice"), connector="fakeform")

    assert not OAuthState.objects.exists()


def test_it_refuses_a_form_connect_for_an_oauth_connector(team):
    with pytest.raises(ApiError) as refused:
        actions.connect_channel(access=team.access("alice"), connector="fakeoauth", fields={})

    assert refused.value.code == "oauth_required"


def test_it_answers_the_callback_page_with_a_400_and_an_audit_row(team):
    state = start(team)
    charlie = team.browser("charlie")

    response = charlie.get(f"/oauth/callback/fakeoauth/?state={state}&code=x")

    assert response.status_code == 400
    assert "other_user" in response.content.decode()
    assert AuditEvent.objects.filter(action="channel.oauth_refused").count() == 1


def test_it_completes_the_callback_page_and_lists_the_account(team):
    bob = team.browser("bob")
    started = bob.get("/w/acme/platform/accounts/connect/fakeoauth/start")
    assert started.status_code == 302
    state = parse_qs(urlparse(started["Location"]).query)["state"][0]

    response = bob.get(f"/oauth/callback/fakeoauth/?state={state}&code=brand", follow=True)

    assert response.redirect_chain[0] == ("/w/acme/platform/accounts/", 302)
    assert Channel.objects.get().handle == "brand"
    assert "@brand" in response.content.decode()
