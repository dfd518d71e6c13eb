"""Nothing of one workspace is visible or writable from another, by API or by URL guessing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from socialops.accounts import actions
from socialops.accounts.models import ApiToken, Invitation, Membership
from socialops.accounts.roles import Role
from socialops.conftest import Team, error_of, logged_after, row_counts
from socialops.core import audit
from socialops.core.models import AuditEvent


@pytest.fixture
def acme_objects(team: Team) -> dict[str, int]:
    """Ids of things in alice's workspace that charlie will try to reach."""
    invitation, _raw = actions.invite_member(
        access=team.access("alice"), email="gina@example.com", role=Role.EDITOR
    )
    token, _raw = actions.create_api_token(access=team.access("alice"), name="alice's laptop")
    audit.record(action="content.secret_plan", workspace=team.workspace, actor=team.alice)
    return {
        "member": team.membership("carol").pk,
        "owner": team.membership("alice").pk,
        "invitation": invitation.pk,
        "token": token.pk,
    }


def _ids(response) -> set[int]:
    return {item["id"] for item in response.json()["results"]}


def test_it_lists_only_the_tokens_workspace(team, acme_objects):
    charlie = team.api("charlie")

    assert charlie.get("/workspace").json()["slug"] == "globex"
    members = charlie.get("/members").json()["results"]
    assert [m["email"] for m in members] == ["charlie@example.com"]
    assert charlie.get("/invitations").json()["results"] == []
    assert acme_objects["token"] not in _ids(charlie.get("/tokens"))
    assert [w["workspace"]["slug"] for w in charlie.get("/workspaces").json()["results"]] == [
        "globex"
    ]
    audit_rows = charlie.get("/audit-events", {"page_size": 200}).json()["results"]
    assert audit_rows
    assert {row["action"] for row in audit_rows}.isdisjoint({"content.secret_plan"})
    acme_event_ids = set(
        AuditEvent.objects.filter(workspace=team.workspace).values_list("id", flat=True)
    )
    assert acme_event_ids.isdisjoint({row["id"] for row in audit_rows})


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("patch", "/members/{member}", {"role": "owner"}),
        ("patch", "/members/{owner}", {"role": "analyst"}),
        ("delete", "/members/{member}", None),
        ("delete", "/members/{owner}", None),
        ("delete", "/invitations/{invitation}", None),
        ("delete", "/tokens/{token}", None),
    ],
)
def test_it_gives_404_for_another_workspaces_ids_and_logs_it(
    team, acme_objects, method, path, body
):
    charlie = team.api("charlie")
    url = path.format(**acme_objects)
    before = row_counts()

    response = charlie.delete(url) if method == "delete" else charlie.patch(url, body)

    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"
    assert row_counts() == before
    event = AuditEvent.objects.filter(action="access.outsider").latest("id")
    assert event.workspace == team.workspace
    assert event.actor == team.charlie
    assert event.via == "api"
    assert event.after == {"path": "/api/v1" + url, "from_workspace": "globex"}


def test_it_gives_the_same_404_for_an_id_that_exists_nowhere(team, acme_objects):
    charlie = team.api("charlie")

    missing = charlie.patch("/members/999999", {"role": "editor"})
    foreign = charlie.patch(f"/members/{acme_objects['member']}", {"role": "editor"})

    assert missing.status_code == foreign.status_code == 404
    assert missing.json() == foreign.json()


def test_it_scopes_a_token_to_its_workspace_even_for_a_member_of_both(team, acme_objects):
    """Alice owns acme, but her token for globex, where she edits, reaches only globex."""
    Membership.objects.create(workspace=team.other, user=team.alice, role=Role.EDITOR)
    alice_in_globex = team.api("alice", team.other)

    assert alice_in_globex.get("/me").json()["role"] == "editor"
    response = alice_in_globex.patch(f"/members/{acme_objects['member']}", {"role": "analyst"})

    assert response.status_code == 403  # an editor in globex; acme's ids are not even looked up
    assert team.membership("carol").role == Role.EDITOR
    response = alice_in_globex.delete(f"/tokens/{acme_objects['token']}")
    assert response.status_code == 404
    assert ApiToken.objects.get(pk=acme_objects["token"]).revoked_at is None


def test_it_keeps_a_members_tokens_private_from_other_members(team, acme_objects):
    bob = team.api("bob")

    response = bob.delete(f"/tokens/{acme_objects['token']}")

    assert response.status_code == 404
    assert ApiToken.objects.get(pk=acme_objects["token"]).revoked_at is None
    assert acme_objects["token"] not in _ids(bob.get("/tokens"))


def test_it_refuses_other_workspaces_ids_on_pages(team, acme_objects):
    """Charlie, in his own workspace's URLs, uses ids from alice's workspace."""
    charlie = team.browser("charlie")
    globex = team.other.slug
    attempts = [
        (reverse("change_role", args=[globex, acme_objects["member"]]), {"role": "owner"}),
        (reverse("remove_member", args=[globex, acme_objects["member"]]), {}),
        (reverse("revoke_invitation", args=[globex, acme_objects["invitation"]]), {}),
        (reverse("revoke_token", args=[globex, acme_objects["token"]]), {}),
    ]
    before = row_counts()
    outsider_before = AuditEvent.objects.filter(action="access.outsider").count()

    for url, data in attempts:
        assert charlie.post(url, data).status_code == 404, url

    assert row_counts() == before
    assert Invitation.objects.get(pk=acme_objects["invitation"]).revoked_at is None
    logged = AuditEvent.objects.filter(action="access.outsider").order_by("id")[outsider_before:]
    assert [logged_after(event)["path"] for event in logged] == [url for url, _data in attempts]
    assert {event.workspace for event in logged} == {team.workspace}
    assert {event.via for event in logged} == {"web"}
