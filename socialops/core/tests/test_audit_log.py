"""The audit log: every write records who, what, when, before and after; it can be filtered."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.urls import reverse

from socialops.accounts import actions
from socialops.accounts.models import ApiToken, Invitation
from socialops.accounts.roles import Role
from socialops.conftest import PASSWORD, Team, error_of, logged_after
from socialops.core.models import AuditEvent

T0 = datetime(2026, 7, 1, 0, 0, tzinfo=UTC)


def _invitation(team: Team) -> Invitation:
    invitation, _raw = actions.invite_member(
        access=team.access("alice"), email="gina@example.com", role=Role.AGENT
    )
    return invitation


def _token(team: Team) -> ApiToken:
    token, _raw = actions.create_api_token(access=team.access("dave"), name="t")
    return token


# (what to do, action recorded, actor, before, after); before/after None means "no such part".
WRITES: list[tuple[str, Callable[[Team], Any], str, str, Any, Any]] = [
    (
        "create_user",
        lambda team: actions.create_user(email="new@example.com", password=PASSWORD, name="New"),
        "user.created",
        "new@example.com",
        None,
        {"email": "new@example.com", "name": "New", "language": "zh-hans"},
    ),
    (
        "create_workspace",
        lambda team: actions.create_workspace(
            actor=team.carol, name="Carol's", slug="carols", time_zone="UTC"
        ),
        "workspace.created",
        "carol@example.com",
        None,
        {"name": "Carol's", "slug": "carols", "time_zone": "UTC"},
    ),
    (
        "update_workspace",
        lambda team: actions.update_workspace(
            access=team.access("bob"), name="Acme 2", time_zone="Asia/Tokyo"
        ),
        "workspace.updated",
        "bob@example.com",
        {"name": "Acme 示例品牌", "slug": "acme", "time_zone": "Asia/Shanghai"},
        {"name": "Acme 2", "slug": "acme", "time_zone": "Asia/Tokyo"},
    ),
    (
        "invite_member",
        _invitation,
        "invitation.created",
        "alice@example.com",
        None,
        {"email": "gina@example.com", "role": "agent"},
    ),
    (
        "revoke_invitation",
        lambda team: actions.revoke_invitation(
            access=team.access("bob"), invitation=_invitation(team)
        ),
        "invitation.revoked",
        "bob@example.com",
        {"status": "pending"},
        {"status": "revoked"},
    ),
    (
        "accept_invitation",
        lambda team: actions.accept_invitation(invitation=_invitation(team), user=team.charlie),
        "invitation.accepted",
        "charlie@example.com",
        None,
        {"role": "agent", "new": True},
    ),
    (
        "sign_up_by_invitation",
        lambda team: actions.sign_up_by_invitation(
            invitation=_invitation(team), password=PASSWORD, name="Gina", language="en"
        ),
        "invitation.accepted",
        "gina@example.com",
        None,
        {"role": "agent", "new": True},
    ),
    (
        "change_member_role",
        lambda team: actions.change_member_role(
            access=team.access("alice"), membership=team.membership("dave"), role=Role.EDITOR
        ),
        "member.role_changed",
        "alice@example.com",
        "{dave: agent}",
        "{dave: editor}",
    ),
    (
        "remove_member",
        lambda team: actions.remove_member(
            access=team.access("bob"), membership=team.membership("dave")
        ),
        "member.removed",
        "bob@example.com",
        "{dave: agent}",
        None,
    ),
    (
        "create_api_token",
        _token,
        "token.created",
        "dave@example.com",
        None,
        {"name": "t", "prefix": "*", "expires_at": None},
    ),
    (
        "revoke_api_token",
        lambda team: actions.revoke_api_token(access=team.access("dave"), token=_token(team)),
        "token.revoked",
        "dave@example.com",
        {"revoked_at": None},
        {"revoked_at": "*"},
    ),
    (
        "update_profile",
        lambda team: actions.update_profile(user=team.erin, name="Erin 艾琳", language="en"),
        "user.profile_updated",
        "erin@example.com",
        {"name": "Erin", "language": "zh-hans"},
        {"name": "Erin 艾琳", "language": "en"},
    ),
]


def _expand(team: Team, value: Any) -> Any:
    if isinstance(value, str) and value.startswith("{dave: "):
        return {"user": team.dave.pk, "role": value.removeprefix("{dave: ").rstrip("}")}
    return value


def _matches(actual: Any, expected: Any) -> bool:
    if isinstance(expected, dict) and isinstance(actual, dict):
        return actual.keys() == expected.keys() and all(
            expected[key] == "*" and actual[key] or _matches(actual[key], expected[key])
            for key in expected
        )
    return bool(actual == expected)


@pytest.mark.parametrize(
    ("do", "action", "actor", "before", "after"),
    [write[1:] for write in WRITES],
    ids=[write[0] for write in WRITES],
)
def test_it_records_every_write_with_actor_before_and_after(
    team, time_machine, do, action, actor, before, after
):
    time_machine.move_to(T0, tick=False)

    do(team)

    event = AuditEvent.objects.filter(action=action).latest("id")
    assert event.actor_label == actor
    assert event.actor is not None and event.actor.email == actor
    assert event.created_at == T0
    assert _matches(event.before, _expand(team, before)), event.before
    assert _matches(event.after, _expand(team, after)), event.after
    if action.startswith(("member.", "invitation.", "token.", "workspace.updated")):
        assert event.workspace == team.workspace
    assert event.target_type and event.target_id


def test_it_covers_every_action_function():
    writers = {
        name
        for name in dir(actions)
        if not name.startswith("_")
        and callable(getattr(actions, name))
        and getattr(getattr(actions, name), "__module__", "") == actions.__name__
    }
    # remember_workspace is navigation state, deliberately not audited.
    assert writers - {"remember_workspace"} == {write[0] for write in WRITES}


def test_it_records_nothing_when_nothing_changed(team):
    actions.update_workspace(access=team.access("alice"), name="Acme 示例品牌")
    actions.update_profile(user=team.erin, name="Erin")

    assert not AuditEvent.objects.filter(
        action__in=["workspace.updated", "user.profile_updated"]
    ).exists()


def test_it_records_how_a_change_was_made(team):
    team.api("alice").patch("/workspace", {"name": "Via API"})
    team.browser("alice").post(
        reverse("workspace_settings", args=[team.workspace.slug]),
        {"name": "Via web", "time_zone": "Asia/Shanghai"},
    )

    events = AuditEvent.objects.filter(action="workspace.updated").order_by("id")
    assert [(e.via, logged_after(e)["name"], e.ip_address) for e in events] == [
        ("api", "Via API", "127.0.0.1"),
        ("web", "Via web", "127.0.0.1"),
    ]


def test_it_records_sign_in_sign_out_and_password_changes(team):
    client = team.browser("carol")

    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "an0ther-Long-passphrase",
            "new_password2": "an0ther-Long-passphrase",
        },
    )
    assert response.status_code == 302
    client.post(reverse("logout"))

    assert AuditEvent.objects.filter(action="user.password_changed", actor=team.carol).count() == 1
    assert AuditEvent.objects.filter(action="auth.logout", actor=team.carol).count() == 1
    team.carol.refresh_from_db()
    assert team.carol.check_password("an0ther-Long-passphrase")


# -- reading it back ----------------------------------------------------------------------------


@pytest.fixture
def history(team, time_machine) -> None:
    """A day of changes in acme, an hour apart, by different people."""
    time_machine.move_to(T0, tick=False)
    AuditEvent.objects.filter(workspace=team.workspace).delete()
    steps = [
        lambda: actions.update_workspace(access=team.access("alice"), name="One"),
        lambda: actions.change_member_role(
            access=team.access("bob"), membership=team.membership("dave"), role=Role.EDITOR
        ),
        lambda: actions.invite_member(
            access=team.access("bob"), email="g@example.com", role="agent"
        ),
        lambda: actions.remove_member(
            access=team.access("alice"), membership=team.membership("dave")
        ),
        lambda: actions.update_workspace(access=team.access("bob"), name="Two"),
    ]
    for hour, step in enumerate(steps):
        time_machine.move_to(T0 + timedelta(hours=hour), tick=False)
        step()
    time_machine.move_to(T0 + timedelta(hours=6), tick=False)


def _actions(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [event["action"] for event in response.json()["results"]]


@pytest.mark.usefixtures("history")
def test_it_filters_the_audit_log_over_the_api(team):
    erin = team.api("erin")  # analysts read the audit log
    AuditEvent.objects.filter(action="token.created").delete()

    assert _actions(erin.get("/audit-events")) == [
        "workspace.updated",
        "member.removed",
        "invitation.created",
        "member.role_changed",
        "workspace.updated",
    ]
    assert _actions(erin.get("/audit-events", {"action": "member."})) == [
        "member.removed",
        "member.role_changed",
    ]
    assert _actions(erin.get("/audit-events", {"action": "workspace.updated"})) == [
        "workspace.updated",
        "workspace.updated",
    ]
    assert _actions(erin.get("/audit-events", {"actor": "BOB@"})) == [
        "workspace.updated",
        "invitation.created",
        "member.role_changed",
    ]
    assert _actions(erin.get("/audit-events", {"target_type": "invitation"})) == [
        "invitation.created"
    ]
    window = {
        "since": (T0 + timedelta(hours=1)).isoformat(),
        "until": (T0 + timedelta(hours=3)).isoformat(),
    }
    assert _actions(erin.get("/audit-events", window)) == [
        "invitation.created",
        "member.role_changed",
    ]
    assert _actions(erin.get("/audit-events", {**window, "actor": "alice"})) == []
    assert _actions(erin.get("/audit-events", {"action": "nothing."})) == []


@pytest.mark.usefixtures("history")
def test_it_returns_each_event_in_full(team):
    body = team.api("erin").get("/audit-events", {"action": "member.role_changed"}).json()

    (event,) = body["results"]
    assert event["actor"] == "bob@example.com"
    assert event["actor_id"] == team.bob.pk
    assert event["via"] == "system"
    assert event["target"] == "dave@example.com"
    assert event["target_type"] == "membership"
    assert event["before"] == {"user": team.dave.pk, "role": "agent"}
    assert event["after"] == {"user": team.dave.pk, "role": "editor"}
    assert event["created_at"] == (T0 + timedelta(hours=1)).isoformat().replace("+00:00", "Z")


def test_it_refuses_bad_filters(team):
    erin = team.api("erin")

    response = erin.get("/audit-events", {"since": "yesterday", "action": "x" * 65})

    assert response.status_code == 422
    assert {"since", "action"} <= set(error_of(response)["fields"])


def test_it_shows_the_audit_log_to_analysts_but_not_to_editors(team):
    assert team.api("erin").get("/audit-events").status_code == 200
    assert team.api("carol").get("/audit-events").status_code == 403
    url = reverse("audit_log", args=[team.workspace.slug])
    assert team.browser("erin").get(url).status_code == 200
    assert team.browser("carol").get(url).status_code == 403


@pytest.mark.usefixtures("history")
def test_it_filters_the_audit_log_page(team):
    client = team.browser("erin")
    url = reverse("audit_log", args=[team.workspace.slug])

    response = client.get(url, {"action": "member.", "actor": "alice"})

    assert response.status_code == 200
    assert [event.action for event in response.context["page"]] == ["member.removed"]
    # Dates are read in the workspace's zone (Asia/Shanghai): T0 is 08:00 on 1 July there.
    day = client.get(url, {"since": "2026-07-01", "until": "2026-07-01"})
    assert len(day.context["page"].object_list) == 5
    before = client.get(url, {"until": "2026-06-30"})
    assert len(before.context["page"].object_list) == 0
    bad = client.get(url, {"since": "not a date"})
    assert bad.status_code == 422
