"""The channels API: list, connect, read, change, disconnect, reconnect, refresh, facade."""

from __future__ import annotations

import json

import pytest
from django.db import connection

from socialops.channels.models import Channel
from socialops.channels.tests.conftest import connect_fake
from socialops.channels.tests.fakes import SECRET, FakeFormConnector
from socialops.conftest import error_of
from socialops.core.models import AuditEvent

pytestmark = pytest.mark.usefixtures("fakes")


def test_it_connects_and_lists_accounts_without_secrets(team):
    bob = team.api("bob")

    created = bob.post(
        "/channels",
        {
            "connector": "fakeform",
            "platform": "weibo",
            "fields": {"handle": "acme", "password": SECRET},
        },
    )
    listed = bob.get("/channels")

    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["handle"], body["status"], body["status_reason"], body["simulated"]) == (
        "acme",
        "connected",
        "",
        False,
    )
    assert listed.json()["results"] == [body]
    assert SECRET not in created.content.decode() + listed.content.decode()
    assert "credentials" not in json.dumps(body)


def test_it_never_stores_or_logs_the_secret_in_plain_text(team):
    channel = connect_fake(team, "acme")

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT credentials_ciphertext, config, profile FROM channels_channel WHERE id = %s",
            [channel.pk],
        )
        row = cursor.fetchone()
    stored = " ".join(str(value) for value in row)
    assert SECRET not in stored
    assert row[0].startswith("gAAAA")  # a Fernet token
    logged = json.dumps(list(AuditEvent.objects.values("before", "after")), ensure_ascii=False)
    assert SECRET not in logged


@pytest.mark.parametrize(
    ("body", "status", "code", "field"),
    [
        ({"connector": "nope", "fields": {}}, 422, "invalid", "connector"),
        ({"connector": "fakeform", "fields": {"handle": "a"}}, 422, "invalid", "password"),
        (
            {"connector": "fakeform", "fields": {"handle": "a", "password": "no"}},
            422,
            "connect_failed",
            "connector",
        ),
        ({"connector": "fakeoauth", "fields": {}}, 422, "oauth_required", "connector"),
        ({"connector": "fakeform", "fields": {"handle": 1}}, 422, "invalid", "fields.handle"),
        ({"connector": "fakeform", "surprise": 1}, 422, "invalid", "surprise"),
    ],
)
def test_it_refuses_a_bad_connect_clearly(team, body, status, code, field):
    response = team.api("alice").post("/channels", body)

    assert response.status_code == status
    assert error_of(response)["code"] == code
    assert field in error_of(response)["fields"]
    assert not Channel.objects.exists()


def test_it_answers_409_for_an_account_already_connected(team):
    connect_fake(team, "acme")

    response = team.api("alice").post(
        "/channels", {"connector": "fakeform", "fields": {"handle": "acme", "password": SECRET}}
    )

    assert response.status_code == 409
    assert error_of(response)["code"] == "already_connected"


def test_it_changes_the_matrix(team):
    brand = connect_fake(team, "acme")
    support = connect_fake(team, "acme_help")

    response = team.api("bob").patch(
        f"/channels/{support.pk}",
        {
            "role": "support",
            "owner_id": team.dave.pk,
            "weekly_capacity_hours": 10,
            "complements": [{"channel_id": brand.pk, "why": "投诉分流"}],
        },
    )

    assert response.status_code == 200, response.content
    assert response.json()["complements"] == [{"channel_id": brand.pk, "why": "投诉分流"}]
    assert response.json()["owner_id"] == team.dave.pk
    assert team.api("erin").get(f"/channels/{brand.pk}").json()["complements"] == [
        {"channel_id": support.pk, "why": "投诉分流"}
    ]
    cleared = team.api("bob").patch(f"/channels/{support.pk}", {"owner_id": None})
    assert cleared.json()["owner_id"] is None
    assert cleared.json()["role"] == "support"


