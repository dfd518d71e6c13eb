"""Canned replies: their variables, filled in for one conversation, and which fit a kind."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from .lint import PLACEHOLDER
from .models import CannedReply

if TYPE_CHECKING:
    from django.utils.functional import Promise

    from socialops.accounts.models import User, Workspace
    from socialops.inbox.models import Conversation

# name -> what it is; order_number has no source: the agent types it in.
VARIABLES: dict[str, Promise] = {
    "nickname": _("The person's name on the platform (their handle when there is none)"),
    "handle": _("The person's handle, without @"),
    "account": _("Our account's name"),
    "agent": _("Your name"),
    "order_number": _("The order number: fill it in yourself"),
}
ALIASES = {
    "昵称": "nickname",
    "用户名": "handle",
    "账号": "account",
    "客服": "agent",
    "订单号": "order_number",
}
SAMPLE = {
    "nickname": "小明",
    "handle": "xiaoming",
    "account": "品牌官方",
    "agent": "小安",
    "order_number": "20261126001",
}


def variable_values(*, conversation: Conversation | None, agent: User | None) -> dict[str, str]:
    """What each variable becomes here; an empty value leaves the placeholder to fill."""
    values = dict.fromkeys(VARIABLES, "")
    if conversation is not None:
        handle = conversation.author_handle.lstrip("@")
        values["nickname"] = conversation.author_name or handle
        values["handle"] = handle
        channel = conversation.channel
        values["account"] = channel.display_name or channel.handle
    if agent is not None:
        values["agent"] = agent.display_name
    return values


def fill(body: str, values: dict[str, str]) -> str:
    """Replace {name} and its Chinese alias by the value; unknown or empty ones stay visible."""

    def one(match: object) -> str:
        placeholder = match.group(0)  # type: ignore[attr-defined]
        name = match.group(1)  # type: ignore[attr-defined]
        value = values.get(ALIASES.get(name, name), "")
        return value or placeholder

    return PLACEHOLDER.sub(one, body)


def render_canned(
    reply: CannedReply, *, conversation: Conversation | None, agent: User | None
) -> str:
    """The reply's body with the conversation's and the agent's values filled in."""
    return fill(reply.body, variable_values(conversation=conversation, agent=agent))


def render_sample(body: str) -> str:
    """The body as it would read with made-up values (for linting and previews)."""
    return fill(body, SAMPLE)


def canned_for(workspace: Workspace, kind: str) -> list[CannedReply]:
    """The workspace's canned replies usable in a conversation of this kind, most used first."""
    rows = CannedReply.objects.filter(workspace=workspace).order_by("-usage_count", "title", "id")
    return [row for row in rows if not row.kinds or kind in row.kinds]
