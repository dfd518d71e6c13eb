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
from socialops.contacts.models import Contact, EngagementTask, Identity
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
            post_id=_post_id(targets) if "{post_id}" in self.path else 0,
            publication_id=_publication_id(targets) if "{publication_id}" in self.path else 0,
            link_id=_link_id(targets) if "{link_id}" in self.path else 0,
            notification_id=(_notification_id(caller) if "{notification_id}" in self.path else 0),
            asset_id=_asset_id(targets, self.path) if "{asset_id}" in self.path else 0,
            slot_id=_slot_id(targets) if "{slot_id}" in self.path else 0,
            # identity_id belongs to the contact made for contact_id just before it
            contact_id=_contact_id(targets) if "{contact_id}" in self.path else 0,
            identity_id=_identity_id(targets) if "{identity_id}" in self.path else 0,
            task_id=_task_id(targets) if "{task_id}" in self.path else 0,
            reply_id=_reply_id(targets) if "{reply_id}" in self.path else 0,
            policy_id=_sla_policy_id(targets) if "{policy_id}" in self.path else 0,
            calendar_id=_sla_calendar_id(targets) if "{calendar_id}" in self.path else 0,
            conversation_id=(_conversation_id(targets) if "{conversation_id}" in self.path else 0),
            label_id=_label_id(targets) if "{label_id}" in self.path else 0,
            message_id=_failed_message_id(targets) if "{message_id}" in self.path else 0,
            view_id=_view_id(targets, caller) if "{view_id}" in self.path else 0,
            assignment_rule_id=(
                _assignment_rule_id(targets) if "{assignment_rule_id}" in self.path else 0
            ),
            **_listening_ids(self.path, targets),
        )


@dataclass(frozen=True)
class PostRoute(ApiRoute):
    """A route on one post (content/api_posts.py), which must first be in ``state``."""

    state: str = "draft"

    def url(self, targets: Targets, caller: str) -> str:
        url = super().url(targets, caller)
        _advance_post(targets, int(url.split("/")[2]), self.state)
        return url


@dataclass(frozen=True)
class QueueRoute(PostRoute):
    """POST /posts/{post_id}/queue: the matrix's account gets a posting slot to queue into."""

    def url(self, targets: Targets, caller: str) -> str:
        _slot_id(targets)
        return super().url(targets, caller)


@dataclass(frozen=True)
class SkippedTaskRoute(ApiRoute):
    """POST /engagement/tasks/{task_id}/reopen: the task must have been skipped."""

    def url(self, targets: Targets, caller: str) -> str:
        url = super().url(targets, caller)
        EngagementTask.objects.filter(pk=int(url.split("/")[3])).update(state="skipped")
        return url


@dataclass(frozen=True)
class GuidebookRoute(ApiRoute):
    """A guidebook route whose body names the matrix's account or a conversation in alice's."""

    def url(self, targets: Targets, caller: str) -> str:
        if "channel_id" in self.body:
            self.body["channel_id"] = targets.channel.pk
        if "conversation_id" in self.body:
            self.body["conversation_id"] = _conversation_id(targets)
        return super().url(targets, caller)


@dataclass(frozen=True)
class ClocksRoute(ApiRoute):
    """GET /sla/clocks needs ?conversation_id= of a conversation in alice's workspace."""

    def url(self, targets: Targets, caller: str) -> str:
        return f"{super().url(targets, caller)}?conversation_id={_conversation_id(targets)}"


@dataclass(frozen=True)
class RuleRoute(ApiRoute):
    """POST /inbox/assignment-rules: the body names a member who may reply (alice)."""

    def url(self, targets: Targets, caller: str) -> str:
        self.body["member_ids"] = [_alice_id(targets)]
        return super().url(targets, caller)


