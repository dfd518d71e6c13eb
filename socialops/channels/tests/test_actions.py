"""Connect, reconnect, disconnect, reconnect-needed, the matrix, profiles and key rotation."""

from __future__ import annotations

import json

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ValidationError

from socialops.accounts.queries import AccessDenied
from socialops.channels import actions
from socialops.channels.models import Channel, Complement
from socialops.channels.tests.conftest import connect_fake
from socialops.channels.tests.fakes import SECRET, FakeFormConnector
from socialops.conftest import logged_after
from socialops.connectors.base import AuthExpired
from socialops.core import crypto
from socialops.core.errors import ApiError
from socialops.core.models import AuditEvent

pytestmark = pytest.mark.usefixtures("fakes")


def logged_before(event: AuditEvent) -> dict:
    assert isinstance(event.before, dict), event.before
    return event.before


def test_it_connects_an_account_with_its_profile_and_audits_it(team):
    channel = connect_fake(
        team, "acme_official", display_name="Acme 官方", bio="官方账号，欢迎关注我们"
    )

    assert channel.status == Channel.Status.CONNECTED
    assert (channel.remote_id, channel.handle, channel.display_name) == (
        "id-acme_official",
        "acme_official",
        "Acme 官方",
    )
    assert channel.platform == "weibo"
    assert channel.connected_by == team.alice
    assert channel.owner == team.alice
    assert channel.config == {"handle": "acme_official", "workspace_id": team.workspace.pk}
    assert channel.profile["bio"] == "官方账号，欢迎关注我们"
    assert channel.facade_score is not None
    event = AuditEvent.objects.get(action="channel.connected")
    assert logged_after(event)["handle"] == "acme_official"
    assert SECRET not in json.dumps([event.before, event.after], ensure_ascii=False)


def test_it_refuses_a_second_live_connection_of_the_same_account(team):
    connect_fake(team, "acme")

    with pytest.raises(ApiError) as refused:
        connect_fake(team, "acme", persona="bob")

    assert refused.value.status == 409
    assert Channel.objects.count() == 1


def test_it_allows_the_same_account_again_after_a_disconnect(team):
    first = connect_fake(team, "acme")
    actions.disconnect_channel(access=team.access("alice"), channel=first)

    again = connect_fake(team, "acme")

    assert again.pk != first.pk
    assert Channel.objects.filter(status=Channel.Status.CONNECTED).count() == 1


def test_it_reports_and_audits_credentials_the_platform_refuses(team):
    with pytest.raises(ApiError) as refused:
        actions.connect_channel(
            access=team.access("alice"),
            connector="fakeform",
            fields={"handle": "acme", "password": "wrong"},
        )

    assert refused.value.status == 422
    assert refused.value.code == "connect_failed"
    assert not Channel.objects.exists()
    event = AuditEvent.objects.get(action="channel.connect_failed")
    assert event.after == {
        "connector": "fakeform",
        "code": "auth_expired",
        "message": "wrong app password",
    }


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({"handle": "acme"}, "password"),
        ({"handle": "acme", "password": SECRET, "token": "x"}, "token"),
        ({"handle": " ", "password": SECRET}, "handle"),
    ],
)
def test_it_checks_the_connect_fields_before_calling_the_platform(team, fields, problem):
    with pytest.raises(ValidationError) as invalid:
        actions.connect_channel(access=team.access("alice"), connector="fakeform", fields=fields)

    assert problem in invalid.value.message_dict


@pytest.mark.parametrize("persona", ["carol", "dave", "erin"])
def test_it_lets_only_managers_connect(team, persona):
    with pytest.raises(AccessDenied):
        connect_fake(team, "acme", persona=persona)


