"""The listening routes and pages of the role matrix (test_role_matrix.py extends its lists with
these): rows each route acts on, made fresh per call in alice's workspace."""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass
from typing import Any

from socialops.accounts.roles import Perm
from socialops.core.clock import now
from socialops.listening.models import Alert, Destination, ListeningQuery, Mention, Source

from .test_role_matrix import ApiRoute, Page

Targets = Any


def _listening_query_id(targets: Targets) -> int:
    """A new listening query in alice's workspace for each call (routes may delete it)."""
    workspace = targets.channel.workspace
    n = ListeningQuery.objects.filter(workspace=workspace).count()
    return ListeningQuery.objects.create(
        workspace=workspace, name=f"matrix query {n + 1}", text="华为 AND 手机"
    ).pk


def _listening_source_id(targets: Targets) -> int:
    """A new Bluesky Jetstream source (it needs no account) for each call."""
    workspace = targets.channel.workspace
    n = Source.objects.filter(workspace=workspace).count()
    return Source.objects.create(
        workspace=workspace, name=f"matrix source {n + 1}", kind="jetstream", cursor="12"
    ).pk


def _listening_query(targets: Targets, caller: str) -> dict[str, Any]:
    return {"query_id": _listening_query_id(targets)}


def _listening_source(targets: Targets, caller: str) -> dict[str, Any]:
    return {"source_id": _listening_source_id(targets)}


@dataclass(frozen=True)
class ListeningSourceRoute(ApiRoute):
    """POST /listening/sources: the body names the matrix's sandbox account."""

    def url(self, targets: Targets, caller: str) -> str:
        self.body["channel_id"] = targets.channel.pk
        return super().url(targets, caller)


API_ROUTES_QUERIES = [
    ApiRoute("GET", "/listening/queries", Perm.LISTENING_VIEW, 200),
    ApiRoute(
        "POST",
        "/listening/queries",
        Perm.LISTENING_MANAGE,
        201,
        {"name": "matrix 华为", "text": "华为 AND (手机 OR 平板) -招聘"},
    ),
    ApiRoute("POST", "/listening/queries/validate", Perm.LISTENING_VIEW, 200, {"text": "华为"}),
    ApiRoute("POST", "/listening/queries/preview", Perm.LISTENING_VIEW, 200, {"text": "华为"}),
    ApiRoute("GET", "/listening/queries/{query_id}", Perm.LISTENING_VIEW, 200),
    ApiRoute(
        "PATCH", "/listening/queries/{query_id}", Perm.LISTENING_MANAGE, 200, {"active": False}
    ),
    ApiRoute("DELETE", "/listening/queries/{query_id}", Perm.LISTENING_MANAGE, 204),
    ApiRoute("GET", "/listening/queries/{query_id}/counts", Perm.LISTENING_VIEW, 200),
    ApiRoute("GET", "/listening/sources", Perm.LISTENING_VIEW, 200),
    ListeningSourceRoute(
        "POST",
        "/listening/sources",
        Perm.LISTENING_MANAGE,
        201,
        {"name": "matrix sandbox", "kind": "sandbox", "channel_id": 0},
    ),
    ApiRoute("GET", "/listening/sources/{source_id}", Perm.LISTENING_VIEW, 200),
    ApiRoute(
        "PATCH", "/listening/sources/{source_id}", Perm.LISTENING_MANAGE, 200, {"enabled": False}
    ),
    ApiRoute("DELETE", "/listening/sources/{source_id}", Perm.LISTENING_MANAGE, 204),
    ApiRoute("POST", "/listening/sources/{source_id}/reset", Perm.LISTENING_MANAGE, 200),
]

QUERY_FORM = {
    "name": "matrix page query",
    "text": "华为 AND 手机",
    "kind": "brand",
    "active": "on",
    "spike_ratio": "3",
    "spike_floor": "20",
    "negative_share": "0.5",
    "negative_floor": "10",
    "cooldown_minutes": "30",
}