@dataclass(frozen=True)
class LabelRoute(ApiRoute):
    """POST …/labels: the body names a new label of the workspace."""

    def url(self, targets: Targets, caller: str) -> str:
        self.body["label_id"] = _label_id(targets)
        return super().url(targets, caller)


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
    # the content library (content/api_library.py)
    ApiRoute("GET", "/assets", Perm.CONTENT_VIEW, 200),
    ApiRoute(
        "POST",
        "/assets",
        Perm.CONTENT_EDIT,
        201,
        {"kind": "snippet", "title": "开场白", "text": "上市"},
    ),
    # The matrix sends JSON: allowed roles reach the 415 (uploads are multipart; they are tested
    # in content/tests/test_library_api.py). The role is checked before the body is read.
    ApiRoute("POST", "/assets/upload", Perm.CONTENT_EDIT, 415),
    ApiRoute("GET", "/assets/{asset_id}", Perm.CONTENT_VIEW, 200),
    ApiRoute("PATCH", "/assets/{asset_id}", Perm.CONTENT_EDIT, 200, {"tags": ["新品"]}),
    ApiRoute("DELETE", "/assets/{asset_id}", Perm.CONTENT_EDIT, 204),
    ApiRoute("GET", "/assets/{asset_id}/usage", Perm.CONTENT_VIEW, 200),
    ApiRoute("GET", "/assets/{asset_id}/fit", Perm.CONTENT_VIEW, 200),
    ApiRoute("GET", "/assets/{asset_id}/file", Perm.CONTENT_VIEW, 200),
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
    # tracking (publishing/api_metrics.py) and tracked links (campaigns/api.py)
    ApiRoute("GET", "/posts/{post_id}/metrics", Perm.CONTENT_VIEW, 200),
    ApiRoute("POST", "/posts/{post_id}/metrics/refresh", Perm.CONTENT_EDIT, 200),
    ApiRoute(
        "POST", "/publications/{publication_id}/metrics", Perm.CONTENT_EDIT, 201, {"likes": 3}
    ),
    # The matrix's account is a sandbox one: allowed roles reach the "manual accounts only" 422.
    ApiRoute(
        "POST", "/channels/{channel_id}/metrics/import", Perm.CONTENT_EDIT, 422, {"csv": "url\n"}
    ),
    ApiRoute("GET", "/reports/content", Perm.ANALYTICS_VIEW, 200),
    ApiRoute("GET", "/links", Perm.CONTENT_VIEW, 200),
    ApiRoute("POST", "/links", Perm.CONTENT_EDIT, 201, {"target_url": "https://shop.example.com"}),
    ApiRoute("GET", "/links/{link_id}", Perm.CONTENT_VIEW, 200),
    ApiRoute("POST", "/posts/{post_id}/links/shorten", Perm.CONTENT_EDIT, 200, {"campaign": "s"}),
    # publications (publishing/api.py). The matrix's publication is published, so allowed roles
    # reach the 409 of retry and complete; both succeed in publishing/tests/test_api.py.
    ApiRoute("GET", "/posts/{post_id}/publications", Perm.CONTENT_VIEW, 200),
    ApiRoute("GET", "/publications", Perm.CONTENT_VIEW, 200),
    ApiRoute("POST", "/publications/{publication_id}/retry", Perm.CONTENT_PUBLISH, 409),
    ApiRoute(
        "POST",
        "/publications/{publication_id}/complete",
        Perm.CONTENT_PUBLISH,
        409,
        {"url": "https://weibo.com/1/2"},
    ),
    # settling unconfirmed publications (publishing/api.py); 409: the publication is published
    ApiRoute("POST", "/publications/{publication_id}/reconcile", Perm.CONTENT_PUBLISH, 409),
    ApiRoute(
        "POST", "/publications/{publication_id}/resolve", Perm.CONTENT_PUBLISH, 409, {"retry": True}
    ),
    # posts, their review, the CSV import, content settings (content/api_posts.py)
    ApiRoute("GET", "/posts", Perm.CONTENT_VIEW, 200),
    ApiRoute("POST", "/posts", Perm.CONTENT_EDIT, 201, {"title": "新品", "body": "新品上市"}),
    ApiRoute("POST", "/posts/import", Perm.CONTENT_EDIT, 201, {"csv": "title,body\n新品,上市\n"}),
    PostRoute("GET", "/posts/{post_id}", Perm.CONTENT_VIEW, 200),
    PostRoute("PATCH", "/posts/{post_id}", Perm.CONTENT_EDIT, 200, {"title": "新标题"}),
    PostRoute("POST", "/posts/{post_id}/submit", Perm.CONTENT_EDIT, 200),
    PostRoute("POST", "/posts/{post_id}/approve", Perm.CONTENT_APPROVE, 200, state="in_review"),
    PostRoute(
        "POST",
        "/posts/{post_id}/request-changes",
        Perm.CONTENT_APPROVE,
        200,
        {"note": "换张图"},
        state="in_review",
    ),
    PostRoute(
        "POST",
        "/posts/{post_id}/schedule",
        Perm.CONTENT_PUBLISH,
        200,
        {"at": "2099-01-01T09:00+08:00"},
        state="approved",
    ),
    PostRoute("POST", "/posts/{post_id}/unschedule", Perm.CONTENT_PUBLISH, 200, state="scheduled"),
    PostRoute("POST", "/posts/{post_id}/duplicate", Perm.CONTENT_EDIT, 201),
    PostRoute("POST", "/posts/{post_id}/archive", Perm.CONTENT_EDIT, 200),
    PostRoute("GET", "/posts/{post_id}/lint", Perm.CONTENT_VIEW, 200),
    PostRoute("GET", "/posts/{post_id}/comments", Perm.CONTENT_VIEW, 200),
    PostRoute("POST", "/posts/{post_id}/comments", Perm.CONTENT_EDIT, 201, {"body": "好"}),
    ApiRoute("GET", "/content-settings", Perm.CONTENT_VIEW, 200),
    ApiRoute("PUT", "/content-settings", Perm.WORKSPACE_MANAGE, 200, {"approval_stages": 2}),
    # your own notifications (core/api_notifications.py)
    ApiRoute("GET", "/notifications", None, 200),
    ApiRoute("POST", "/notifications/read-all", None, 200),
    ApiRoute("POST", "/notifications/{notification_id}/read", None, 200),
    # the calendar, posting slots and queues, best times, the pillar mix (content/api_calendar.py)
    ApiRoute("GET", "/calendar", Perm.CONTENT_VIEW, 200),
    ApiRoute("GET", "/channels/{channel_id}/slots", Perm.CONTENT_VIEW, 200),
    ApiRoute(
        "POST",
        "/channels/{channel_id}/slots",
        Perm.CONTENT_PUBLISH,
        201,
        {"weekday": 2, "time": "10:00"},
    ),
    ApiRoute("DELETE", "/channels/{channel_id}/slots/{slot_id}", Perm.CONTENT_PUBLISH, 204),
    QueueRoute("POST", "/posts/{post_id}/queue", Perm.CONTENT_PUBLISH, 200, state="approved"),
    ApiRoute("GET", "/channels/{channel_id}/best-times", Perm.CONTENT_VIEW, 200),
    ApiRoute("GET", "/pillars/mix", Perm.CONTENT_VIEW, 200),
    # the interaction database (contacts/api.py)
    ApiRoute("GET", "/contacts", Perm.CONTACTS_VIEW, 200),
    ApiRoute("POST", "/contacts", Perm.CONTACTS_EDIT, 201, {"name": "张三"}),
    ApiRoute("GET", "/contacts/export", Perm.CONTACTS_VIEW, 200),
    ApiRoute("POST", "/contacts/import", Perm.CONTACTS_EDIT, 201, {"csv": "name,weibo\n张三,zs\n"}),
    ApiRoute("GET", "/contacts/top-fans", Perm.CONTACTS_VIEW, 200),
    ApiRoute("GET", "/contacts/{contact_id}", Perm.CONTACTS_VIEW, 200),
    ApiRoute("PATCH", "/contacts/{contact_id}", Perm.CONTACTS_EDIT, 200, {"notes": "重要"}),
    ApiRoute("DELETE", "/contacts/{contact_id}", Perm.CONTACTS_EDIT, 204),
    ApiRoute("GET", "/contacts/{contact_id}/timeline", Perm.CONTACTS_VIEW, 200),
    ApiRoute(
        "POST",
        "/contacts/{contact_id}/identities",
        Perm.CONTACTS_EDIT,
        201,
        {"platform": "weibo", "handle": "zhangsan_new"},
    ),
    ApiRoute("DELETE", "/contacts/{contact_id}/identities/{identity_id}", Perm.CONTACTS_EDIT, 204),
    # proactive engagement (contacts/api.py)
    ApiRoute("GET", "/engagement/tasks", Perm.CONTACTS_VIEW, 200),
    ApiRoute("POST", "/engagement/discover", Perm.INBOX_REPLY, 200),
    ApiRoute("GET", "/engagement/tasks/{task_id}", Perm.CONTACTS_VIEW, 200),
    ApiRoute("POST", "/engagement/tasks/{task_id}/check", Perm.INBOX_REPLY, 200, {"text": "你好"}),
    # 200 also when the platform refuses (the task stays open with its error)
    ApiRoute("POST", "/engagement/tasks/{task_id}/act", Perm.INBOX_REPLY, 200, {"text": "你好"}),
    ApiRoute(
        "POST",
        "/engagement/tasks/{task_id}/done",
        Perm.INBOX_REPLY,
        200,
        {"result_url": "https://weibo.com/1/2"},
    ),
    ApiRoute("POST", "/engagement/tasks/{task_id}/skip", Perm.INBOX_REPLY, 200),
    SkippedTaskRoute("POST", "/engagement/tasks/{task_id}/reopen", Perm.INBOX_REPLY, 200),
    # the guidebook and canned replies (guidebook/api.py)
    ApiRoute("GET", "/guidebook", Perm.INBOX_VIEW, 200),
    ApiRoute(
        "PUT",
        "/guidebook",
        Perm.INBOX_MANAGE,
        200,
        {"sections": [{"key": "dm", "title": "私信原则", "body": "- 先问候"}]},
    ),
    GuidebookRoute(
        "POST",
        "/guidebook/lint",
        Perm.INBOX_VIEW,
        200,
        {"channel_id": 0, "kind": "comment", "text": "您好 {订单号}"},
    ),
    ApiRoute("GET", "/canned-replies", Perm.INBOX_VIEW, 200),
    ApiRoute(
        "POST", "/canned-replies", Perm.INBOX_MANAGE, 201, {"title": "感谢", "body": "谢谢{昵称}"}
    ),
    ApiRoute("GET", "/canned-replies/{reply_id}", Perm.INBOX_VIEW, 200),
    ApiRoute("PATCH", "/canned-replies/{reply_id}", Perm.INBOX_MANAGE, 200, {"kinds": ["dm"]}),
    ApiRoute("DELETE", "/canned-replies/{reply_id}", Perm.INBOX_MANAGE, 204),
    GuidebookRoute(
        "POST",
        "/canned-replies/{reply_id}/render",
        Perm.INBOX_REPLY,
        200,
        {"conversation_id": 0},
    ),
    # response-time targets (sla/api.py)
    ApiRoute("GET", "/sla/report", Perm.INBOX_VIEW, 200),
    ClocksRoute("GET", "/sla/clocks", Perm.INBOX_VIEW, 200),
    ApiRoute("GET", "/sla/policies", Perm.INBOX_VIEW, 200),
    ApiRoute(
        "POST",
        "/sla/policies",
        Perm.INBOX_MANAGE,
        201,
        {"name": "投诉", "kinds": ["comment"], "first_response_minutes": 30},
    ),
    ApiRoute("POST", "/sla/policies/defaults", Perm.INBOX_MANAGE, 200),
    ApiRoute("GET", "/sla/policies/{policy_id}", Perm.INBOX_VIEW, 200),
    ApiRoute("PATCH", "/sla/policies/{policy_id}", Perm.INBOX_MANAGE, 200, {"enabled": False}),
    ApiRoute("DELETE", "/sla/policies/{policy_id}", Perm.INBOX_MANAGE, 204),
    ApiRoute("GET", "/sla/calendars", Perm.INBOX_VIEW, 200),
    ApiRoute(
        "POST",
        "/sla/calendars",
        Perm.INBOX_MANAGE,
        201,
        {
            "name": "客服排班",
            "hours": {"0": [["09:00", "18:00"]]},
            "days": [{"date": "2026-10-01", "kind": "holiday", "name": "国庆节"}],
        },
    ),
    ApiRoute("GET", "/sla/calendars/{calendar_id}", Perm.INBOX_VIEW, 200),
    ApiRoute(
        "PATCH", "/sla/calendars/{calendar_id}", Perm.INBOX_MANAGE, 200, {"always_open": True}
    ),
    ApiRoute("DELETE", "/sla/calendars/{calendar_id}", Perm.INBOX_MANAGE, 204),
    # the unified inbox (inbox/api.py)
    ApiRoute("GET", "/inbox/conversations", Perm.INBOX_VIEW, 200),
    ApiRoute("GET", "/inbox/conversations/{conversation_id}", Perm.INBOX_VIEW, 200),
    ApiRoute(
        "PATCH",
        "/inbox/conversations/{conversation_id}",
        Perm.INBOX_REPLY,
        200,
        {"status": "pending", "priority": 2},
    ),
    LabelRoute("POST", "/inbox/conversations/{conversation_id}/labels", Perm.INBOX_REPLY, 200),
    ApiRoute(
        "DELETE",
        "/inbox/conversations/{conversation_id}/labels/{label_id}",
        Perm.INBOX_REPLY,
        204,
    ),
    ApiRoute(
        "POST",
        "/inbox/conversations/{conversation_id}/notes",
        Perm.INBOX_REPLY,
        201,
        {"text": "已转物流组"},
    ),
    ApiRoute(
        "POST",
        "/inbox/conversations/{conversation_id}/replies",
        Perm.INBOX_REPLY,
        201,
        {"text": "您好，我们马上为您查询。"},
    ),
    ApiRoute("POST", "/inbox/messages/{message_id}/retry", Perm.INBOX_REPLY, 200),
    ApiRoute(
        "POST",
        "/inbox/conversations/{conversation_id}/lint",
        Perm.INBOX_VIEW,
        200,
        {"text": "您好"},
    ),
    ApiRoute(
        "POST",
        "/inbox/conversations/{conversation_id}/presence",
        Perm.INBOX_VIEW,
        200,
        {"typing": True},
    ),
    ApiRoute("POST", "/inbox/sync", Perm.INBOX_REPLY, 202),
    ApiRoute(
        "POST",
        "/inbox/bulk",
        Perm.INBOX_REPLY,
        200,
        {"filters": {"status": "all"}, "action": "priority", "value": 2},
    ),
    ApiRoute("GET", "/inbox/labels", Perm.INBOX_VIEW, 200),
    ApiRoute("POST", "/inbox/labels", Perm.INBOX_MANAGE, 201, {"name": "物流"}),
    ApiRoute("PATCH", "/inbox/labels/{label_id}", Perm.INBOX_MANAGE, 200, {"color": "#ff8800"}),
    ApiRoute("DELETE", "/inbox/labels/{label_id}", Perm.INBOX_MANAGE, 204),
    # saved views are each member's own: every role may keep them
    ApiRoute("GET", "/inbox/views", Perm.INBOX_VIEW, 200),
    ApiRoute(
        "POST",
        "/inbox/views",
        Perm.INBOX_VIEW,
        201,
        {"name": "我的", "filters": {"assignee": "me"}},
    ),
    ApiRoute("PATCH", "/inbox/views/{view_id}", Perm.INBOX_VIEW, 200, {"name": "新名字"}),
    ApiRoute("DELETE", "/inbox/views/{view_id}", Perm.INBOX_VIEW, 204),
    ApiRoute("GET", "/inbox/assignment-rules", Perm.INBOX_VIEW, 200),
    RuleRoute(
        "POST",
        "/inbox/assignment-rules",
        Perm.INBOX_MANAGE,
        201,
        {"name": "私信", "strategy": "fixed"},
    ),
    ApiRoute("POST", "/inbox/assignment-rules/reorder", Perm.INBOX_MANAGE, 200, {"ids": []}),
    ApiRoute(
        "PATCH",
        "/inbox/assignment-rules/{assignment_rule_id}",
        Perm.INBOX_MANAGE,
        200,
        {"enabled": False},
    ),
    ApiRoute("DELETE", "/inbox/assignment-rules/{assignment_rule_id}", Perm.INBOX_MANAGE, 204),
]


