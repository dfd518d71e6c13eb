"""The demo's simulated network: a fixed seed, a believable audience, a few weeks of history."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from socialops.connectors.sandbox.models import World
from socialops.connectors.sandbox.simulation import advance, create_world
from socialops.core.clock import now

DEMO_SEED = 88002024
DEMO_PERSONAS = 300
DEMO_HISTORY = timedelta(days=21)
DEMO_BRAND = ["示例品牌", "Demo Brand"]
DEMO_COMPETITORS = ["竞品甲", "Globex", "格洛博"]


def ensure_demo_world(workspace: Any) -> World:
    """The workspace's sandbox world, created with the demo seed and history if missing."""
    world = World.objects.filter(workspace=workspace).first()
    if world is None:
        world = create_world(
            workspace=workspace,
            seed=DEMO_SEED,
            name=f"{workspace.name} · sandbox",
            personas=DEMO_PERSONAS,
            brand_terms=DEMO_BRAND,
            competitor_terms=DEMO_COMPETITORS,
            start=now() - DEMO_HISTORY,
        )
    advance(world, until=now())
    return world
