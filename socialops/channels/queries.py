"""Reads of channels, scoped to a workspace; another workspace's ids are a 404, and logged."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.http import Http404

from socialops.accounts.models import Workspace
from socialops.connectors import registry
from socialops.connectors.base import Connector
from socialops.core import audit

from . import facade
from .models import Channel, Complement, FacadeCheck

if TYPE_CHECKING:
    from django.http import HttpRequest


def workspace_channels(
    workspace: Workspace, *, include_disconnected: bool = False
) -> QuerySet[Channel]:
    found = Channel.objects.filter(workspace=workspace).select_related("owner")
    if not include_disconnected:
        found = found.exclude(status=Channel.Status.DISCONNECTED)
    return found


def channel(workspace: Workspace, channel_id: int, request: HttpRequest | None = None) -> Channel:
    found = workspace_channels(workspace, include_disconnected=True).filter(pk=channel_id).first()
    if found is None:
        elsewhere = Channel.objects.filter(pk=channel_id).select_related("workspace").first()
        if elsewhere is not None:
            user = getattr(request, "user", None)
            audit.record(
                action="access.outsider",
                workspace=elsewhere.workspace,
                actor=user if user is not None and user.is_authenticated else None,
                request=request,
                target=elsewhere,
                after={"path": request.path if request else "", "from_workspace": workspace.slug},
            )
        raise Http404("No such account.")
    return found


def complements_of(channels: list[Channel]) -> dict[int, list[Complement]]:
    pairs = Complement.objects.filter(from_channel__in=channels).select_related("to_channel")
    found: dict[int, list[Complement]] = {c.pk: [] for c in channels}
    for pair in pairs.order_by("to_channel__platform", "to_channel__handle"):
        found[pair.from_channel_id].append(pair)
    return found


def connectors() -> list[type[Connector]]:
    return list(registry.all_connectors().values())


def is_simulated(channel: Channel) -> bool:
    try:
        return bool(registry.get(channel.connector).simulated)
    except registry.UnknownConnector:
        return False


@dataclass(frozen=True)
class FacadeRow:
    code: str
    label: str
    weight: int
    state: str
    automatic: bool
    fix: str
    evidence: str
    checked_by: Any
    checked_at: Any


@dataclass(frozen=True)
class FacadeReport:
    channel: Channel
    score: int
    rows: list[FacadeRow]
    fixes: list[str]
    profile_read: bool


def facade_report(channel: Channel) -> FacadeReport:
    stored = {
        check.item: check
        for check in FacadeCheck.objects.filter(channel=channel).select_related("checked_by")
    }
    items = facade.items_for(channel.platform)
    states = {
        item.code: stored[item.code].state if item.code in stored else facade.MISSING
        for item in items
    }
    rows = [
        FacadeRow(
            code=item.code,
            label=str(item.label),
            weight=item.weight,
            state=states[item.code],
            automatic=stored[item.code].automatic if item.code in stored else False,
            fix=str(item.fix),
            evidence=stored[item.code].evidence if item.code in stored else "",
            checked_by=stored[item.code].checked_by if item.code in stored else None,
            checked_at=stored[item.code].checked_at if item.code in stored else None,
        )
        for item in items
    ]
    return FacadeReport(
        channel=channel,
        score=facade.score(channel.platform, states),
        rows=rows,
        fixes=facade.fixes(channel.platform, states),
        profile_read=channel.profile_fetched_at is not None,
    )
