"""Changing roles and removing members: only owners manage owners; a workspace keeps an owner."""

from __future__ import annotations

from django.urls import reverse

from socialops.accounts.models import ApiToken, Membership
from socialops.accounts.roles import Role
from socialops.conftest import Team, audit_count, error_of, logged_after, row_counts
from socialops.core.models import AuditEvent


def _member_id(team: Team, name: str) -> int:
    return team.membership(name).pk


def test_it_changes_a_role_and_records_before_and_after(team):
    response = team.api("bob").patch(f"/members/{_member_id(team, 'carol')}", {"role": "analyst"})

    assert response.status_code == 200
    assert response.json()["role"] == "analyst"
    assert team.membership("carol").role == Role.ANALYST
    event = AuditEvent.objects.get(action="member.role_changed")
    assert event.actor == team.bob
    assert event.via == "api"
    assert event.target_label == "carol@example.com"
    assert event.before == {"user": team.carol.pk, "role": "editor"}
    assert event.after == {"user": team.carol.pk, "role": "analyst"}


def test_it_lets_the_new_role_take_effect_on_the_next_request(team):
    carol = team.api("carol")
    assert carol.get("/audit-events").status_code == 403

    team.api("alice").patch(f"/members/{_member_id(team, 'carol')}", {"role": "analyst"})

    assert carol.get("/audit-events").status_code == 200
    assert carol.get("/me").json()["role"] == "analyst"


def test_it_refuses_an_unknown_role(team):
    alice = team.api("alice")
    before = row_counts()

    response = alice.patch(f"/members/{_member_id(team, 'carol')}", {"role": "superuser"})

    assert response.status_code == 422
    assert "role" in error_of(response)["fields"]
    assert row_counts() == before


def _denied(response, team: Team, who: str) -> None:
    assert response.status_code == 403
    assert error_of(response)["code"] == "forbidden"
    event = AuditEvent.objects.filter(action="access.denied").latest("id")
    assert event.actor == team.user(who)
    assert logged_after(event)["permission"] == "owners.manage"


def test_it_lets_only_an_owner_make_someone_an_owner(team):
    bob = team.api("bob")
    before = row_counts()

    _denied(bob.patch(f"/members/{_member_id(team, 'carol')}", {"role": "owner"}), team, "bob")
    _denied(bob.post("/invitations", {"email": "z@example.com", "role": "owner"}), team, "bob")
    assert row_counts() == before

    response = team.api("alice").patch(f"/members/{_member_id(team, 'bob')}", {"role": "owner"})
    assert response.status_code == 200
    assert team.membership("bob").role == Role.OWNER


def test_it_lets_only_an_owner_change_or_remove_an_owner(team):
    Membership.objects.filter(pk=_member_id(team, "carol")).update(role=Role.OWNER)
    bob = team.api("bob")
    before = row_counts()

    _denied(bob.patch(f"/members/{_member_id(team, 'carol')}", {"role": "agent"}), team, "bob")
    _denied(bob.delete(f"/members/{_member_id(team, 'carol')}"), team, "bob")

    assert row_counts() == before
    assert team.membership("carol").role == Role.OWNER
    assert audit_count("member.role_changed") == audit_count("member.removed") == 0


def test_it_keeps_the_last_owner(team):
    alice = team.api("alice")
    before = row_counts()

    demote = alice.patch(f"/members/{_member_id(team, 'alice')}", {"role": "manager"})
    leave = alice.delete(f"/members/{_member_id(team, 'alice')}")

    assert demote.status_code == leave.status_code == 422
    assert "role" in error_of(demote)["fields"]
    assert "member" in error_of(leave)["fields"]
    assert row_counts() == before
    assert team.membership("alice").role == Role.OWNER


def test_it_lets_an_owner_step_down_once_there_is_another(team):
    alice = team.api("alice")
    alice.patch(f"/members/{_member_id(team, 'bob')}", {"role": "owner"})

    response = team.api("bob").patch(f"/members/{_member_id(team, 'alice')}", {"role": "editor"})

    assert response.status_code == 200
    assert team.membership("alice").role == Role.EDITOR
    last = team.api("bob").patch(f"/members/{_member_id(team, 'bob')}", {"role": "editor"})
    assert last.status_code == 422


def test_it_removes_a_member_and_stops_their_tokens(team):
    carol = team.api("carol")
    carol_id = _member_id(team, "carol")
    assert carol.get("/me").status_code == 200

    response = team.api("bob").delete(f"/members/{carol_id}")

    assert response.status_code == 204
    assert not Membership.objects.filter(pk=carol_id).exists()
    assert not ApiToken.objects.filter(user=team.carol, revoked_at__isnull=True).exists()
    assert carol.get("/me").status_code == 401
    event = AuditEvent.objects.get(action="member.removed")
    assert event.before == {"user": team.carol.pk, "role": "editor"}
    assert event.actor == team.bob


def test_it_keeps_a_removed_members_tokens_in_other_workspaces(team):
    Membership.objects.create(workspace=team.other, user=team.carol, role=Role.EDITOR)
    in_globex = team.api("carol", team.other)

    team.api("alice").delete(f"/members/{_member_id(team, 'carol')}")

    assert in_globex.get("/me").status_code == 200


def test_it_lets_any_member_leave(team):
    dave = team.api("dave")

    response = dave.delete(f"/members/{_member_id(team, 'dave')}")

    assert response.status_code == 204
    assert not Membership.objects.filter(user=team.dave, workspace=team.workspace).exists()
    assert dave.get("/me").status_code == 401


def test_it_changes_a_role_from_the_members_page(team):
    client = team.browser("bob")
    url = reverse("change_role", args=[team.workspace.slug, _member_id(team, "dave")])

    response = client.post(url, {"role": "editor"})

    assert response.status_code == 302
    assert response["Location"] == reverse("members", args=[team.workspace.slug])
    assert team.membership("dave").role == Role.EDITOR
    assert AuditEvent.objects.get(action="member.role_changed").via == "web"


def test_it_shows_why_the_last_owner_cannot_leave_on_the_page(team):
    client = team.browser("alice")
    url = reverse("remove_member", args=[team.workspace.slug, _member_id(team, "alice")])

    response = client.post(url, follow=True)

    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]]
    assert team.membership("alice").role == Role.OWNER


def test_it_refuses_an_invalid_role_choice_on_the_page(team):
    client = team.browser("alice")
    url = reverse("change_role", args=[team.workspace.slug, _member_id(team, "dave")])

    response = client.post(url, {"role": "god"})

    assert response.status_code == 302
    assert team.membership("dave").role == Role.AGENT
    assert audit_count("member.role_changed") == 0


def test_it_lets_a_member_leave_from_the_page(team):
    client = team.browser("erin")
    url = reverse("remove_member", args=[team.workspace.slug, _member_id(team, "erin")])

    response = client.post(url)

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert not Membership.objects.filter(user=team.erin, workspace=team.workspace).exists()
