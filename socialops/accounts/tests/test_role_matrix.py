"""Every role against every API route and workspace page, driven by ROLE_PERMISSIONS."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from socialops.accounts import actions
from socialops.accounts.models import ApiToken, Invitation, Membership
from socialops.accounts.roles import ROLE_PERMISSIONS, Perm, Role, can
from socialops.api import api
from socialops.campaigns.models import HashtagSet, Topic
from socialops.channels.actions import connect_channel
from socialops.channels.models import Channel
from socialops.conftest import (
    PERSONAS,
    Team,
    audit_count,
    error_of,
    logged_after,
    make_user,
    row_counts,
)
from socialops.content.models import ContentPillar, EditorialRule
from socialops.core.models import AuditEvent
from socialops.core.views import SECTIONS


@dataclass
class Targets:
    """Objects in alice's workspace that routes act on."""

    frank: Membership
    invitation: Invitation
    token_of: Callable[[str], ApiToken]
    channel: Channel


@pytest.fixture
def targets(team: Team) -> Targets:
    frank = make_user("frank")
    membership = Membership.objects.create(workspace=team.workspace, user=frank, role=Role.EDITOR)
    invitation, _raw = actions.invite_member(
        access=team.access("alice"), email="gina@example.com", role=Role.AGENT
    )

    def token_of(name: str) -> ApiToken:
        token, _raw = actions.create_api_token(access=team.access(name), name="to revoke")
        return token

    channel = connect_channel(
        access=team.access("alice"),
        connector="sandbox",
        fields={"display_name": "Acme 官方", "handle": "acme_official"},
    )
    return Targets(frank=membership, invitation=invitation, token_of=token_of, channel=channel)


@dataclass(frozen=True)
class ApiRoute:
    method: str
    path: str  # as the OpenAPI spec names it, under /api/v1
    perm: Perm | None  # None: every member may
    ok: int
    body: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"{self.method} {self.path}"

    def url(self, targets: Targets, caller: str) -> str:
        return self.path.format(
            member_id=targets.frank.pk,
            invitation_id=targets.invitation.pk,
            token_id=targets.token_of(caller).pk if "{token_id}" in self.path else 0,
            code="weibo",
            channel_id=targets.channel.pk,
            item="avatar",
            rule_id=_rule_id(targets) if "{rule_id}" in self.path else 0,
            topic_id=_topic_id(targets) if "{topic_id}" in self.path else 0,
            set_id=_set_id(targets) if "{set_id}" in self.path else 0,
            pillar_id=_pillar_id(targets) if "{pillar_id}" in self.path else 0,
        )


