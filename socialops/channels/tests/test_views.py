"""The Accounts and Facade pages of the Platform section."""

from __future__ import annotations

import pytest

from socialops.channels import actions
from socialops.channels.models import Channel
from socialops.channels.tests.conftest import connect_fake
from socialops.channels.tests.fakes import SECRET

pytestmark = pytest.mark.usefixtures("fakes")
ACCOUNTS = "/w/acme/platform/accounts/"
FACADE = "/w/acme/platform/facade/"


def test_it_tells_a_new_team_to_connect_the_first_account(team):
    page = team.browser("alice").get(ACCOUNTS).content.decode()

    assert 'id="accounts-empty"' in page
    assert "sandbox" in page.lower()
    assert 'data-connector="sandbox"' in page
    assert 'data-connector="fakeform"' in page
    assert 'type="password"' in page  # the secret field of the fake form connector


def test_it_lists_accounts_with_status_and_simulation_badges(team):
    channel = connect_fake(team, "acme", display_name="Acme 官方")
    actions.mark_reconnect_needed(channel=channel, reason="token revoked")
    actions.connect_channel(
        access=team.access("alice"),
        connector="sandbox",
        fields={"display_name": "Acme 沙盒", "handle": "acme_sandbox"},
    )

    page = team.browser("erin").get(ACCOUNTS).content.decode()

    assert 'data-status="reconnect_needed"' in page
    assert "token revoked" in page
    assert page.count("so-simulated") == 1
    assert "Acme 沙盒" in page
    assert "channel_disconnect" not in page and "/disconnect/" not in page  # erin cannot manage


def test_it_connects_from_the_form(team):
    response = team.browser("bob").post(
        f"{ACCOUNTS}connect/fakeform/",
        {"fakeform-handle": "acme", "fakeform-password": SECRET},
        follow=True,
    )

    assert response.redirect_chain == [(ACCOUNTS, 302)]
    assert Channel.objects.get().handle == "acme"
    assert "@acme" in response.content.decode()


def test_it_shows_the_platforms_refusal(team):
    response = team.browser("bob").post(
        f"{ACCOUNTS}connect/fakeform/",
        {"fakeform-handle": "acme", "fakeform-password": "wrong"},
        follow=True,
    )

    assert "wrong app password" in response.content.decode()
    assert not Channel.objects.exists()


def test_it_edits_the_matrix_and_disconnects(team):
    brand = connect_fake(team, "acme")
    support = connect_fake(team, "acme_help")
    bob = team.browser("bob")

    bob.post(
        f"{ACCOUNTS}{support.pk}/matrix/",
        {
            "role": "support",
            "owner": team.dave.pk,
            "weekly_capacity_hours": "12",
            "notes": "",
            "complement": [brand.pk],
            f"why_{brand.pk}": "接住投诉",
        },
    )
    support.refresh_from_db()
    assert (support.role, support.owner, support.weekly_capacity_hours) == (
        "support",
        team.dave,
        12,
    )
    assert [c.pk for c in brand.complements.all()] == [support.pk]
    assert "接住投诉" in bob.get(ACCOUNTS).content.decode()

    bob.post(f"{ACCOUNTS}{support.pk}/disconnect/")
    support.refresh_from_db()
    assert support.status == "disconnected"
    assert "@acme_help" not in bob.get(ACCOUNTS).content.decode()


def test_it_shows_the_facade_with_score_fixes_and_ticks(team):
    channel = connect_fake(team, "acme", display_name="Acme", avatar_url="https://img.example/a")
    bob = team.browser("bob")

    bob.post(f"{FACADE}{channel.pk}/verification/", {"state": "manual_ok", "evidence": "蓝V 认证"})
    page = bob.get(FACADE).content.decode()

    assert 'class="fs-4 fw-semibold facade-score' in page
    assert "蓝V 认证" in page
    assert "Bob" in page
    assert "Add a banner" in page or "添加背景图" in page


def test_it_answers_404_for_another_workspaces_account(team):
    theirs = Channel.objects.create(
        workspace=team.other, platform="weibo", connector="fakeform", remote_id="x"
    )
    alice = team.browser("alice")

    assert alice.post(f"{ACCOUNTS}{theirs.pk}/disconnect/").status_code == 404
    assert alice.post(f"{FACADE}{theirs.pk}/avatar/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == "connected"