def _advance_post(targets: Targets, post_id: int, state: str) -> None:
    """Take a matrix post from draft to ``state`` through the review actions, as alice."""
    from datetime import timedelta

    from socialops.accounts.queries import Access
    from socialops.content import actions as content
    from socialops.content.models import Post
    from socialops.core.clock import now

    if state == "draft":
        return
    owner = Membership.objects.get(workspace=targets.channel.workspace, role=Role.OWNER)
    alice = Access(workspace=owner.workspace, membership=owner)
    post = content.submit_post(access=alice, post=Post.objects.get(pk=post_id))
    if state in ("approved", "scheduled"):
        post = content.approve_post(access=alice, post=post)
    if state == "scheduled":
        content.schedule_post(access=alice, post=post, at=now() + timedelta(days=1))


def _notification_id(caller: str) -> int:
    """A notification of the caller's own."""
    from socialops.accounts.models import User
    from socialops.core.models import Notification

    user = User.objects.get(email=f"{caller}@example.com")
    return Notification.objects.create(user=user, kind="test", title="审核请求").pk


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


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: Any, tmp_path: Any) -> None:
    """Library files the matrix stores go to a temporary directory, not var/media."""
    settings.MEDIA_ROOT = str(tmp_path / "media")


def _asset_id(targets: Targets, path: str = "") -> int:
    """A new library asset in alice's workspace for each call: an image with a stored file."""
    import io

    from django.core.files.storage import default_storage
    from PIL import Image

    from socialops.content.models import Asset

    data = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(data, "PNG")
    stored = default_storage.save(f"assets/matrix/{Asset.objects.count()}.png", data)
    return Asset.objects.create(
        workspace=targets.channel.workspace,
        kind="image",
        title="主视觉",
        file=stored,
        mime_type="image/png",
        size_bytes=data.tell(),
        width=8,
        height=8,
    ).pk