def test_it_marks_an_account_reconnect_needed_and_reconnects_it(team):
    channel = connect_fake(team, "acme")

    actions.mark_reconnect_needed(
        channel=channel,
        reason="token revoked",
        error=AuthExpired("token revoked", platform_code="21327"),
    )
    channel.refresh_from_db()
    assert channel.status == Channel.Status.RECONNECT_NEEDED
    assert channel.status_reason == "token revoked"
    assert channel.last_error == "auth_expired: token revoked"
    flagged = AuditEvent.objects.get(action="channel.reconnect_needed")
    assert flagged.via == "system"
    assert logged_after(flagged)["platform_code"] == "21327"

    again = actions.reconnect_channel(
        access=team.access("bob"), channel=channel, fields={"handle": "acme", "password": SECRET}
    )

    assert again.pk == channel.pk
    assert again.status == Channel.Status.CONNECTED
    assert again.status_reason == ""
    assert again.last_error == ""
    event = AuditEvent.objects.get(action="channel.reconnected")
    assert logged_before(event)["status"] == "reconnect_needed"
    assert logged_after(event)["status"] == "connected"


def test_it_refuses_to_reconnect_with_another_accounts_credentials(team):
    channel = connect_fake(team, "acme")

    with pytest.raises(ApiError) as refused:
        actions.reconnect_channel(
            access=team.access("alice"),
            channel=channel,
            fields={"handle": "someone_else", "password": SECRET},
        )

    assert refused.value.code == "different_account"
    channel.refresh_from_db()
    assert credentials(channel)["handle"] == "acme"


def credentials(channel: Channel) -> dict:
    return actions.credentials_of(channel)


def test_it_wipes_credentials_on_disconnect(team):
    channel = connect_fake(team, "acme")

    actions.disconnect_channel(access=team.access("alice"), channel=channel)

    channel.refresh_from_db()
    assert channel.status == Channel.Status.DISCONNECTED
    assert channel.credentials_ciphertext == ""
    assert AuditEvent.objects.filter(action="channel.disconnected").count() == 1
    actions.disconnect_channel(access=team.access("alice"), channel=channel)  # idempotent
    assert AuditEvent.objects.filter(action="channel.disconnected").count() == 1


def test_it_flags_reconnect_needed_when_a_profile_refresh_hits_expired_auth(team):
    channel = connect_fake(team, "acme")
    FakeFormConnector.expired.add("acme")

    with pytest.raises(ApiError) as refused:
        actions.refresh_profile(access=team.access("alice"), channel=channel)

    assert (refused.value.status, refused.value.code) == (409, "reconnect_needed")
    channel.refresh_from_db()
    assert channel.status == Channel.Status.RECONNECT_NEEDED
    assert AuditEvent.objects.filter(action="channel.reconnect_needed").exists()


def test_it_records_other_platform_errors_without_flagging_the_account(team):
    channel = connect_fake(team, "broken_later")
    channel.credentials_ciphertext = crypto.encrypt(json.dumps({"handle": "broken"}))
    channel.save()

    with pytest.raises(ApiError) as refused:
        actions.refresh_profile(access=team.access("alice"), channel=channel)

    assert refused.value.code == "platform_error"
    channel.refresh_from_db()
    assert channel.status == Channel.Status.CONNECTED
    assert channel.last_error == "bad_response: malformed response"


def test_it_saves_credentials_the_connector_renewed(team):
    channel = connect_fake(team, "acme")
    FakeFormConnector.renew_to["acme"] = "renewed-password"

    actions.refresh_profile(access=team.access("alice"), channel=channel)

    channel.refresh_from_db()
    assert credentials(channel)["password"] == "renewed-password"


def test_it_stores_the_refreshed_profile(team):
    channel = connect_fake(team, "acme", display_name="旧名字")
    FakeFormConnector.profiles["acme"] = {"display_name": "新名字", "verified": True}

    channel = actions.refresh_profile(access=team.access("bob"), channel=channel)

    assert channel.display_name == "新名字"
    assert channel.profile["verified"] is True
    event = AuditEvent.objects.get(action="channel.profile_refreshed")
    assert (logged_before(event)["display_name"], logged_after(event)["display_name"]) == (
        "旧名字",
        "新名字",
    )


