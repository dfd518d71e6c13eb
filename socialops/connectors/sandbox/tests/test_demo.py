"""The demo world: a fixed seed, a believable audience, some history, quickly."""

from __future__ import annotations

import time
from collections import Counter

import time_machine

from socialops.connectors.sandbox.demo import DEMO_SEED, ensure_demo_world
from socialops.connectors.sandbox.models import Account, Post

from .helpers import START


def test_it_creates_the_demo_world_once_with_an_audience_and_history(team) -> None:
    with time_machine.travel(START, tick=False):
        began = time.perf_counter()
        world = ensure_demo_world(team.workspace)
        took = time.perf_counter() - began
        again = ensure_demo_world(team.workspace)

    assert took < 5
    assert again.pk == world.pk and world.seed == DEMO_SEED
    assert world.simulated_until == START
    personas = Account.objects.filter(world=world, kind="persona")
    assert personas.count() == 300
    assert set(Counter(personas.values_list("lang", flat=True))) == {"zh", "en"}
    assert 5 < personas.filter(botness__gt=0.5).count() < 60
    history = Post.objects.filter(world=world)
    assert history.count() > 1000
    assert history.filter(text__contains="示例品牌").count() > 100
    oldest = history.order_by("created_at").first()
    assert oldest is not None and (START - oldest.created_at).days >= 20
