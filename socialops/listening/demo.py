"""The demo's listening: queries for its brand, a product, two competitors and crisis words, a
source on its sandbox account's public stream, and in-app alerts, so a fresh ``make run`` shows
mentions arriving (the worker's listener reads the source within a minute).

The queries match what the sandbox audience writes in public (connectors/sandbox/content.py,
``PUBLIC_POSTS``, with the demo world's brand and competitor terms, connectors/sandbox/demo.py).
Idempotent: what exists (by name) is left as it is.
"""

from __future__ import annotations

from dataclasses import dataclass

from socialops.accounts.models import Workspace
from socialops.channels.models import Channel

from .models import Destination, DestinationKind, ListeningQuery, QueryKind, Source, SourceKind
from .query import parse

BRAND = '示例品牌 OR "Demo Brand"'
SOURCE_NAME = "沙盒公开动态 Sandbox public posts"
DESTINATION_NAME = "站内通知 In-app"
BACKFILL_HOURS = 72  # a fresh start shows three days of mentions (and a daily baseline)


@dataclass(frozen=True)
class DemoQuery:
    name: str
    text: str
    kind: str
    group: str = ""


DEMO_QUERIES = [
    DemoQuery("示例品牌", BRAND, QueryKind.BRAND, "示例品牌"),
    DemoQuery(
        "示例品牌新品",
        f'({BRAND}) (新品 OR 新款 OR 上新 OR "something new" OR "new one")',
        QueryKind.PRODUCT,
        "示例品牌",
    ),
    DemoQuery("竞品甲", "竞品甲", QueryKind.COMPETITOR, "竞品甲"),
    DemoQuery("格洛博 Globex", "格洛博 OR Globex", QueryKind.COMPETITOR, "格洛博"),
    DemoQuery(
        "危机词 Crisis words",
        f"({BRAND}) (售后 OR 涨价 OR 再也不买 OR 退款 OR 投诉 OR terrible OR expensive OR refund)",
        QueryKind.CRISIS,
    ),
]


def load_demo_listening(workspace: Workspace) -> list[str]:
    """Create the demo's queries, source and destination where missing; what was created."""
    created: list[str] = []
    for spec in DEMO_QUERIES:
        parse(spec.text)  # a typo here should fail loudly, not store a dead query
        _query, new = ListeningQuery.objects.get_or_create(
            workspace=workspace,
            name=spec.name,
            defaults={"text": spec.text, "kind": spec.kind, "group": spec.group},
        )
        if new:
            created.append(f"query {spec.name}")
    channel = (
        Channel.objects.filter(
            workspace=workspace, connector="sandbox", status=Channel.Status.CONNECTED
        )
        .order_by("pk")
        .first()
    )
    if channel is not None:
        _source, new = Source.objects.get_or_create(
            workspace=workspace,
            name=SOURCE_NAME,
            defaults={
                "kind": SourceKind.SANDBOX,
                "channel": channel,
                "config": {"backfill_hours": BACKFILL_HOURS},
            },
        )
        if new:
            created.append(f"source {SOURCE_NAME}")
    _destination, new = Destination.objects.get_or_create(
        workspace=workspace, name=DESTINATION_NAME, defaults={"kind": DestinationKind.IN_APP}
    )
    if new:
        created.append(f"destination {DESTINATION_NAME}")
    return created
