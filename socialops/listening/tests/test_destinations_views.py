"""Destination pages: list, form (write-only secret), delete, send test inline; roles."""

from __future__ import annotations

from typing import Any

import httpx
import respx
from django.urls import reverse

from socialops.conftest import audit_count
from socialops.core.crypto import decrypt
from socialops.listening.alerts import raise_alert
from socialops.listening.delivery import deliver_due
from socialops.listening.models import Delivery, Destination

HOOK = "https://receiver.example.com/hook"


def url(name: str, *args: Any) -> str:
    return reverse(name, args=["acme", *args])


def make(team, **fields: Any) -> Destination:
    values = {"name": "运维群", "kind": "webhook", "url": HOOK} | fields
    return Destination.objects.create(workspace=team.workspace, **values)


def test_it_lists_destinations_with_their_last_delivery(team, settings):
    settings.LISTENING_DISPATCH_SYNC = True
    bell = make(team, name="bell", kind="in_app", url="")
    make(team, name="off", enabled=False)
    raise_alert(team.workspace.pk, kind="spike", key="s", title="t")
    deliver_due()

    page = team.browser("dave").get(url("listening_destinations"))

    assert page.status_code == 200
    html = page.content.decode()
    assert f'data-destination="{bell.pk}"' in html
    assert 'data-last-state="sent"' in html
    assert 'data-enabled="0"' in html
    assert "data-test-button" not in html  # an agent cannot send tests
    assert Delivery.objects.get().destination_id == bell.pk


def test_it_creates_a_signed_destination_from_the_form(team):
    browser = team.browser("erin")
    assert browser.get(url("listening_destination_new")).status_code == 200

    response = browser.post(
        url("listening_destination_new"),
        {
            "name": "钉钉群",
            "kind": "dingtalk",
            "url": "https://oapi.dingtalk.com/robot/send?access_token=t",
            "secret": "SECabc",
            "alert_kinds": ["spike", "negative"],
            "enabled": "on",
        },
    )

    assert response.status_code == 302, response.content[:2000]
    stored = Destination.objects.get()
    assert (stored.kind, stored.alert_kinds, stored.enabled) == (
        "dingtalk",
        ["spike", "negative"],
        True,
    )
    assert decrypt(stored.secret) == "SECabc"
    assert audit_count("listening.destination_created") == 1


def test_it_keeps_the_secret_when_the_field_is_left_empty(team):
    from socialops.core.crypto import encrypt

    found = make(team, secret=encrypt("Zq9-stored-secret"))
    browser = team.browser("bob")
    form = browser.get(url("listening_destination_edit", found.pk)).content.decode()
    assert "Zq9-stored-secret" not in form
    assert "data-has-secret" in form

    response = browser.post(
        url("listening_destination_edit", found.pk),
        {"name": "renamed", "kind": "webhook", "url": HOOK, "secret": "", "enabled": "on"},
    )
    assert response.status_code == 302
    found.refresh_from_db()
    assert (found.name, decrypt(found.secret)) == ("renamed", "Zq9-stored-secret")

    browser.post(
        url("listening_destination_edit", found.pk),
        {"name": "renamed", "kind": "webhook", "url": HOOK, "clear_secret": "on"},
    )
    found.refresh_from_db()
    assert found.secret == ""
    assert found.enabled is False


def test_it_shows_form_errors_and_writes_nothing(team):
    response = team.browser("bob").post(
        url("listening_destination_new"),
        {"name": "mail", "kind": "email", "recipients": "ops@example.com\nnot-an-address"},
    )

    assert response.status_code == 422
    assert "invalid-feedback" in response.content.decode()
    assert not Destination.objects.exists()


def test_it_deletes_a_destination(team):
    found = make(team)

    response = team.browser("alice").post(url("listening_destination_delete", found.pk))

    assert response.status_code == 302
    assert not Destination.objects.exists()
    assert audit_count("listening.destination_deleted") == 1


@respx.mock
def test_it_sends_a_test_and_shows_the_outcome_inline(team):
    respx.post(HOOK).mock(return_value=httpx.Response(500, text="down"))
    found = make(team)

    response = team.browser("bob").post(
        url("listening_destination_test", found.pk), HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-test-outcome="failed"' in html
    assert 'data-status-code="500"' in html
    assert Delivery.objects.get().state == "failed"


def test_it_refuses_people_who_cannot_manage_and_other_workspaces(team):
    found = make(team)
    for name in ("carol", "dave"):
        browser = team.browser(name)
        assert browser.get(url("listening_destinations")).status_code == 200
        assert browser.get(url("listening_destination_new")).status_code == 403
        assert browser.get(url("listening_destination_edit", found.pk)).status_code == 403
        assert browser.post(url("listening_destination_delete", found.pk)).status_code == 403
        assert browser.post(url("listening_destination_test", found.pk)).status_code == 403
    other = Destination.objects.create(workspace=team.other, name="x", kind="in_app")
    bob = team.browser("bob")
    assert bob.get(url("listening_destination_edit", other.pk)).status_code == 404
    assert bob.post(url("listening_destination_delete", other.pk)).status_code == 404
    assert Destination.objects.count() == 2