API_ROUTES = [
    ApiRoute("GET", "/me", None, 200),
    ApiRoute("PATCH", "/me", None, 200, {"language": "en"}),
    ApiRoute("GET", "/roles", None, 200),
    ApiRoute("GET", "/workspace", None, 200),
    ApiRoute("PATCH", "/workspace", Perm.WORKSPACE_MANAGE, 200, {"name": "Acme 新名字"}),
    ApiRoute("GET", "/workspaces", None, 200),
    ApiRoute("POST", "/workspaces", None, 201, {"name": "A new brand"}),
    ApiRoute("GET", "/members", Perm.MEMBERS_VIEW, 200),
    ApiRoute("PATCH", "/members/{member_id}", Perm.MEMBERS_MANAGE, 200, {"role": "analyst"}),
    ApiRoute("DELETE", "/members/{member_id}", Perm.MEMBERS_MANAGE, 204),
    ApiRoute("GET", "/invitations", Perm.MEMBERS_MANAGE, 200),
    ApiRoute(
        "POST",
        "/invitations",
        Perm.MEMBERS_MANAGE,
        201,
        {"email": "hank@example.com", "role": "editor"},
    ),
    ApiRoute("DELETE", "/invitations/{invitation_id}", Perm.MEMBERS_MANAGE, 200),
    ApiRoute("GET", "/tokens", Perm.TOKENS_OWN, 200),
    ApiRoute("POST", "/tokens", Perm.TOKENS_OWN, 201, {"name": "ci"}),
    ApiRoute("DELETE", "/tokens/{token_id}", Perm.TOKENS_OWN, 200),
    ApiRoute("GET", "/audit-events", Perm.AUDIT_VIEW, 200),
    ApiRoute("GET", "/channels", Perm.PLATFORM_VIEW, 200),
    ApiRoute(
        "POST",
        "/channels",
        Perm.PLATFORM_MANAGE,
        201,
        {"connector": "sandbox", "fields": {"display_name": "Acme 新品", "handle": "acme_new"}},
    ),
    ApiRoute("GET", "/channels/{channel_id}", Perm.PLATFORM_VIEW, 200),
    ApiRoute("PATCH", "/channels/{channel_id}", Perm.PLATFORM_MANAGE, 200, {"role": "product"}),
    ApiRoute("DELETE", "/channels/{channel_id}", Perm.PLATFORM_MANAGE, 200),
    ApiRoute("POST", "/channels/{channel_id}/reconnect", Perm.PLATFORM_MANAGE, 200),
    ApiRoute("POST", "/channels/{channel_id}/refresh-profile", Perm.PLATFORM_MANAGE, 200),
    ApiRoute("GET", "/channels/{channel_id}/facade", Perm.PLATFORM_VIEW, 200),
    ApiRoute("POST", "/channels/{channel_id}/facade/{item}", Perm.PLATFORM_MANAGE, 200),
    ApiRoute("GET", "/connectors", Perm.PLATFORM_VIEW, 200),
    ApiRoute("GET", "/platforms", Perm.PLATFORM_VIEW, 200),
    ApiRoute("GET", "/platforms/{code}", Perm.PLATFORM_VIEW, 200),
    ApiRoute("POST", "/lint", Perm.CONTENT_VIEW, 200, {"text": "关注微博", "platform": "weibo"}),
    ApiRoute("GET", "/editorial-rules", Perm.CONTENT_VIEW, 200),
    ApiRoute(
        "POST",
        "/editorial-rules",
        Perm.CONTENT_APPROVE,
        201,
        {"kind": "forbidden_words", "params": {"words": ["发票"]}},
    ),
    ApiRoute("GET", "/editorial-rules/{rule_id}", Perm.CONTENT_VIEW, 200),
    ApiRoute("PATCH", "/editorial-rules/{rule_id}", Perm.CONTENT_APPROVE, 200, {"enabled": False}),
    ApiRoute("DELETE", "/editorial-rules/{rule_id}", Perm.CONTENT_APPROVE, 204),
    ApiRoute("GET", "/topics", Perm.CONTENT_VIEW, 200),
    ApiRoute("POST", "/topics", Perm.CONTENT_EDIT, 201, {"name": "新品发布"}),
    ApiRoute("GET", "/topics/{topic_id}", Perm.CONTENT_VIEW, 200),
    ApiRoute("GET", "/topics/{topic_id}/render", Perm.CONTENT_VIEW, 200),
    ApiRoute("PATCH", "/topics/{topic_id}", Perm.CONTENT_EDIT, 200, {"notes": "主推"}),
    ApiRoute("DELETE", "/topics/{topic_id}", Perm.CONTENT_EDIT, 204),
    ApiRoute("GET", "/hashtag-sets", Perm.CONTENT_VIEW, 200),
    ApiRoute("POST", "/hashtag-sets", Perm.CONTENT_EDIT, 201, {"name": "大促"}),
    ApiRoute("GET", "/hashtag-sets/{set_id}", Perm.CONTENT_VIEW, 200),
    ApiRoute("PATCH", "/hashtag-sets/{set_id}", Perm.CONTENT_EDIT, 200, {"purpose": "新品"}),
    ApiRoute("DELETE", "/hashtag-sets/{set_id}", Perm.CONTENT_EDIT, 204),
    ApiRoute("GET", "/pillars", Perm.CONTENT_VIEW, 200),
    ApiRoute("POST", "/pillars", Perm.CONTENT_APPROVE, 201, {"name": "行业", "target_share": 10}),
    ApiRoute("GET", "/pillars/{pillar_id}", Perm.CONTENT_VIEW, 200),
    ApiRoute("PATCH", "/pillars/{pillar_id}", Perm.CONTENT_APPROVE, 200, {"target_share": 5}),
    ApiRoute("DELETE", "/pillars/{pillar_id}", Perm.CONTENT_APPROVE, 204),
    ApiRoute(
        "POST",
        "/advisor",
        Perm.PLATFORM_VIEW,
        200,
        {
            "industry": "beauty",
            "model": "b2c",
            "age_bands": ["18_24"],
            "city_tiers": ["tier1"],
            "goals": ["brand"],
            "team_hours_per_week": 10,
            "content_strengths": ["images"],
        },
    ),
]


