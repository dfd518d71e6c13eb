"""The list API writes its rows straight from values; they must equal what the schema makes."""

from __future__ import annotations

import json
from typing import Any

import pytest
from ninja.responses import NinjaJSONEncoder

from socialops.conftest import Team
from socialops.inbox import queries
from socialops.inbox.models import Label, Presence
from socialops.inbox.schemas import ConversationPageOut
from socialops.sla import hooks
from socialops.sla.actions import ensure_default_policies

from . import factories
from .conftest import many

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("sort", ["newest", "priority", "due"])
def test_the_rows_equal_the_documented_schema(team: Team, channel: Any, sort: str) -> None:
    ensure_default_policies(team.workspace)
    found = many(channel, 7)
    urgent = Label.objects.create(workspace=team.workspace, name="加急", color="#ff0000")
    later = Label.objects.create(workspace=team.workspace, name="Later", color="#00ff00")
    found[2].labels.add(urgent, later)
    found[5].labels.add(urgent)
    found[4].priority = 3
    found[4].save()
    dave = team.access("dave").user
    Presence.objects.create(conversation=found[6], user=dave)
    factories.inbound(found[6], "又一条", at=found[6].last_message_at)
    for conversation in found[3:]:
        hooks.on_inbound(conversation.messages.order_by("-id")[0])
    api = team.api("dave")

    body = api.get("/inbox/conversations", {"page_size": "4", "sort": sort}).json()
    filters = queries.Filters.parse({"sort": sort}, team.workspace)
    expected_page = queries.page(team.access("dave"), filters, size=4)
    schema = ConversationPageOut.model_validate({"results": expected_page.items, "next": None})
    expected = json.loads(json.dumps(schema.model_dump(), cls=NinjaJSONEncoder))

    assert body["results"] == expected["results"]
    assert any(row["labels"] for row in body["results"]) or sort == "due"
    assert any(row["sla"] for row in body["results"])
    assert body["next"] is not None
    assert queries.page_values(team.access("dave"), filters, size=4).next_cursor == (
        expected_page.next_cursor
    )