PAGES_QUERIES = [
    Page("GET", "listening_queries", Perm.LISTENING_VIEW, 200),
    Page("GET", "listening_query_new", Perm.LISTENING_MANAGE, 200),
    Page("POST", "listening_query_new", Perm.LISTENING_MANAGE, 302, data=QUERY_FORM),
    Page("GET", "listening_query_edit", Perm.LISTENING_MANAGE, 200, _listening_query),
    Page(
        "POST",
        "listening_query_edit",
        Perm.LISTENING_MANAGE,
        302,
        _listening_query,
        {**QUERY_FORM, "name": "matrix renamed query"},
    ),
    Page("POST", "listening_query_delete", Perm.LISTENING_MANAGE, 302, _listening_query),
    Page("POST", "listening_query_validate", Perm.LISTENING_VIEW, 200, data={"text": "华为"}),
    Page("POST", "listening_query_preview", Perm.LISTENING_VIEW, 200, data={"text": "华为"}),
    Page("GET", "listening_sources", Perm.LISTENING_VIEW, 200),
    Page("GET", "listening_source_new", Perm.LISTENING_MANAGE, 200),
    Page(
        "POST",
        "listening_source_new",
        Perm.LISTENING_MANAGE,
        302,
        data={"name": "matrix page source", "kind": "jetstream", "enabled": "on"},
    ),
    Page("GET", "listening_source_edit", Perm.LISTENING_MANAGE, 200, _listening_source),
    Page(
        "POST",
        "listening_source_edit",
        Perm.LISTENING_MANAGE,
        302,
        _listening_source,
        {"name": "matrix renamed source", "enabled": "on"},
    ),
    Page("POST", "listening_source_delete", Perm.LISTENING_MANAGE, 302, _listening_source),
    Page("POST", "listening_source_reset", Perm.LISTENING_MANAGE, 302, _listening_source),
    Page(
        "POST",
        "listening_source_enabled",
        Perm.LISTENING_MANAGE,
        302,
        _listening_source,
        {"enabled": "0"},
    ),
]


_mention_numbers = itertools.count(1)


def _mention_id(targets: Targets) -> int:
    """A new mention in alice's workspace on the matrix account's platform (so it can go to the
    inbox), by a new author each call (so "→ contact" creates one)."""
    n = next(_mention_numbers)
    return Mention.objects.create(
        workspace=targets.channel.workspace,
        platform=targets.channel.platform,
        remote_id=f"matrix-mention-{n}",
        text=f"矩阵测试提及 {n}",
        author_remote_id=f"matrix-author-{n}",
        author_handle=f"matrix_author_{n}",
        author_name=f"矩阵作者{n}",
        posted_at=now(),
    ).pk


@dataclass(frozen=True)
class ResolvedAlertRoute(ApiRoute):
    """POST /listening/alerts/{alert_id}/reopen: the alert must be resolved first."""

    def url(self, targets: Targets, caller: str) -> str:
        url = super().url(targets, caller)
        Alert.objects.filter(pk=int(url.split("/")[3])).update(state="resolved")
        return url


API_ROUTES_MENTIONS = [
    ApiRoute("GET", "/listening/mentions", Perm.LISTENING_VIEW, 200),
    ApiRoute("GET", "/listening/mentions/{mention_id}", Perm.LISTENING_VIEW, 200),
    ApiRoute("POST", "/listening/mentions/{mention_id}/conversation", Perm.INBOX_REPLY, 200),
    ApiRoute("POST", "/listening/mentions/{mention_id}/engagement-task", Perm.INBOX_REPLY, 200),
    ApiRoute(
        "POST", "/listening/mentions/{mention_id}/contact", Perm.CONTACTS_EDIT, 200, {"kind": "fan"}
    ),
    ApiRoute("GET", "/listening/dashboard", Perm.LISTENING_VIEW, 200),
    ApiRoute("GET", "/listening/alerts", Perm.LISTENING_VIEW, 200),
    ApiRoute("GET", "/listening/alerts/{alert_id}", Perm.LISTENING_VIEW, 200),
    ApiRoute("POST", "/listening/alerts/{alert_id}/acknowledge", Perm.LISTENING_MANAGE, 200),
    ApiRoute("POST", "/listening/alerts/{alert_id}/resolve", Perm.LISTENING_MANAGE, 200),
    ResolvedAlertRoute("POST", "/listening/alerts/{alert_id}/reopen", Perm.LISTENING_MANAGE, 200),
]


def _listening_mention(targets: Targets, caller: str) -> dict[str, Any]:
    return {"mention_id": _mention_id(targets)}


def _listening_alert(targets: Targets, caller: str) -> dict[str, Any]:
    return {"alert_id": _alert_id(targets)}


def _listening_resolved_alert(targets: Targets, caller: str) -> dict[str, Any]:
    alert_id = _alert_id(targets)
    Alert.objects.filter(pk=alert_id).update(state="resolved")
    return {"alert_id": alert_id}


PAGES_MENTIONS = [
    Page("GET", "listening_mentions", Perm.LISTENING_VIEW, 200),
    Page("GET", "listening_mentions_new", Perm.LISTENING_VIEW, 200),
    Page("POST", "listening_mention_conversation", Perm.INBOX_REPLY, 302, _listening_mention),
    Page("POST", "listening_mention_task", Perm.INBOX_REPLY, 302, _listening_mention),
    Page(
        "POST",
        "listening_mention_contact",
        Perm.CONTACTS_EDIT,
        302,
        _listening_mention,
        {"kind": "fan"},
    ),
    Page("GET", "listening_dashboard", Perm.LISTENING_VIEW, 200),
    Page("GET", "listening_alerts", Perm.LISTENING_VIEW, 200),
    Page("GET", "listening_alert", Perm.LISTENING_VIEW, 200, _listening_alert),
    Page("POST", "listening_alert_acknowledge", Perm.LISTENING_MANAGE, 302, _listening_alert),
    Page("POST", "listening_alert_resolve", Perm.LISTENING_MANAGE, 302, _listening_alert),
    Page("POST", "listening_alert_reopen", Perm.LISTENING_MANAGE, 302, _listening_resolved_alert),
]