def test_it_updates_the_matrix_with_symmetric_complements(team):
    brand = connect_fake(team, "acme")
    support = connect_fake(team, "acme_help")

    actions.update_matrix(
        access=team.access("bob"),
        channel=support,
        role="support",
        owner_id=team.dave.pk,
        weekly_capacity_hours="12.5",
        notes="客服 9:00–21:00",
        complements={brand.pk: "接住品牌号下的投诉"},
    )

    support.refresh_from_db()
    assert (support.role, support.owner, str(support.weekly_capacity_hours)) == (
        "support",
        team.dave,
        "12.5",
    )
    assert list(brand.complements.all()) == [support]
    assert list(support.complements.all()) == [brand]
    assert {c.why for c in Complement.objects.all()} == {"接住品牌号下的投诉"}
    event = AuditEvent.objects.get(action="channel.matrix_updated")
    assert logged_before(event)["complements"] == {}
    assert logged_after(event)["complements"] == {str(brand.pk): "接住品牌号下的投诉"}

    actions.update_matrix(access=team.access("bob"), channel=brand, complements={})
    assert not Complement.objects.exists()


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"role": "influencer"}, "role"),
        ({"weekly_capacity_hours": "200"}, "weekly_capacity_hours"),
        ({"weekly_capacity_hours": "lots"}, "weekly_capacity_hours"),
        ({"owner_id": -1}, "owner_id"),
    ],
)
def test_it_refuses_a_bad_matrix(team, options, field):
    channel = connect_fake(team, "acme")

    with pytest.raises(ValidationError) as invalid:
        actions.update_matrix(access=team.access("alice"), channel=channel, **options)

    assert field in invalid.value.message_dict


def test_it_refuses_an_outsider_as_owner_or_complement(team):
    channel = connect_fake(team, "acme")
    theirs = Channel.objects.create(
        workspace=team.other, platform="weibo", connector="fakeform", remote_id="x"
    )

    with pytest.raises(ValidationError):
        actions.update_matrix(
            access=team.access("alice"), channel=channel, owner_id=team.charlie.pk
        )
    with pytest.raises(ValidationError):
        actions.update_matrix(
            access=team.access("alice"), channel=channel, complements={theirs.pk: ""}
        )
    with pytest.raises(ValidationError):
        actions.update_matrix(
            access=team.access("alice"), channel=channel, complements={channel.pk: ""}
        )


def test_it_rotates_credentials_to_the_newest_key(team, settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.CREDENTIALS_KEYS = [old]
    channels = [connect_fake(team, f"acme_{n}") for n in range(3)]
    Channel.objects.filter(pk=channels[2].pk).update(credentials_ciphertext="")
    settings.CREDENTIALS_KEYS = [new, old]

    rotated, unreadable = actions.rotate_credentials(batch_size=2)

    assert (rotated, unreadable) == (2, 0)
    settings.CREDENTIALS_KEYS = [new]
    for channel in channels[:2]:
        channel.refresh_from_db()
        assert credentials(channel)["password"] == SECRET
    event = AuditEvent.objects.get(action="channel.credentials_rotated")
    assert event.after == {"rotated": 2, "unreadable": 0}


def test_it_has_a_rotate_keys_command(team, settings):
    from click.testing import CliRunner

    from socialops.cli import main

    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.CREDENTIALS_KEYS = [old]
    channel = connect_fake(team, "acme")
    settings.CREDENTIALS_KEYS = [new, old]

    result = CliRunner().invoke(main, ["rotate-keys"])

    assert result.exit_code == 0, result.output
    assert "re-encrypted 1 account credential(s); 0 unreadable" in result.output
    settings.CREDENTIALS_KEYS = [new]
    channel.refresh_from_db()
    assert credentials(channel)["password"] == SECRET


def test_it_counts_credentials_no_key_can_read(team, settings):
    settings.CREDENTIALS_KEYS = [Fernet.generate_key().decode()]
    connect_fake(team, "acme")
    settings.CREDENTIALS_KEYS = [Fernet.generate_key().decode()]

    assert actions.rotate_credentials() == (0, 1)


def test_it_takes_the_platform_a_manual_account_is_on(team):
    channel = actions.connect_channel(
        access=team.access("alice"),
        connector="manual",
        fields={"platform": "douban", "handle": "示例品牌"},
    )

    assert (channel.platform, channel.handle, channel.remote_id) == (
        "douban",
        "示例品牌",
        "示例品牌",
    )
