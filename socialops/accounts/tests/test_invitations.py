"""Invitations by link: created by a manager, accepted by signing up or in, refused when stale."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from socialops.accounts import actions
from socialops.accounts.models import INVITATION_LIFETIME, Invitation, Membership, User
from socialops.accounts.queries import hash_secret
from socialops.accounts.roles import Role
from socialops.conftest import PASSWORD, Team, audit_count, error_of, logged_after, row_counts
from socialops.core.models import AuditEvent

START = datetime(2026, 4, 1, 2, 0, tzinfo=UTC)


def _invite(team: Team, email: str = "gina@example.com", role: str = "agent") -> tuple[int, str]:
    """Invite through the API as bob; returns the invitation id and the link's path."""
    response = team.api("bob").post("/invitations", {"email": email, "role": role})
    assert response.status_code == 201, response.content
    body = response.json()
    return body["id"], body["url"].removeprefix("http://127.0.0.1:8000")


def test_it_creates_an_invitation_with_a_link_stored_only_as_a_hash(team, time_machine):
    time_machine.move_to(START, tick=False)

    response = team.api("bob").post("/invitations", {"email": "Gina@Example.com", "role": "agent"})

    assert response.status_code == 201
    body = response.json()
    assert body["email"] == "gina@example.com"
    assert body["role"] == "agent"
    assert body["status"] == "pending"
    assert body["expires_at"] == (START + INVITATION_LIFETIME).isoformat().replace("+00:00", "Z")
    raw = body["url"].rstrip("/").rsplit("/", 1)[-1]
    invitation = Invitation.objects.get(pk=body["id"])
    assert invitation.token_hash == hash_secret(raw)
    assert raw not in str(list(Invitation.objects.values()))
    event = AuditEvent.objects.get(action="invitation.created")
    assert event.actor == team.bob
    assert event.after == {"email": "gina@example.com", "role": "agent"}
    assert raw not in str(event.after)


def test_it_lists_pending_invitations_to_managers(team):
    invitation_id, _path = _invite(team)

    results = team.api("alice").get("/invitations").json()["results"]

    assert [(i["id"], i["status"]) for i in results] == [(invitation_id, "pending")]
    assert "url" not in results[0]


def test_it_refuses_to_invite_a_member_or_a_bad_email(team):
    bob = team.api("bob")
    before = row_counts()

    member = bob.post("/invitations", {"email": "carol@example.com", "role": "agent"})
    bad = bob.post("/invitations", {"email": "not an email", "role": "agent"})
    role = bob.post("/invitations", {"email": "ok@example.com", "role": "wizard"})

    assert member.status_code == bad.status_code == role.status_code == 422
    assert "email" in error_of(member)["fields"]
    assert "email" in error_of(bad)["fields"]
    assert "role" in error_of(role)["fields"]
    assert row_counts() == before