def _topic_id(targets: Targets) -> int:
    """A new topic in alice's workspace for each call (routes may archive it)."""
    topic = Topic.objects.create(
        workspace=targets.channel.workspace, name=f"话题{Topic.objects.count()}"
    )
    return topic.pk


def _post_id(targets: Targets) -> int:
    """A new draft post in alice's workspace for each call, on the matrix's account.

    It has a link: POST /posts/{post_id}/links/shorten needs one.
    """
    from socialops.content.models import Post, Variant

    post = Post.objects.create(
        workspace=targets.channel.workspace,
        body="新品 https://shop.example.com/a",
        link="https://shop.example.com/a",
    )
    Variant.objects.create(post=post, channel=targets.channel, text=post.body)
    return post.pk


def _publication_id(targets: Targets) -> int:
    """A publication published on the matrix's account (numbers may be entered for it)."""
    from socialops.content.models import Post
    from socialops.publishing.models import Publication

    post = Post.objects.get(pk=_post_id(targets))
    return Publication.objects.create(
        workspace=post.workspace,
        post=post,
        variant=post.variants.get(),
        channel=targets.channel,
        state=Publication.State.PUBLISHED,
        due_at=post.created_at,
        not_before=post.created_at,
        idempotency_key=f"matrix-{post.pk}",
        published_at=post.created_at,
    ).pk


def _link_id(targets: Targets) -> int:
    from socialops.campaigns.models import ShortLink

    return ShortLink.objects.create(
        workspace=targets.channel.workspace,
        code=f"m{ShortLink.objects.count():06d}",
        target_url="https://shop.example.com",
    ).pk


def _set_id(targets: Targets) -> int:
    return HashtagSet.objects.create(workspace=targets.channel.workspace, name="双十一").pk


def _slot_id(targets: Targets) -> int:
    """The matrix account's Monday 09:00 posting slot."""
    from datetime import time

    from socialops.content.models import PostingSlot

    slot, _created = PostingSlot.objects.get_or_create(
        channel=targets.channel, weekday=0, time=time(9)
    )
    return slot.pk


def _conversation_id(targets: Targets) -> int:
    """A new open DM on the matrix's account, with one inbound message."""
    from socialops.core.clock import now
    from socialops.inbox.models import Conversation, Message

    at = now()
    conversation = Conversation.objects.create(
        workspace=targets.channel.workspace,
        channel=targets.channel,
        kind="dm",
        thread_key=f"dm:matrix:{Conversation.objects.count()}",
        author_remote_id="fan1",
        author_handle="fan1",
        author_name="粉丝",
        preview="什么时候发货？",
        message_count=1,
        last_message_at=at,
        last_inbound_at=at,
    )
    Message.objects.create(
        workspace=conversation.workspace,
        conversation=conversation,
        channel=targets.channel,
        direction="in",
        remote_id=f"matrix-in-{conversation.pk}",
        author_remote_id="fan1",
        text="什么时候发货？",
        created_at=at,
    )
    return conversation.pk


def _label_id(targets: Targets) -> int:
    from socialops.inbox.models import Label

    return Label.objects.create(
        workspace=targets.channel.workspace, name=f"标签{Label.objects.count()}"
    ).pk