def _rule_id(targets: Targets) -> int:
    """A new publishing rule in alice's workspace for each call (routes may delete it)."""
    rule = EditorialRule.objects.create(
        workspace=targets.channel.workspace,
        kind=EditorialRule.Kind.FORBIDDEN_WORDS,
        params={"words": [{"word": "发票", "pinyin": False, "replacement": ""}]},
    )
    return rule.pk


def _pillar_id(targets: Targets) -> int:
    """A new content pillar in alice's workspace for each call (routes may archive it)."""
    pillar = ContentPillar.objects.create(
        workspace=targets.channel.workspace, name="活动", target_share=20
    )
    return pillar.pk


def _topic_id(targets: Targets) -> int:
    """A new topic in alice's workspace for each call (routes may archive it)."""
    topic = Topic.objects.create(
        workspace=targets.channel.workspace, name=f"话题{Topic.objects.count()}"
    )
    return topic.pk


def _set_id(targets: Targets) -> int:
    return HashtagSet.objects.create(workspace=targets.channel.workspace, name="双十一").pk


def expected_status(role: str, perm: Perm | None, ok: int) -> int:
    return ok if perm is None or can(role, perm) else 403


def test_it_covers_every_api_route_in_the_matrix():
    spec = api.get_openapi_schema()
    prefix = "/api/v1"
    in_spec = {
        f"{method.upper()} {path.removeprefix(prefix)}"
        for path, operations in spec["paths"].items()
        for method in operations
    }
    assert in_spec == {route.key for route in API_ROUTES}


def test_it_defines_the_roles_as_the_product_needs():
    """Hand-written so that a wrong ROLE_PERMISSIONS is caught, not mirrored."""
    assert ROLE_PERMISSIONS[Role.OWNER] == frozenset(Perm)
    assert ROLE_PERMISSIONS[Role.MANAGER] == frozenset(Perm) - {Perm.OWNERS_MANAGE}
    assert set(ROLE_PERMISSIONS) == set(Role)
    for role in Role:
        assert can(role, Perm.WORKSPACE_VIEW)
        assert can(role, Perm.TOKENS_OWN)
    assert can(Role.EDITOR, Perm.CONTENT_EDIT)
    assert not can(Role.EDITOR, Perm.CONTENT_APPROVE)
    assert not can(Role.EDITOR, Perm.CONTENT_PUBLISH)
    assert not can(Role.EDITOR, Perm.MEMBERS_MANAGE)
    assert not can(Role.EDITOR, Perm.AUDIT_VIEW)
    assert can(Role.AGENT, Perm.INBOX_REPLY)
    assert not can(Role.AGENT, Perm.CONTENT_EDIT)
    assert not can(Role.AGENT, Perm.INBOX_MANAGE)
    assert can(Role.ANALYST, Perm.AUDIT_VIEW)
    assert can(Role.ANALYST, Perm.LISTENING_MANAGE)
    assert not can(Role.ANALYST, Perm.CONTENT_EDIT)
    assert not can(Role.ANALYST, Perm.WORKSPACE_MANAGE)
    assert not can("nobody", Perm.WORKSPACE_VIEW)


HAND_WRITTEN_API = [
    ("alice", "PATCH /workspace", 200),
    ("bob", "PATCH /workspace", 200),
    ("carol", "PATCH /workspace", 403),
    ("bob", "POST /invitations", 201),
    ("dave", "GET /invitations", 403),
    ("dave", "POST /invitations", 403),
    ("erin", "GET /audit-events", 200),
    ("carol", "GET /audit-events", 403),
    ("dave", "GET /audit-events", 403),
    ("erin", "PATCH /members/{member_id}", 403),
    ("carol", "DELETE /members/{member_id}", 403),
    ("carol", "GET /members", 200),
    ("dave", "POST /tokens", 201),
]


