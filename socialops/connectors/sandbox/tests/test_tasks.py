"""The periodic task moves every world to now, one worker at a time."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from huey.contrib.djhuey import HUEY

from socialops.connectors.sandbox import tasks
from socialops.connectors.sandbox.models import Post, World
from socialops.connectors.sandbox.simulation import slot_of, slot_start

from .helpers import START, make_world

pytestmark = pytest.mark.django_db


def test_it_advances_every_world_to_now() -> None:
    first, second = make_world(seed=1), make_world(seed=2)
    later = START + timedelta(hours=10, minutes=3)

    with time_machine.travel(later, tick=False):
        created = tasks.advance_worlds.call_local()

    assert created > 0
    for world in (first, second):
        world.refresh_from_db()
        assert world.simulated_until == slot_start(slot_of(later))
        assert Post.objects.filter(world=world).exists()


def test_it_leaves_the_worlds_alone_while_another_worker_holds_the_lock() -> None:
    world = make_world()

    with time_machine.travel(START + timedelta(hours=3), tick=False):
        with HUEY.lock_task(tasks.LOCK_NAME):
            assert tasks.advance_worlds.call_local() == 0
        assert World.objects.get(pk=world.pk).simulated_until == START
        assert tasks.advance_worlds.call_local() > 0
    assert World.objects.get(pk=world.pk).simulated_until == START + timedelta(hours=3)
