"""Shared set-up for the sandbox tests: a small world and a connected account."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from socialops.connectors.sandbox.connector import SandboxConnector
from socialops.connectors.sandbox.models import Account, Message, Post, World
from socialops.connectors.sandbox.simulation import create_world

START = datetime(2025, 3, 3, 0, 0, tzinfo=UTC)  # 08:00 in Shanghai, a Monday


def make_world(seed: int = 7, personas: int = 120) -> World:
    return create_world(
        seed=seed,
        personas=personas,
        brand_terms=["示例品牌", "Demo Brand"],
        competitor_terms=["竞品甲"],
        start=START,
    )


def connect(world: World, handle: str = "demo_brand", followers: int = 5000) -> SandboxConnector:
    """A connector for a new account of ours in ``world``."""
    credentials = SandboxConnector(credentials={}, config={"world": world.pk}).connect(
        {"display_name": "示例品牌", "handle": handle, "followers": str(followers)}
    )
    return SandboxConnector(credentials=credentials)


def account_of(connector: SandboxConnector) -> Account:
    return Account.objects.get(pk=connector.credentials["account_id"])


def dump(world: World) -> dict[str, Any]:
    """Everything in a world except database ids, to compare two worlds."""
    return {
        "until": world.simulated_until,
        "accounts": list(
            Account.objects.filter(world=world)
            .order_by("number")
            .values_list("number", "handle", "display_name", "followers_count", "botness")
        ),
        "posts": list(
            Post.objects.filter(world=world)
            .order_by("number")
            .values_list(
                "number", "author__handle", "text", "created_at", "impressions", "likes", "reposts"
            )
        ),
        "messages": list(
            Message.objects.filter(world=world)
            .order_by("number")
            .values_list("number", "kind", "author__handle", "text", "created_at", "sentiment")
        ),
    }
