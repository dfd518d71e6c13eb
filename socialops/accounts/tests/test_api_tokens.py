"""Personal API tokens: shown once, stored hashed, bound to a workspace, revocable."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from django.urls import reverse

from socialops.accounts.models import ApiToken
from socialops.accounts.queries import hash_secret
from socialops.conftest import ApiClient, Team, error_of
from socialops.core.models import AuditEvent

START = datetime(2026, 6, 1, 1, 0, tzinfo=UTC)


def _everything_stored() -> str:
    tokens = list(ApiToken.objects.values())
    events = list(AuditEvent.objects.values("before", "after", "target_label", "actor_label"))
    return json.dumps([tokens, events], default=str)


def test_it_shows_a_new_token_once_and_stores_only_its_hash(team, time_machine):
    time_machine.move_to(START, tick=False)
    dave = team.api("dave")

    response = dave.post("/tokens", {"name": "报表脚本", "expires_in_days": 30})

    assert response.status_code == 201
    body = response.json()
    raw = body["token"]
    assert raw.startswith("so_") and len(raw) > 40
    token = ApiToken.objects.get(pk=body["id"])
    assert token.token_hash == hash_secret(raw)
    assert token.prefix == raw[:10] == body["prefix"]
    assert token.expires_at == START + timedelta(days=30)
    assert raw not in _everything_stored()
    listed = dave.get("/tokens").json()["results"]
    assert {item["id"] for item in listed} == {body["id"], ApiToken.objects.earliest("id").pk}
    assert all("token" not in item for item in listed)
    assert raw not in json.dumps(listed)
    event = AuditEvent.objects.filter(action="token.created").latest("id")
    assert event.after == {
        "name": "报表脚本",
        "prefix": raw[:10],
        "expires_at": (START + timedelta(days=30)).isoformat(),
    }


def test_it_authenticates_with_the_new_token_as_its_owner_in_its_workspace(team):
    raw = team.api("dave").post("/tokens", {"name": "second"}).json()["token"]

    me = ApiClient(raw).get("/me").json()

    assert me["user"]["email"] == "dave@example.com"
    assert me["workspace"]["slug"] == "acme"
    assert me["role"] == "agent"
    assert "inbox.reply" in me["permissions"]


def test_it_revokes_a_token(team):
    raw = team.token("dave")
    client = ApiClient(raw)
    token = ApiToken.objects.get(token_hash=hash_secret(raw))

    response = client.delete(f"/tokens/{token.pk}")

    assert response.status_code == 200
    assert response.json()["is_active"] is False
    assert response.json()["revoked_at"] is not None
    assert client.get("/me").status_code == 401
    event = AuditEvent.objects.get(action="token.revoked")
    assert event.before == {"revoked_at": None}
    assert event.actor == team.dave


def test_it_revokes_once_however_often_asked(team):
    dave = team.api("dave")
    other = ApiToken.objects.get(pk=dave.post("/tokens", {"name": "x"}).json()["id"])

    first = dave.delete(f"/tokens/{other.pk}")
    second = dave.delete(f"/tokens/{other.pk}")

    assert first.status_code == second.status_code == 200
    assert first.json()["revoked_at"] == second.json()["revoked_at"]
    assert AuditEvent.objects.filter(action="token.revoked").count() == 1


def test_it_notes_when_a_token_was_last_used_to_the_minute(team, time_machine):
    time_machine.move_to(START, tick=False)
    raw = team.token("dave")
    client = ApiClient(raw)
    token = ApiToken.objects.get(token_hash=hash_secret(raw))

    client.get("/me")
    token.refresh_from_db()
    assert token.last_used_at == START

    time_machine.move_to(START + timedelta(seconds=30), tick=False)
    client.get("/me")
    token.refresh_from_db()
    assert token.last_used_at == START

    time_machine.move_to(START + timedelta(minutes=2), tick=False)
    client.get("/me")
    token.refresh_from_db()
    assert token.last_used_at == START + timedelta(minutes=2)


def test_it_creates_and_revokes_tokens_on_the_tokens_page(team: Team):
    client = team.browser("erin")
    url = reverse("tokens", args=[team.workspace.slug])

    created = client.post(url, {"name": "laptop", "expires_in_days": ""}, follow=True)

    assert created.redirect_chain == [(url, 302)]
    raw = created.context["new_token"]
    assert raw in created.content.decode()
    assert ApiClient(raw).get("/me").status_code == 200
    assert raw not in client.get(url).content.decode()  # shown once: a reload no longer has it
    token = ApiToken.objects.get(token_hash=hash_secret(raw))
    assert token.expires_at is None
    revoked = client.post(reverse("revoke_token", args=[team.workspace.slug, token.pk]))
    assert revoked.status_code == 302
    assert ApiClient(raw).get("/me").status_code == 401


def test_it_refuses_a_bad_token_form_on_the_page(team):
    client = team.browser("erin")
    url = reverse("tokens", args=[team.workspace.slug])

    response = client.post(url, {"name": "", "expires_in_days": "0"})

    assert response.status_code == 422
    assert set(response.context["form"].errors) == {"name", "expires_in_days"}
    assert not ApiToken.objects.exists()


def test_it_changes_your_own_name_and_language_through_the_api(team):
    client = team.api("carol")

    response = client.patch("/me", {"name": "Carol 李", "language": "en"})

    assert response.status_code == 200
    assert response.json()["user"] == {
        "id": team.carol.pk,
        "email": "carol@example.com",
        "name": "Carol 李",
        "language": "en",
    }
    team.carol.refresh_from_db()
    assert (team.carol.name, team.carol.language) == ("Carol 李", "en")
    event = AuditEvent.objects.filter(action="user.profile_updated").latest("id")
    assert event.before == {"name": "Carol", "language": "zh-hans"}


def test_it_refuses_an_unknown_language_through_the_api(team):
    response = team.api("carol").patch("/me", {"language": "fr"})

    assert response.status_code == 422
    assert "language" in error_of(response)["fields"]