def _failed_message_id(targets: Targets) -> int:
    """A reply that failed to send (the only kind that may be retried)."""
    from socialops.core.clock import now
    from socialops.inbox.models import Conversation, Message

    conversation = Conversation.objects.get(pk=_conversation_id(targets))
    return Message.objects.create(
        workspace=conversation.workspace,
        conversation=conversation,
        channel=targets.channel,
        direction="out",
        text="您好",
        created_at=now(),
        send_state="failed",
        error_code="rate_limited",
        idempotency_key=f"matrix-reply-{conversation.pk}",
    ).pk


def _view_id(targets: Targets, caller: str) -> int:
    """A saved view of the caller's own (any member may change their own views)."""
    from socialops.accounts.models import User
    from socialops.inbox.models import SavedView

    return SavedView.objects.create(
        workspace=targets.channel.workspace,
        user=User.objects.get(email=f"{caller}@example.com"),
        name="我的",
        filters={"assignee": "me"},
    ).pk


def _assignment_rule_id(targets: Targets) -> int:
    from socialops.inbox.models import AssignmentRule

    return AssignmentRule.objects.create(
        workspace=targets.channel.workspace,
        name="私信轮流",
        strategy="round_robin",
        member_ids=[_alice_id(targets)],
    ).pk


def _alice_id(targets: Targets) -> int:
    """The user id of alice, the workspace's owner."""
    owner = Membership.objects.get(workspace=targets.channel.workspace, role=Role.OWNER)
    return owner.user_id


def _contact_id(targets: Targets) -> int:
    """A new contact in alice's workspace for each call (routes may delete it)."""
    return Contact.objects.create(
        workspace=targets.channel.workspace, name=f"联系人{Contact.objects.count()}"
    ).pk


def _identity_id(targets: Targets) -> int:
    """An identity of the newest contact (the one _contact_id just made for this call)."""
    contact = Contact.objects.filter(workspace=targets.channel.workspace).latest("id")
    return Identity.objects.create(
        workspace=contact.workspace,
        contact=contact,
        platform="weibo",
        handle=f"matrix{Identity.objects.count()}",
    ).pk


def _task_id(targets: Targets) -> int:
    """An open engagement task on the matrix's (sandbox) account for each call."""
    from socialops.core.clock import now

    return EngagementTask.objects.create(
        workspace=targets.channel.workspace,
        channel=targets.channel,
        platform=targets.channel.platform,
        source=EngagementTask.Source.TOPIC,
        post_remote_id=f"matrix-{EngagementTask.objects.count()}",
        post_text="新品不错",
        posted_at=now(),
        author_handle="nobody_here",
        action=EngagementTask.Action.REPLY,
        reason="矩阵测试",
    ).pk


def _reply_id(targets: Targets) -> int:
    """A new canned reply in alice's workspace for each call (routes may delete it)."""
    from socialops.guidebook.models import CannedReply

    return CannedReply.objects.create(
        workspace=targets.channel.workspace, title="感谢", body="谢谢{昵称}的支持！"
    ).pk


def _reply_rule_id(targets: Targets) -> int:
    """A new guidebook (reply-scope) rule in alice's workspace for each call."""
    rule = EditorialRule.objects.create(
        workspace=targets.channel.workspace,
        kind=EditorialRule.Kind.FORBIDDEN_WORDS,
        params={"words": [{"word": "垃圾", "pinyin": False, "replacement": ""}]},
        scope=EditorialRule.Scope.REPLIES,
    )
    return rule.pk


def _guidebook_section_id(targets: Targets) -> int:
    """A new section of the team's own in alice's guidebook for each call (may be deleted)."""
    from socialops.guidebook.models import GuidebookSection

    return GuidebookSection.objects.create(
        workspace=targets.channel.workspace, title="节日问候", body="- 提前准备"
    ).pk


def _sla_calendar_id(targets: Targets) -> int:
    """A new business-hours calendar in alice's workspace for each call (routes may delete it)."""
    from socialops.sla.models import Calendar

    return Calendar.objects.create(
        workspace=targets.channel.workspace,
        name=f"排班{Calendar.objects.count()}",
        hours={"0": [["09:00", "12:00"], ["13:30", "18:00"]]},
    ).pk


def _sla_policy_id(targets: Targets) -> int:
    """A new SLA policy in alice's workspace for each call (routes may delete it)."""
    from socialops.sla.models import Policy

    return Policy.objects.create(
        workspace=targets.channel.workspace, name="私信", kinds=["dm"], first_response_minutes=30
    ).pk


def expected_status(role: str, perm: Perm | None, ok: int, also: tuple[Perm, ...] = ()) -> int:
    allowed = perm is None or can(role, perm) or any(can(role, other) for other in also)
    return ok if allowed else 403


def _listening_ids(path: str, targets: Targets) -> dict[str, int]:
    from .matrix_listening import path_ids

    return path_ids(path, targets)


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

    want = expected_status(role, route.perm, route.ok, ALSO_ALLOWED.get(route.key, ()))
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


def _asset(targets: Targets, caller: str) -> dict[str, Any]:
    return {"asset_id": _asset_id(targets)}


def _post(targets: Targets, caller: str) -> dict[str, Any]:
    return {"post_id": _post_id(targets)}


def _publication(targets: Targets, caller: str) -> dict[str, Any]:
    return {"publication_id": _publication_id(targets)}


def _composed(state: str) -> Callable[[Targets, str], dict[str, Any]]:
    """A new post in alice's workspace for each call, walked to ``state`` by its owner."""

    def kwargs(targets: Targets, caller: str) -> dict[str, Any]:
        from datetime import timedelta

        from socialops.accounts.queries import Access
        from socialops.content import actions as content
        from socialops.core.clock import now

        owner = Membership.objects.get(workspace=targets.channel.workspace, role=Role.OWNER)
        access = Access(workspace=owner.workspace, membership=owner)
        post = content.create_post(access=access, channel_ids=[targets.channel.pk], body="新品")
        if state != "draft":
            post = content.submit_post(access=access, post=post)
        if state in ("approved", "scheduled"):
            post = content.approve_post(access=access, post=post)
        if state == "scheduled":
            at = now() + timedelta(days=1)
            post = content.schedule_post(access=access, post=post, at=at)
        return {"post_id": post.pk}

    return kwargs


def _queueable(targets: Targets, caller: str) -> dict[str, Any]:
    """An approved post on the matrix's account, which has a posting slot to queue it into."""
    _slot_id(targets)
    return _composed("approved")(targets, caller)