def test_it_signs_up_a_new_person_through_the_link(team):
    _id, path = _invite(team, role="analyst")
    client = Client()

    page = client.get(path)
    assert page.status_code == 200
    response = client.post(
        path, {"name": "Gina 吉娜", "password1": PASSWORD, "password2": PASSWORD}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard", args=[team.workspace.slug])
    gina = User.objects.get(email="gina@example.com")
    assert gina.name == "Gina 吉娜"
    assert gina.check_password(PASSWORD)
    assert Membership.objects.get(user=gina, workspace=team.workspace).role == Role.ANALYST
    assert client.session["_auth_user_id"] == str(gina.pk)
    invitation = Invitation.objects.get()
    assert invitation.accepted_by == gina
    assert invitation.status == Invitation.Status.ACCEPTED
    event = AuditEvent.objects.get(action="invitation.accepted")
    assert event.actor == gina
    assert event.after == {"role": "analyst", "new": True}


@pytest.mark.parametrize(
    ("password1", "password2"),
    [(PASSWORD, PASSWORD + "x"), ("123", "123"), ("password", "password"), ("gina", "gina")],
)
def test_it_refuses_a_sign_up_with_a_weak_or_mismatched_password(team, password1, password2):
    _id, path = _invite(team)
    before = row_counts()

    response = Client().post(path, {"name": "Gina", "password1": password1, "password2": password2})

    assert response.status_code == 422
    assert response.context["form"].errors
    assert row_counts() == before
    assert Invitation.objects.get().status == Invitation.Status.PENDING


def test_it_lets_a_signed_in_person_accept(team):
    _id, path = _invite(team, email="charlie@example.com", role="editor")
    client = team.browser("charlie")

    assert client.get(path).status_code == 200
    response = client.post(path)

    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard", args=[team.workspace.slug])
    assert team.membership("charlie").role == Role.EDITOR
    assert AuditEvent.objects.get(action="invitation.accepted").after == {
        "role": "editor",
        "new": True,
    }


def test_it_asks_an_existing_user_to_sign_in_instead_of_signing_up(team):
    _id, path = _invite(team, email="charlie@example.com")
    before = row_counts()

    page = Client().get(path)
    post = Client().post(path, {"name": "Imposter", "password1": PASSWORD, "password2": PASSWORD})

    assert page.status_code == 200
    assert page.context["existing_user"] is True
    assert page.context["login_url"] == reverse("login") + "?next=" + path
    assert post.status_code == 422
    assert row_counts() == before
    assert not Membership.objects.filter(user=team.charlie, workspace=team.workspace).exists()


def _refused(client: Client, path: str, status: int, reason: str) -> None:
    before = row_counts()

    get = client.get(path)
    post = client.post(path, {"name": "Late", "password1": PASSWORD, "password2": PASSWORD})

    assert get.status_code == post.status_code == status
    assert row_counts() == before
    events = AuditEvent.objects.filter(action="invitation.refused")
    assert [logged_after(event)["status"] for event in events] == [reason, reason]


def test_it_refuses_a_revoked_invitation(team):
    invitation_id, path = _invite(team)
    response = team.api("alice").delete(f"/invitations/{invitation_id}")
    assert response.status_code == 200
    assert response.json()["status"] == "revoked"
    assert audit_count("invitation.revoked", actor=team.alice) == 1

    _refused(Client(), path, 410, "revoked")


def test_it_refuses_an_expired_invitation(team, time_machine):
    time_machine.move_to(START, tick=False)
    _id, path = _invite(team)
    time_machine.move_to(START + INVITATION_LIFETIME + timedelta(seconds=1), tick=False)

    _refused(Client(), path, 410, "expired")
    assert team.api("alice").get("/invitations").json()["results"][0]["status"] == "expired"


def test_it_refuses_a_used_invitation(team):
    _id, path = _invite(team, email="charlie@example.com")
    team.browser("charlie").post(path)

    _refused(team.browser("erin"), path, 410, "accepted")
    assert not Membership.objects.filter(user=team.erin, role=Role.AGENT).exists()


def test_it_refuses_an_unknown_link(team):
    _refused(Client(), reverse("accept_invitation", args=["made-up-token"]), 404, "unknown")


def test_it_revokes_only_pending_invitations(team):
    invitation_id, _path = _invite(team)
    alice = team.api("alice")
    alice.delete(f"/invitations/{invitation_id}")

    again = alice.delete(f"/invitations/{invitation_id}")

    assert again.status_code == 422
    assert "invitation" in error_of(again)["fields"]
    assert audit_count("invitation.revoked") == 1


def test_it_does_not_accept_twice_even_through_the_action(team):
    invitation, _raw = actions.invite_member(
        access=team.access("alice"), email="x@example.com", role=Role.AGENT
    )
    actions.accept_invitation(invitation=invitation, user=team.charlie)

    with pytest.raises(ValidationError):
        actions.accept_invitation(invitation=invitation, user=team.user("erin"))
    assert team.membership("erin").role == Role.ANALYST


def test_it_invites_from_the_members_page_and_shows_the_link_once(team):
    client = team.browser("bob")

    response = client.post(
        reverse("invitations", args=[team.workspace.slug]),
        {"email": "hank@example.com", "role": "editor"},
        follow=True,
    )

    assert response.redirect_chain == [(reverse("members", args=[team.workspace.slug]), 302)]
    link = response.context["new_link"]
    assert link in response.content.decode()
    assert "/invite/" in link
    assert Invitation.objects.get().email == "hank@example.com"
    later = client.get(reverse("members", args=[team.workspace.slug]))
    assert link not in later.content.decode()


def test_it_creates_no_account_when_the_invitation_is_gone_by_the_time_of_sign_up(team):
    invitation, _raw = actions.invite_member(
        access=team.access("alice"), email="ivy@example.com", role=Role.EDITOR
    )
    Invitation.objects.filter(pk=invitation.pk).update(revoked_at=invitation.created_at)

    with pytest.raises(ValidationError):
        actions.sign_up_by_invitation(
            invitation=invitation, password="a-Long-pass-2026", name="Ivy", language="zh-hans"
        )

    assert not User.objects.filter(email="ivy@example.com").exists()