@pytest.mark.parametrize(("persona", "key", "status"), HAND_WRITTEN_API)
def test_it_agrees_with_hand_written_api_expectations(persona, key, status):
    route = next(route for route in API_ROUTES if route.key == key)
    assert expected_status(PERSONAS[persona], route.perm, route.ok) == status


@pytest.mark.parametrize("persona", list(PERSONAS))
@pytest.mark.parametrize("route", API_ROUTES, ids=lambda route: route.key)
def test_it_answers_each_api_route_as_the_role_allows(team, targets, persona, route):
    role = PERSONAS[persona]
    client = team.api(persona)
    url = route.url(targets, persona)
    before = row_counts()
    denied_before = audit_count("access.denied")

    if route.method == "GET":
        response = client.get(url)
    elif route.method == "DELETE":
        response = client.delete(url)
    else:
        response = getattr(client, route.method.lower())(url, route.body)

    want = expected_status(role, route.perm, route.ok)
    assert response.status_code == want, response.content[:300]
    if want == 403:
        assert error_of(response)["code"] == "forbidden"
        assert row_counts() == before
        event = AuditEvent.objects.filter(action="access.denied").latest("id")
        assert audit_count("access.denied") == denied_before + 1
        assert event.actor == team.user(persona)
        assert event.workspace == team.workspace
        assert event.via == "api"
        assert logged_after(event)["permission"] == str(route.perm)
        assert logged_after(event)["role"] == role
    else:
        assert audit_count("access.denied") == denied_before


# -- workspace pages ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    method: str
    name: str
    perm: Perm
    ok: int
    kwargs: Callable[[Targets, str], dict[str, Any]] = lambda targets, caller: {}
    data: dict[str, Any] = field(default_factory=dict)
    section: str = ""

    @property
    def key(self) -> str:
        return f"{self.method} {self.name}" + (f":{self.section}" if self.section else "")

    def url(self, team: Team, targets: Targets, caller: str) -> str:
        kwargs = {"slug": team.workspace.slug, **self.kwargs(targets, caller)}
        if self.section:
            kwargs["section"] = self.section
        return reverse(self.name, kwargs=kwargs)


def _frank(targets: Targets, caller: str) -> dict[str, Any]:
    return {"member_id": targets.frank.pk}


def _invitation(targets: Targets, caller: str) -> dict[str, Any]:
    return {"invitation_id": targets.invitation.pk}


def _own_token(targets: Targets, caller: str) -> dict[str, Any]:
    return {"token_id": targets.token_of(caller).pk}


def _channel(targets: Targets, caller: str) -> dict[str, Any]:
    return {"channel_id": targets.channel.pk}


def _rule(targets: Targets, caller: str) -> dict[str, Any]:
    return {"rule_id": _rule_id(targets)}


def _topic(targets: Targets, caller: str) -> dict[str, Any]:
    return {"topic_id": _topic_id(targets)}


def _set(targets: Targets, caller: str) -> dict[str, Any]:
    return {"set_id": _set_id(targets)}


def _pillar(targets: Targets, caller: str) -> dict[str, Any]:
    return {"pillar_id": _pillar_id(targets)}