def _contact(targets: Targets, caller: str) -> dict[str, Any]:
    return {"contact_id": _contact_id(targets)}


def _identity(targets: Targets, caller: str) -> dict[str, Any]:
    contact_id = _contact_id(targets)
    return {"contact_id": contact_id, "identity_id": _identity_id(targets)}


def _task(targets: Targets, caller: str) -> dict[str, Any]:
    return {"task_id": _task_id(targets)}


def _reply(targets: Targets, caller: str) -> dict[str, Any]:
    return {"reply_id": _reply_id(targets)}


def _reply_rule(targets: Targets, caller: str) -> dict[str, Any]:
    return {"rule_id": _reply_rule_id(targets)}


def _guidebook_section(targets: Targets, caller: str) -> dict[str, Any]:
    return {"section_id": _guidebook_section_id(targets)}


def _sla_policy(targets: Targets, caller: str) -> dict[str, Any]:
    return {"policy_id": _sla_policy_id(targets)}


def _sla_calendar(targets: Targets, caller: str) -> dict[str, Any]:
    return {"calendar_id": _sla_calendar_id(targets)}


def _conversation(targets: Targets, caller: str) -> dict[str, Any]:
    return {"conversation_id": _conversation_id(targets)}


def _failed_message(targets: Targets, caller: str) -> dict[str, Any]:
    return {"message_id": _failed_message_id(targets)}


def _own_view(targets: Targets, caller: str) -> dict[str, Any]:
    return {"view_id": _view_id(targets, caller)}


def _inbox_label(targets: Targets, caller: str) -> dict[str, Any]:
    return {"label_id": _label_id(targets)}


def _assignment_rule(targets: Targets, caller: str) -> dict[str, Any]:
    return {"assignment_rule_id": _assignment_rule_id(targets)}


@dataclass(frozen=True)
class ChannelPage(Page):
    """A page whose posted data names the matrix's account (channel_id)."""

    def url(self, team: Team, targets: Targets, caller: str) -> str:
        self.data["channel_id"] = targets.channel.pk
        return super().url(team, targets, caller)


@dataclass(frozen=True)
class LabelPage(Page):
    """POST inbox_label: the form names a new label of the workspace."""

    def url(self, team: Team, targets: Targets, caller: str) -> str:
        self.data["label_id"] = str(_label_id(targets))
        return super().url(team, targets, caller)