# whoever is on duty in a crisis may say "I'm on it": agents (INBOX_REPLY) as well as those who
# run listening; a refusal is still logged as listening.manage
ALERT_STATE_KEYS = {
    "POST /listening/alerts/{alert_id}/acknowledge",
    "POST /listening/alerts/{alert_id}/resolve",
    "POST /listening/alerts/{alert_id}/reopen",
    "POST listening_alert_acknowledge",
    "POST listening_alert_resolve",
    "POST listening_alert_reopen",
}


def _destination_id(targets: Targets) -> int:
    """A new in-app destination in alice's workspace for each call (routes may delete it; the
    test route sends to it without any HTTP)."""
    workspace = targets.channel.workspace
    n = Destination.objects.filter(workspace=workspace).count()
    return Destination.objects.create(
        workspace=workspace, name=f"matrix destination {n + 1}", kind="in_app"
    ).pk


def _alert_id(targets: Targets) -> int:
    """A new alert in alice's workspace for each call."""
    return Alert.objects.create(
        workspace=targets.channel.workspace, kind="spike", key=f"matrix:{uuid.uuid4()}", title="m"
    ).pk


def _listening_destination(targets: Targets, caller: str) -> dict[str, Any]:
    return {"destination_id": _destination_id(targets)}


API_ROUTES_ALERTS = [
    ApiRoute("GET", "/listening/destinations", Perm.LISTENING_VIEW, 200),
    ApiRoute(
        "POST",
        "/listening/destinations",
        Perm.LISTENING_MANAGE,
        201,
        {"name": "matrix bell", "kind": "in_app"},
    ),
    ApiRoute("GET", "/listening/destinations/{destination_id}", Perm.LISTENING_VIEW, 200),
    ApiRoute(
        "PATCH",
        "/listening/destinations/{destination_id}",
        Perm.LISTENING_MANAGE,
        200,
        {"enabled": False},
    ),
    ApiRoute("DELETE", "/listening/destinations/{destination_id}", Perm.LISTENING_MANAGE, 204),
    ApiRoute("POST", "/listening/destinations/{destination_id}/test", Perm.LISTENING_MANAGE, 200),
    ApiRoute("GET", "/listening/alerts/{alert_id}/deliveries", Perm.LISTENING_VIEW, 200),
]

PAGES_ALERTS = [
    Page("GET", "listening_destinations", Perm.LISTENING_VIEW, 200),
    Page("GET", "listening_destination_new", Perm.LISTENING_MANAGE, 200),
    Page(
        "POST",
        "listening_destination_new",
        Perm.LISTENING_MANAGE,
        302,
        data={"name": "matrix page bell", "kind": "in_app", "enabled": "on"},
    ),
    Page("GET", "listening_destination_edit", Perm.LISTENING_MANAGE, 200, _listening_destination),
    Page(
        "POST",
        "listening_destination_edit",
        Perm.LISTENING_MANAGE,
        302,
        _listening_destination,
        # the name is unique per workspace: the lead may need a caller-specific name here
        data={"name": "matrix renamed", "kind": "in_app"},
    ),
    Page(
        "POST", "listening_destination_delete", Perm.LISTENING_MANAGE, 302, _listening_destination
    ),
    Page("POST", "listening_destination_test", Perm.LISTENING_MANAGE, 302, _listening_destination),
]

API_ROUTES: list[ApiRoute] = [*API_ROUTES_QUERIES, *API_ROUTES_MENTIONS, *API_ROUTES_ALERTS]
PAGES: list[Page] = [*PAGES_QUERIES, *PAGES_MENTIONS, *PAGES_ALERTS]
ALSO_ALLOWED = dict.fromkeys(ALERT_STATE_KEYS, (Perm.INBOX_REPLY,))


def path_ids(path: str, targets: Targets) -> dict[str, int]:
    """Ids for the listening path parameters a route names."""
    makers = {
        "query_id": _listening_query_id,
        "source_id": _listening_source_id,
        "mention_id": _mention_id,
        "alert_id": _alert_id,
        "destination_id": _destination_id,
    }
    return {name: make(targets) for name, make in makers.items() if f"{{{name}}}" in path}