PAGES = [
    Page("GET", "dashboard", Perm.WORKSPACE_VIEW, 200),
    Page("GET", "workspace_settings", Perm.WORKSPACE_VIEW, 200),
    Page(
        "POST",
        "workspace_settings",
        Perm.WORKSPACE_MANAGE,
        302,
        data={"name": "Acme 新名字", "time_zone": "Asia/Shanghai"},
    ),
    Page("GET", "members", Perm.MEMBERS_VIEW, 200),
    Page("POST", "change_role", Perm.MEMBERS_MANAGE, 302, _frank, {"role": "analyst"}),
    Page("POST", "remove_member", Perm.MEMBERS_MANAGE, 302, _frank),
    Page("GET", "invitations", Perm.MEMBERS_MANAGE, 200),
    Page(
        "POST",
        "invitations",
        Perm.MEMBERS_MANAGE,
        302,
        data={"email": "hank@example.com", "role": "editor"},
    ),
    Page("POST", "revoke_invitation", Perm.MEMBERS_MANAGE, 302, _invitation),
    Page("GET", "tokens", Perm.TOKENS_OWN, 200),
    Page("POST", "tokens", Perm.TOKENS_OWN, 302, data={"name": "laptop"}),
    Page("POST", "revoke_token", Perm.TOKENS_OWN, 302, _own_token),
    Page("GET", "roles", Perm.WORKSPACE_VIEW, 200),
    Page("GET", "audit_log", Perm.AUDIT_VIEW, 200),
    Page("GET", "channels", Perm.PLATFORM_VIEW, 200),
    Page(
        "POST",
        "channel_connect",
        Perm.PLATFORM_MANAGE,
        302,
        lambda targets, caller: {"connector": "sandbox"},
        {"sandbox-display_name": "Acme 新品", "sandbox-handle": "acme_new"},
    ),
    Page(
        "GET",
        "channel_oauth_start",
        Perm.PLATFORM_MANAGE,
        302,
        lambda targets, caller: {"connector": "weibo"},
    ),
    Page("POST", "channel_reconnect", Perm.PLATFORM_MANAGE, 302, _channel),
    Page("POST", "channel_disconnect", Perm.PLATFORM_MANAGE, 302, _channel),
    Page("POST", "channel_matrix", Perm.PLATFORM_MANAGE, 302, _channel, {"role": "product"}),
    Page("POST", "channel_refresh", Perm.PLATFORM_MANAGE, 302, _channel),
    Page("POST", "channel_simulate", Perm.PLATFORM_MANAGE, 302, _channel, {"timeout": "on"}),
    Page("GET", "facade", Perm.PLATFORM_VIEW, 200),
    Page(
        "POST",
        "facade_tick",
        Perm.PLATFORM_MANAGE,
        302,
        lambda targets, caller: {"channel_id": targets.channel.pk, "item": "avatar"},
        {"state": "manual_ok"},
    ),
    Page("GET", "platforms", Perm.PLATFORM_VIEW, 200),
    Page(
        "GET", "platform_detail", Perm.PLATFORM_VIEW, 200, lambda targets, caller: {"code": "weibo"}
    ),
    Page("GET", "platform_advisor", Perm.PLATFORM_VIEW, 200),
    Page("GET", "content", Perm.CONTENT_VIEW, 200),
    Page("GET", "content_rules", Perm.CONTENT_VIEW, 200),
    Page(
        "POST",
        "content_rule_new",
        Perm.CONTENT_APPROVE,
        302,
        data={"kind": "max_links", "severity": "warning", "max": "1"},
    ),
    Page("GET", "content_rule_edit", Perm.CONTENT_APPROVE, 200, _rule),
    Page(
        "POST",
        "content_rule_edit",
        Perm.CONTENT_APPROVE,
        302,
        _rule,
        {"kind": "forbidden_words", "severity": "warning", "words": "发票"},
    ),
    Page("POST", "content_rule_toggle", Perm.CONTENT_APPROVE, 302, _rule),
    Page("POST", "content_rule_delete", Perm.CONTENT_APPROVE, 302, _rule),
    Page(
        "POST", "content_lint", Perm.CONTENT_VIEW, 200, data={"text": "微博", "platform": "weibo"}
    ),
    Page("GET", "content_pillars", Perm.CONTENT_VIEW, 200),
    Page(
        "POST",
        "content_pillar_new",
        Perm.CONTENT_APPROVE,
        302,
        data={"name": "行业", "colour": "#123456", "target_share": "10"},
    ),
    Page("POST", "content_pillar_defaults", Perm.CONTENT_APPROVE, 302),
    Page("GET", "content_pillar_edit", Perm.CONTENT_APPROVE, 200, _pillar),
    Page(
        "POST",
        "content_pillar_edit",
        Perm.CONTENT_APPROVE,
        302,
        _pillar,
        {"name": "活动", "colour": "#123456", "target_share": "25"},
    ),
    Page("POST", "content_pillar_archive", Perm.CONTENT_APPROVE, 302, _pillar),
    Page("POST", "content_pillar_move", Perm.CONTENT_APPROVE, 302, _pillar, {"direction": "up"}),
    Page("GET", "topics", Perm.CONTENT_VIEW, 200),
    Page("POST", "topic_new", Perm.CONTENT_EDIT, 302, data={"name": "新品发布"}),
    Page("GET", "topic_edit", Perm.CONTENT_EDIT, 200, _topic),
    Page("POST", "topic_edit", Perm.CONTENT_EDIT, 302, _topic, {"name": "双十一"}),
    Page("POST", "topic_archive", Perm.CONTENT_EDIT, 302, _topic),
    Page("POST", "hashtag_set_new", Perm.CONTENT_EDIT, 302, data={"name": "大促"}),
    Page("POST", "hashtag_set_archive", Perm.CONTENT_EDIT, 302, _set),
    *(Page("GET", "section", perm, 200, section=name) for name, (_t, perm) in SECTIONS.items()),
]