@dataclass(frozen=True)
class RulePage(Page):
    """POST inbox_rule_new: the form names a member who may reply (alice)."""

    def url(self, team: Team, targets: Targets, caller: str) -> str:
        self.data["member_ids"] = [str(_alice_id(targets))]
        return super().url(team, targets, caller)


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
    # the calendar, posting slots and the pillar mix (content/views_calendar.py)
    Page("GET", "content_calendar", Perm.CONTENT_VIEW, 200),
    Page(
        "POST",
        "content_calendar_move",
        Perm.CONTENT_EDIT,
        302,
        _composed("draft"),
        {"day": "2099-01-05", "time": "09:00"},
    ),
    Page("POST", "content_post_queue", Perm.CONTENT_PUBLISH, 302, _queueable),
    Page("GET", "content_slots", Perm.CONTENT_VIEW, 200),
    Page(
        "POST",
        "content_slot_new",
        Perm.CONTENT_PUBLISH,
        302,
        _channel,
        {"weekday": "2", "time": "10:00"},
    ),
    Page(
        "POST",
        "content_slot_delete",
        Perm.CONTENT_PUBLISH,
        302,
        lambda targets, caller: {"slot_id": _slot_id(targets)},
    ),
    Page("GET", "content_mix", Perm.CONTENT_VIEW, 200),
    # the content library (content/views_library.py)
    Page("GET", "content_library", Perm.CONTENT_VIEW, 200),
    Page(
        "POST",
        "content_asset_new",
        Perm.CONTENT_EDIT,
        302,
        data={"kind": "snippet", "title": "开场白", "text": "新品上市", "rights": "owned"},
    ),
    Page("GET", "content_asset", Perm.CONTENT_VIEW, 200, _asset),
    Page(
        "POST",
        "content_asset_edit",
        Perm.CONTENT_EDIT,
        302,
        _asset,
        {"title": "新标题", "tags": "新品、海报", "rights": "owned"},
    ),
    Page("POST", "content_asset_archive", Perm.CONTENT_EDIT, 302, _asset),
    Page("GET", "content_asset_file", Perm.CONTENT_VIEW, 200, _asset),
    Page("GET", "topics", Perm.CONTENT_VIEW, 200),
    Page("POST", "topic_new", Perm.CONTENT_EDIT, 302, data={"name": "新品发布"}),
    Page("GET", "topic_edit", Perm.CONTENT_EDIT, 200, _topic),
    Page("POST", "topic_edit", Perm.CONTENT_EDIT, 302, _topic, {"name": "双十一"}),
    Page("POST", "topic_archive", Perm.CONTENT_EDIT, 302, _topic),
    Page("POST", "hashtag_set_new", Perm.CONTENT_EDIT, 302, data={"name": "大促"}),
    Page("POST", "hashtag_set_archive", Perm.CONTENT_EDIT, 302, _set),
    Page("GET", "content_report", Perm.ANALYTICS_VIEW, 200),
    Page("POST", "metrics_import", Perm.CONTENT_EDIT, 302),
    Page("POST", "post_metrics_refresh", Perm.CONTENT_EDIT, 302, _post),
    Page("POST", "publication_metrics", Perm.CONTENT_EDIT, 302, _publication, {"likes": "3"}),
    # the publishing tasks page and its actions (publishing/views_tasks.py); a 409 is a message
    Page("GET", "content_tasks", Perm.CONTENT_VIEW, 200),
    Page(
        "POST",
        "content_task_complete",
        Perm.CONTENT_PUBLISH,
        302,
        _publication,
        {"url": "https://weibo.com/1/2"},
    ),
    Page("POST", "publication_retry", Perm.CONTENT_PUBLISH, 302, _publication),
    Page("POST", "publication_reconcile", Perm.CONTENT_PUBLISH, 302, _publication),
    Page("POST", "publication_resolve", Perm.CONTENT_PUBLISH, 302, _publication, {"retry": "1"}),
    Page("GET", "links", Perm.CONTENT_VIEW, 200),
    Page(
        "POST", "link_new", Perm.CONTENT_EDIT, 302, data={"target_url": "https://shop.example.com"}
    ),
    Page("POST", "post_links_shorten", Perm.CONTENT_EDIT, 302, _post, {"campaign": "spring"}),
    Page("GET", "content_import", Perm.CONTENT_EDIT, 200),
    Page(
        "POST",
        "content_import",
        Perm.CONTENT_EDIT,
        302,
        data={"csv": "title,body\n新品,上市\n", "import": "1"},
    ),
    # posts: list, composer, post page and its review actions (content/views_posts.py)
    Page("GET", "content_posts", Perm.CONTENT_VIEW, 200),
    Page("GET", "content_post_new", Perm.CONTENT_EDIT, 200),
    Page(
        "POST",
        "content_post_new",
        Perm.CONTENT_EDIT,
        302,
        data={"body": "新品上市", "format": "text", "intent": "draft"},
    ),
    Page("POST", "content_composer_variants", Perm.CONTENT_EDIT, 200, data={"body": "新品"}),
    Page("POST", "content_composer_check", Perm.CONTENT_EDIT, 204, data={"body": "新品"}),
    Page("GET", "content_post", Perm.CONTENT_VIEW, 200, _composed("draft")),
    Page("GET", "content_post_edit", Perm.CONTENT_EDIT, 200, _composed("draft")),
    Page(
        "POST",
        "content_post_edit",
        Perm.CONTENT_EDIT,
        302,
        _composed("draft"),
        {"body": "改过的文字", "format": "text", "intent": "save"},
    ),
    Page("POST", "content_post_submit", Perm.CONTENT_EDIT, 302, _composed("draft")),
    Page("POST", "content_post_approve", Perm.CONTENT_APPROVE, 302, _composed("in_review")),
    Page(
        "POST",
        "content_post_request_changes",
        Perm.CONTENT_APPROVE,
        302,
        _composed("in_review"),
        {"note": "再短一点"},
    ),
    Page(
        "POST",
        "content_post_schedule",
        Perm.CONTENT_PUBLISH,
        302,
        _composed("approved"),
        {"at": "2030-01-02T09:00"},
    ),
    Page("POST", "content_post_publish_now", Perm.CONTENT_PUBLISH, 302, _composed("approved")),
    Page("POST", "content_post_unschedule", Perm.CONTENT_PUBLISH, 302, _composed("scheduled")),
    Page("POST", "content_post_duplicate", Perm.CONTENT_EDIT, 302, _composed("draft")),
    Page("POST", "content_post_archive", Perm.CONTENT_EDIT, 302, _composed("draft")),
    Page(
        "POST", "content_post_comment", Perm.CONTENT_EDIT, 302, _composed("draft"), {"body": "好"}
    ),
    Page("GET", "content_review_settings", Perm.WORKSPACE_MANAGE, 200),
    Page(
        "POST",
        "content_review_settings",
        Perm.WORKSPACE_MANAGE,
        302,
        data={"approval_stages": "1"},
    ),
    # the interaction database and proactive engagement (contacts/views.py)
    Page("GET", "contacts", Perm.CONTACTS_VIEW, 200),
    Page("GET", "contact_new", Perm.CONTACTS_EDIT, 200),
    Page(
        "POST",
        "contact_new",
        Perm.CONTACTS_EDIT,
        302,
        data={"name": "张三", "kind": "fan", "importance": "1", "identity-platform": ""},
    ),
    Page("GET", "contacts_import", Perm.CONTACTS_EDIT, 200),
    Page("POST", "contacts_import", Perm.CONTACTS_EDIT, 302, data={"csv": "name\n张三\n"}),
    Page("GET", "contacts_export", Perm.CONTACTS_VIEW, 200),
    Page("GET", "contacts_top_fans", Perm.CONTACTS_VIEW, 200),
    Page("GET", "contact_detail", Perm.CONTACTS_VIEW, 200, _contact),
    Page("GET", "contact_edit", Perm.CONTACTS_EDIT, 200, _contact),
    Page(
        "POST",
        "contact_edit",
        Perm.CONTACTS_EDIT,
        302,
        _contact,
        {"name": "李四", "kind": "media", "importance": "2"},
    ),
    Page("POST", "contact_delete", Perm.CONTACTS_EDIT, 302, _contact),
    Page(
        "POST",
        "contact_identity_add",
        Perm.CONTACTS_EDIT,
        302,
        _contact,
        {"identity-platform": "weibo", "identity-handle": "lisi"},
    ),
    Page("POST", "contact_identity_remove", Perm.CONTACTS_EDIT, 302, _identity),
    Page("GET", "engage", Perm.CONTACTS_VIEW, 200),
    Page("POST", "engage_discover", Perm.INBOX_REPLY, 302),
    Page(
        "POST",
        "engage_act",
        Perm.INBOX_REPLY,
        302,
        _task,
        {"action": "reply", "text": "你好", "intent": "hand"},
    ),
    Page("POST", "engage_skip", Perm.INBOX_REPLY, 302, _task),
    Page("POST", "engage_reopen", Perm.INBOX_REPLY, 302, _task),
    # the guidebook, its reply rules and canned replies (guidebook/views.py)
    Page("GET", "guidebook", Perm.INBOX_VIEW, 200),
    Page("GET", "guidebook_section_new", Perm.INBOX_MANAGE, 200),
    Page(
        "POST",
        "guidebook_section_new",
        Perm.INBOX_MANAGE,
        302,
        data={"title": "节日问候", "body": "- 提前准备"},
    ),
    Page("GET", "guidebook_section_edit", Perm.INBOX_MANAGE, 200, _guidebook_section),
    Page(
        "POST",
        "guidebook_section_edit",
        Perm.INBOX_MANAGE,
        302,
        _guidebook_section,
        {"title": "节日", "body": "**提前**准备"},
    ),
    Page("POST", "guidebook_section_delete", Perm.INBOX_MANAGE, 302, _guidebook_section),
    Page("GET", "guidebook_history", Perm.INBOX_VIEW, 200),
    Page("GET", "guidebook_rule_new", Perm.INBOX_MANAGE, 200),
    Page(
        "POST",
        "guidebook_rule_new",
        Perm.INBOX_MANAGE,
        302,
        data={"kind": "forbidden_words", "severity": "error", "scope": "replies", "words": "垃圾"},
    ),
    Page("GET", "guidebook_rule_edit", Perm.INBOX_MANAGE, 200, _reply_rule),
    Page(
        "POST",
        "guidebook_rule_edit",
        Perm.INBOX_MANAGE,
        302,
        _reply_rule,
        {"severity": "warning", "scope": "replies", "reply_kinds": ["dm"], "words": "垃圾"},
    ),
    Page("POST", "guidebook_rule_toggle", Perm.INBOX_MANAGE, 302, _reply_rule),
    Page("POST", "guidebook_rule_delete", Perm.INBOX_MANAGE, 302, _reply_rule),
    ChannelPage(
        "POST",
        "guidebook_lint_fragment",
        Perm.INBOX_VIEW,
        200,
        data={"channel_id": 0, "kind": "comment", "text": "您好 {订单号}"},
    ),
    Page("GET", "canned_replies", Perm.INBOX_VIEW, 200),
    Page(
        "POST",
        "canned_reply_new",
        Perm.INBOX_MANAGE,
        302,
        data={"title": "感谢", "body": "谢谢{昵称}！", "kinds": ["comment"]},
    ),
    Page("GET", "canned_reply_edit", Perm.INBOX_MANAGE, 200, _reply),
    Page(
        "POST",
        "canned_reply_edit",
        Perm.INBOX_MANAGE,
        302,
        _reply,
        {"title": "感谢", "body": "谢谢！", "purpose": "dm_invite"},
    ),
    Page("POST", "canned_reply_delete", Perm.INBOX_MANAGE, 302, _reply),
    # response-time targets (sla/views.py)
    Page("GET", "sla_report", Perm.INBOX_VIEW, 200),
    Page("GET", "sla_policies", Perm.INBOX_VIEW, 200),
    Page(
        "POST",
        "sla_policy_new",
        Perm.INBOX_MANAGE,
        302,
        data={
            "name": "投诉",
            "first_response_minutes": "30",
            "warn_percent": "80",
            "enabled": "on",
        },
    ),
    Page("POST", "sla_policy_defaults", Perm.INBOX_MANAGE, 302),
    Page("GET", "sla_policy_edit", Perm.INBOX_MANAGE, 200, _sla_policy),
    Page(
        "POST",
        "sla_policy_edit",
        Perm.INBOX_MANAGE,
        302,
        _sla_policy,
        {"name": "私信", "first_response_minutes": "20", "warn_percent": "80"},
    ),
    Page("POST", "sla_policy_delete", Perm.INBOX_MANAGE, 302, _sla_policy),
    Page("GET", "sla_calendars", Perm.INBOX_VIEW, 200),
    Page(
        "POST",
        "sla_calendar_new",
        Perm.INBOX_MANAGE,
        302,
        data={
            "name": "客服排班",
            "hours_0": "09:00-12:00, 13:30-18:00",
            "holidays": "2026-10-01 国庆节",
        },
    ),
    Page("GET", "sla_calendar_edit", Perm.INBOX_MANAGE, 200, _sla_calendar),
    Page(
        "POST",
        "sla_calendar_edit",
        Perm.INBOX_MANAGE,
        302,
        _sla_calendar,
        {"name": "新排班", "hours_1": "10:00-19:00", "workdays": "2026-10-10 国庆调休"},
    ),
    Page("POST", "sla_calendar_delete", Perm.INBOX_MANAGE, 302, _sla_calendar),
    # the unified inbox (inbox/views.py); it also serves GET section:interaction below
    Page("GET", "inbox", Perm.INBOX_VIEW, 200),
    Page("GET", "inbox_conversation", Perm.INBOX_VIEW, 200, _conversation),
    Page("POST", "inbox_sync", Perm.INBOX_REPLY, 302),
    Page("POST", "inbox_assign", Perm.INBOX_REPLY, 302, _conversation, {"assignee": "me"}),
    Page("POST", "inbox_status", Perm.INBOX_REPLY, 302, _conversation, {"status": "pending"}),
    Page("POST", "inbox_priority", Perm.INBOX_REPLY, 302, _conversation, {"priority": "2"}),
    LabelPage("POST", "inbox_label", Perm.INBOX_REPLY, 302, _conversation, {"op": "add"}),
    Page("POST", "inbox_note", Perm.INBOX_REPLY, 302, _conversation, {"text": "已转物流组"}),
    Page(
        "POST",
        "inbox_reply",
        Perm.INBOX_REPLY,
        302,
        _conversation,
        {"text": "您好，马上为您查询。", "then": "open"},
    ),
    Page("POST", "inbox_presence", Perm.INBOX_VIEW, 200, _conversation, {"typing": "1"}),
    Page("POST", "inbox_lint", Perm.INBOX_VIEW, 200, _conversation, {"text": "您好"}),
    Page("POST", "inbox_retry", Perm.INBOX_REPLY, 302, _failed_message),
    Page("POST", "inbox_bulk", Perm.INBOX_REPLY, 302, data={"action": "priority", "value": "2"}),
    Page("POST", "inbox_view_new", Perm.INBOX_VIEW, 302, data={"name": "我的", "qs": "kind=dm"}),
    Page("POST", "inbox_view_delete", Perm.INBOX_VIEW, 302, _own_view),
    Page("GET", "inbox_settings", Perm.INBOX_VIEW, 200),
    Page(
        "POST",
        "inbox_label_new",
        Perm.INBOX_MANAGE,
        302,
        data={"name": "物流", "color": "#ff8800"},
    ),
    Page("POST", "inbox_label_delete", Perm.INBOX_MANAGE, 302, _inbox_label),
    RulePage(
        "POST",
        "inbox_rule_new",
        Perm.INBOX_MANAGE,
        302,
        data={"name": "私信轮流", "strategy": "round_robin", "kinds": "dm"},
    ),
    Page(
        "POST",
        "inbox_rule_change",
        Perm.INBOX_MANAGE,
        302,
        _assignment_rule,
        {"op": "toggle"},
    ),
    *(Page("GET", "section", perm, 200, section=name) for name, (_t, perm) in SECTIONS.items()),
]

# listening's entries live beside this file (it is long enough); same lists, extended in place
from .matrix_listening import ALSO_ALLOWED  # noqa: E402
from .matrix_listening import API_ROUTES as LISTENING_API_ROUTES  # noqa: E402
from .matrix_listening import PAGES as LISTENING_PAGES  # noqa: E402

API_ROUTES.extend(LISTENING_API_ROUTES)
PAGES.extend(LISTENING_PAGES)


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

    want = expected_status(role, page.perm, page.ok, ALSO_ALLOWED.get(page.key, ()))
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
