"""The destinations API: CRUD, write-only secrets, validation, roles, test sends, deliveries."""

from __future__ import annotations

import json
from typing import Any, get_args

import httpx
import pytest
import respx

from socialops.conftest import audit_count, error_of
from socialops.core.crypto import decrypt
from socialops.core.models import AuditEvent
from socialops.listening.alerts import ALERT_KINDS, raise_alert
from socialops.listening.models import Alert, Delivery, Destination, DestinationKind
from socialops.listening.schemas_destinations import AlertKindName, DestinationKindName

HOOK = "https://receiver.example.com/hook?token=t0ken"
WECOM = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k3y"
WEBHOOK = {"name": "运维群", "kind": "webhook", "url": HOOK, "secret": "s3cret"}


@pytest.fixture(autouse=True)
def _synchronous(settings: Any) -> None:
    settings.LISTENING_DISPATCH_SYNC = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def test_it_names_every_kind_in_the_schema():
    assert set(get_args(DestinationKindName)) == set(DestinationKind.values)
    assert set(get_args(AlertKindName)) == set(ALERT_KINDS)


def test_it_creates_reads_updates_and_deletes_a_destination(team):
    erin = team.api("erin")

    created = erin.post("/listening/destinations", {**WEBHOOK, "alert_kinds": ["spike"]})
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["has_secret"] is True
    assert "secret" not in body
    assert body["url"] == HOOK
    assert body["alert_kinds"] == ["spike"]
    assert body["last_delivery"] is None
    stored = Destination.objects.get()
    assert stored.secret != "s3cret"
    assert decrypt(stored.secret) == "s3cret"
    assert audit_count("listening.destination_created") == 1
    event = AuditEvent.objects.get(action="listening.destination_created")
    assert "t0ken" not in json.dumps(event.after)
    assert "s3cret" not in json.dumps(event.after)

    patched = erin.patch(f"/listening/destinations/{body['id']}", {"enabled": False})
    assert patched.status_code == 200, patched.content
    assert patched.json()["enabled"] is False
    assert patched.json()["has_secret"] is True  # kept
    assert decrypt(Destination.objects.get().secret) == "s3cret"

    patched = erin.patch(f"/listening/destinations/{body['id']}", {"secret": "new"})
    assert decrypt(Destination.objects.get().secret) == "new"
    patched = erin.patch(f"/listening/destinations/{body['id']}", {"secret": ""})
    assert patched.json()["has_secret"] is False
    assert audit_count("listening.destination_updated") == 3

    listed = team.api("dave").get("/listening/destinations").json()["results"]
    assert [d["id"] for d in listed] == [body["id"]]
    assert listed[0]["url"] == "https://receiver.example.com/…"  # an agent does not see the token

    assert erin.delete(f"/listening/destinations/{body['id']}").status_code == 204
    assert not Destination.objects.exists()
    assert audit_count("listening.destination_deleted") == 1


def test_it_keeps_email_and_in_app_destinations_simple(team):
    alice = team.api("alice")

    email = alice.post(
        "/listening/destinations",
        {"name": "mail", "kind": "email", "recipients": ["a@example.com", "A@example.com"]},
    )
    in_app = alice.post("/listening/destinations", {"name": "bell", "kind": "in_app"})

    assert email.status_code == 201, email.content
    assert email.json()["recipients"] == ["a@example.com"]
    assert email.json()["url"] == ""
    assert in_app.status_code == 201, in_app.content


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**WEBHOOK, "url": "ftp://example.com/x"}, "url"),
        ({**WEBHOOK, "url": "not a url"}, "url"),
        ({**WEBHOOK, "url": ""}, "url"),
        ({**WEBHOOK, "name": "  "}, "name"),
        ({**WEBHOOK, "kind": "pager"}, "kind"),
        ({**WEBHOOK, "alert_kinds": ["test"]}, "alert_kinds.0"),
        ({**WEBHOOK, "colour": "red"}, "colour"),
        ({"name": "wecom", "kind": "wecom", "url": WECOM, "secret": "x"}, "secret"),
        ({"name": "mail", "kind": "email", "recipients": []}, "recipients"),
        ({"name": "mail", "kind": "email", "recipients": ["not-an-address"]}, "recipients"),
    ],
)
def test_it_refuses_a_bad_destination_and_writes_nothing(team, body, field):
    response = team.api("bob").post("/listening/destinations", body)

    assert response.status_code == 422, response.content
    assert field in error_of(response)["fields"]
    assert not Destination.objects.exists()
    assert audit_count("listening.destination_created") == 0


