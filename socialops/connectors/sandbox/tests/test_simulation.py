"""The engine: determinism by seed, daily rhythm, reactions to content, growth, speed."""

from __future__ import annotations

import time
from collections import Counter
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from socialops.connectors.base import PublishRequest
from socialops.connectors.sandbox.models import Message, Post
from socialops.connectors.sandbox.simulation import advance

from .helpers import START, account_of, connect, dump, make_world

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def _world_with_post(seed: int, text: str, *, days: int = 2) -> Any:
    with time_machine.travel(START, tick=False):
        world = make_world(seed=seed)
        connector = connect(world)
        ref = connector.publish(PublishRequest(text=text), idempotency_key="k1")
    advance(world, until=START + timedelta(days=days))
    return world, connector, ref


def test_it_gives_the_same_world_for_the_same_seed_and_inputs() -> None:
    first, _, _ = _world_with_post(42, "新品发布！欢迎预约")
    second, _, _ = _world_with_post(42, "新品发布！欢迎预约")
    other, _, _ = _world_with_post(43, "新品发布！欢迎预约")

    assert dump(first) == dump(second)
    assert len(dump(first)["messages"]) > 10
    assert dump(first)["posts"] != dump(other)["posts"]


def test_it_gives_the_same_world_advanced_in_steps_or_at_once() -> None:
    at_once, _, _ = _world_with_post(5, "周末愉快", days=1)
    with time_machine.travel(START, tick=False):
        stepped = make_world(seed=5)
        connect(stepped).publish(PublishRequest(text="周末愉快"), idempotency_key="k1")
    for minutes in (7, 60, 61, 333, 900, 1440):
        advance(stepped, until=START + timedelta(minutes=minutes))

    assert dump(stepped) == dump(at_once)


def test_it_is_busier_at_eight_in_the_evening_than_at_four_in_the_morning() -> None:
    world = make_world(seed=11)
    advance(world, until=START + timedelta(days=14))
    hours = Counter(
        moment.astimezone(SHANGHAI).hour
        for moment in Post.objects.filter(world=world).values_list("created_at", flat=True)
    )

    assert hours[20] > 5 * max(1, hours[4])
    assert hours[12] > hours[4]
    assert sum(hours.values()) > 500


def _reactions(text: str) -> Counter[str]:
    world, _, _ = _world_with_post(3, text)
    return Counter(
        Message.objects.filter(world=world, kind="comment").values_list("intent", flat=True)
    )


def test_it_draws_more_negative_comments_on_controversial_posts() -> None:
    calm = _reactions("今天天气不错，大家周末愉快")
    angry = _reactions("关于近期产品涨价和发货延迟的说明")

    assert angry["complaint"] / angry.total() > 0.4
    assert calm["complaint"] / calm.total() < 0.25
    assert angry.total() > calm.total()


def test_it_draws_questions_and_purchase_intent_on_launches() -> None:
    launch = _reactions("新品首发！今晚8点开售")
    calm = _reactions("今天天气不错，大家周末愉快")

    assert launch["purchase_intent"] > 0
    assert (launch["question"] + launch["purchase_intent"]) / launch.total() > 0.3
    assert calm["purchase_intent"] == 0


def test_it_draws_reposts_and_bots_on_giveaways() -> None:
    giveaway, _, giveaway_ref = _world_with_post(3, "转发抽奖！送出10台新耳机")
    calm, _, calm_ref = _world_with_post(3, "今天天气不错，大家周末愉快")
    giveaway_post = Post.objects.get(world=giveaway, number=int(giveaway_ref.remote_id))
    calm_post = Post.objects.get(world=calm, number=int(calm_ref.remote_id))
    reposters = Post.objects.filter(repost_of=giveaway_post).values_list(
        "author__botness", flat=True
    )

    assert giveaway_post.reposts > 5 * max(1, calm_post.reposts)
    assert sum(1 for botness in reposters if botness > 0.5) >= 3


def test_it_evolves_metrics_and_grows_followers_with_engagement() -> None:
    world, connector, ref = _world_with_post(9, "转发抽奖！送出10台新耳机", days=0)
    quiet, quiet_connector, _ = _world_with_post(9, "早安", days=0)
    start_followers = account_of(connector).followers_count
    readings = []
    for hours in (1, 6, 48):
        advance(world, until=START + timedelta(hours=hours))
        readings.append(Post.objects.get(world=world, number=int(ref.remote_id)).impressions)
    advance(quiet, until=START + timedelta(hours=48))

    assert readings[0] < readings[1] < readings[2]
    gained = account_of(connector).followers_count - start_followers
    assert gained > account_of(quiet_connector).followers_count - start_followers > 0


def test_it_advances_a_day_for_one_account_well_under_a_second() -> None:
    with time_machine.travel(START, tick=False):
        world = make_world(seed=1, personas=300)
        connect(world).publish(PublishRequest(text="新品发布"), idempotency_key="k")
    began = time.perf_counter()
    created = advance(world, until=START + timedelta(days=1))

    assert created > 100
    assert time.perf_counter() - began < 1.0