def _workspace_url_names() -> set[str]:
    """Names of every URL under /w/<slug>/ the project serves."""
    names: set[str] = set()

    def walk(patterns: list[URLPattern | URLResolver], prefix: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif route.startswith("w/<slug:slug>/") and pattern.name:
                names.add(pattern.name)

    walk(get_resolver().url_patterns, "")
    return names


def test_it_covers_every_workspace_page_in_the_matrix():
    assert _workspace_url_names() == {page.name for page in PAGES}
    assert {page.section for page in PAGES if page.name == "section"} == set(SECTIONS)


HAND_WRITTEN_PAGES = [
    ("carol", "POST workspace_settings", 403),
    ("bob", "POST workspace_settings", 302),
    ("dave", "GET invitations", 403),
    ("erin", "GET audit_log", 200),
    ("carol", "GET audit_log", 403),
    ("dave", "GET content", 200),
    ("carol", "POST content_rule_new", 403),
    ("erin", "POST change_role", 403),
]


@pytest.mark.parametrize(("persona", "key", "status"), HAND_WRITTEN_PAGES)
def test_it_agrees_with_hand_written_page_expectations(persona, key, status):
    page = next(page for page in PAGES if page.key == key)
    assert expected_status(PERSONAS[persona], page.perm, page.ok) == status


@pytest.mark.parametrize("persona", list(PERSONAS))
@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.key)
def test_it_serves_each_workspace_page_as_the_role_allows(team, targets, persona, page):
    role = PERSONAS[persona]
    client = team.browser(persona)
    url = page.url(team, targets, persona)
    before = row_counts()
    denied_before = audit_count("access.denied")

    response = client.get(url) if page.method == "GET" else client.post(url, page.data)

    want = expected_status(role, page.perm, page.ok)
    assert response.status_code == want
    if want == 403:
        assert row_counts() == before
        assert audit_count("access.denied") == denied_before + 1
        event = AuditEvent.objects.filter(action="access.denied").latest("id")
        assert event.actor == team.user(persona)
        assert event.via == "web"
        assert logged_after(event)["permission"] == str(page.perm)
    else:
        assert audit_count("access.denied") == denied_before


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.key)
def test_it_hides_each_workspace_page_from_an_outsider(team, targets, page):
    client = team.browser("charlie")
    url = page.url(team, targets, "alice")
    before = row_counts()

    response = client.get(url) if page.method == "GET" else client.post(url, page.data)

    assert response.status_code == 404
    assert row_counts() == before
    event = AuditEvent.objects.filter(action="access.outsider").latest("id")
    assert event.actor == team.charlie
    assert event.workspace == team.workspace
    assert logged_after(event)["path"] == url


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.key)
def test_it_sends_anonymous_visitors_to_sign_in(team, targets, page):
    from django.test import Client

    url = page.url(team, targets, "alice")
    before = row_counts()

    response = Client().get(url) if page.method == "GET" else Client().post(url, page.data)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert row_counts() == before


def test_it_answers_a_workspace_that_does_not_exist_like_an_outsiders_one(team):
    response = team.browser("alice").get("/w/no-such-brand/")

    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="access.outsider").exists()