def test_it_shows_reconnect_needed_and_reconnects(team):
    channel = connect_fake(team, "acme")
    FakeFormConnector.expired.add("acme")
    alice = team.api("alice")

    refreshed = alice.post(f"/channels/{channel.pk}/refresh-profile")
    shown = alice.get(f"/channels/{channel.pk}").json()
    FakeFormConnector.expired.clear()
    again = alice.post(
        f"/channels/{channel.pk}/reconnect", {"fields": {"handle": "acme", "password": SECRET}}
    )

    assert refreshed.status_code == 409
    assert error_of(refreshed)["code"] == "reconnect_needed"
    assert (shown["status"], shown["status_reason"]) == ("reconnect_needed", "token revoked")
    assert again.status_code == 200
    assert again.json()["status"] == "connected"


def test_it_disconnects_and_hides_the_account_from_the_default_list(team):
    channel = connect_fake(team, "acme")
    alice = team.api("alice")

    gone = alice.delete(f"/channels/{channel.pk}")

    assert gone.status_code == 200
    assert gone.json()["status"] == "disconnected"
    assert alice.get("/channels").json()["results"] == []
    assert [
        c["id"] for c in alice.get("/channels", {"include_disconnected": "true"}).json()["results"]
    ] == [channel.pk]
    assert error_of(alice.post(f"/channels/{channel.pk}/refresh-profile"))["code"] == "disconnected"


def test_it_reads_and_ticks_the_facade(team):
    channel = connect_fake(
        team, "acme", display_name="Acme", avatar_url="https://img.example/a.png"
    )
    alice = team.api("alice")

    before = alice.get(f"/channels/{channel.pk}/facade").json()
    ticked = alice.post(
        f"/channels/{channel.pk}/facade/verification", {"state": "manual_ok", "evidence": "蓝V"}
    )
    wrong = alice.post(f"/channels/{channel.pk}/facade/mascot", {})
    bad_state = alice.post(f"/channels/{channel.pk}/facade/bio", {"state": "ok"})

    items = {row["item"]: row for row in before["items"]}
    assert items["avatar"]["state"] == "ok" and items["avatar"]["automatic"] is True
    assert items["verification"]["state"] == "missing"
    assert before["fixes"][0].startswith("Apply for enterprise verification") or before["fixes"]
    assert ticked.status_code == 200
    after = {row["item"]: row for row in ticked.json()["items"]}
    assert after["verification"]["state"] == "manual_ok"
    assert after["verification"]["checked_by_id"] == team.alice.pk
    assert after["verification"]["evidence"] == "蓝V"
    assert ticked.json()["score"] == before["score"] + 15
    assert wrong.status_code == 422
    assert bad_state.status_code == 422


def test_it_lists_connectors_with_how_they_connect(team):
    response = team.api("erin").get("/connectors")

    by_code = {c["code"]: c for c in response.json()}
    assert by_code["fakeform"]["auth_kind"] == "form"
    assert by_code["fakeform"]["connect_fields"][1] == {
        "name": "password",
        "label": "App password",
        "secret": True,
        "required": True,
        "help": "",
    }
    assert by_code["fakeoauth"]["auth_kind"] == "oauth2"
    assert by_code["sandbox"]["simulated"] is True
    assert "profile_read" in by_code["sandbox"]["capabilities"]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/channels/{id}"),
        ("patch", "/channels/{id}"),
        ("delete", "/channels/{id}"),
        ("post", "/channels/{id}/reconnect"),
        ("post", "/channels/{id}/refresh-profile"),
        ("get", "/channels/{id}/facade"),
        ("post", "/channels/{id}/facade/avatar"),
    ],
)
def test_it_answers_404_for_another_workspaces_account(team, method, path):
    theirs = Channel.objects.create(
        workspace=team.other, platform="weibo", connector="fakeform", remote_id="globex"
    )
    client = team.api("alice")
    url = path.format(id=theirs.pk)

    response = (
        client.get(url)
        if method == "get"
        else getattr(client, method)(url, **({} if method == "delete" else {"body": {}}))
    )

    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"
    theirs.refresh_from_db()
    assert theirs.status == Channel.Status.CONNECTED
    event = AuditEvent.objects.filter(action="access.outsider").latest("id")
    assert event.workspace == team.other
    assert event.actor == team.alice