def test_it_refuses_a_second_destination_with_the_same_name(team):
    bob = team.api("bob")
    assert bob.post("/listening/destinations", WEBHOOK).status_code == 201

    again = bob.post("/listening/destinations", WEBHOOK)

    assert again.status_code == 422
    assert "name" in error_of(again)["fields"]


def test_it_lets_only_managers_write_and_hides_other_workspaces(team):
    created = team.api("bob").post("/listening/destinations", WEBHOOK).json()

    for name in ("carol", "dave"):
        api = team.api(name)
        assert api.get(f"/listening/destinations/{created['id']}").status_code == 200
        assert api.post("/listening/destinations", {**WEBHOOK, "name": "x"}).status_code == 403
        assert (
            api.patch(f"/listening/destinations/{created['id']}", {"name": "y"}).status_code == 403
        )
        assert api.delete(f"/listening/destinations/{created['id']}").status_code == 403
        assert api.post(f"/listening/destinations/{created['id']}/test").status_code == 403
    charlie = team.api("charlie")
    assert charlie.get(f"/listening/destinations/{created['id']}").status_code == 404
    assert charlie.delete(f"/listening/destinations/{created['id']}").status_code == 404
    assert charlie.get("/listening/destinations").json()["results"] == []
    assert Destination.objects.get().name == "运维群"


@respx.mock
def test_it_sends_a_test_to_that_destination_only(team):
    route = respx.post(WECOM).mock(
        return_value=httpx.Response(200, json={"errcode": 0, "errmsg": "ok"})
    )
    bob = team.api("bob")
    wecom = bob.post(
        "/listening/destinations", {"name": "企业微信", "kind": "wecom", "url": WECOM}
    ).json()
    bob.post("/listening/destinations", {"name": "bell", "kind": "in_app"})

    response = bob.post(f"/listening/destinations/{wecom['id']}/test")

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["state"], body["status_code"], body["error"]) == ("sent", 200, "")
    assert route.call_count == 1
    assert Alert.objects.get(pk=body["alert_id"]).kind == "test"
    assert list(Delivery.objects.values_list("destination_id", flat=True)) == [wecom["id"]]
    assert audit_count("listening.destination_tested") == 1
    listed = bob.get(f"/listening/destinations/{wecom['id']}").json()
    assert listed["last_delivery"]["state"] == "sent"


@respx.mock
def test_it_reports_a_failed_test(team):
    respx.post(WECOM).mock(
        return_value=httpx.Response(200, json={"errcode": 93000, "errmsg": "invalid webhook url"})
    )
    bob = team.api("bob")
    wecom = bob.post(
        "/listening/destinations", {"name": "企业微信", "kind": "wecom", "url": WECOM}
    ).json()

    body = bob.post(f"/listening/destinations/{wecom['id']}/test").json()

    assert (body["state"], body["status_code"]) == ("failed", 200)
    assert "93000" in body["error"]


def test_it_lists_an_alerts_deliveries(team):
    bob = team.api("bob")
    bell = bob.post("/listening/destinations", {"name": "bell", "kind": "in_app"}).json()
    alert = raise_alert(team.workspace.pk, kind="spike", key="s", title="t")
    assert alert is not None

    response = team.api("dave").get(f"/listening/alerts/{alert.pk}/deliveries")

    assert response.status_code == 200, response.content
    [row] = response.json()
    assert row["destination_id"] == bell["id"]
    assert row["destination_kind"] == "in_app"
    assert (row["state"], row["attempts"]) == ("pending", 0)
    assert row["next_attempt_at"] is not None
    assert team.api("charlie").get(f"/listening/alerts/{alert.pk}/deliveries").status_code == 404
