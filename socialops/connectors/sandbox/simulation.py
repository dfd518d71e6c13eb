"""The simulation engine: step a world through time, deterministically from its seed.

Time is cut into fixed five-minute slots aligned to the epoch. Each slot draws its events from
``random.Random(f"{seed}:{slot}")`` and the state the previous slots left, so advancing to a time
in one call or in many gives the same world, and the same seed and inputs give the same world.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction

from socialops.connectors.sandbox import content
from socialops.connectors.sandbox.models import (
    Account,
    AccountKind,
    Follow,
    Message,
    MessageKind,
    Post,
    World,
)

SLOT_SECONDS = 300
SLOT = timedelta(seconds=SLOT_SECONDS)
LIVE_FOR = timedelta(days=3)  # our posts stop drawing engagement after this
MAX_CATCH_UP = timedelta(days=30)  # a world left alone longer skips the rest
AUDIENCE_TZ = ZoneInfo("Asia/Shanghai")
# Relative activity by hour of day where the audience lives: asleep at night, peaks at lunch
# and in the evening.
HOURLY_ACTIVITY = (
    0.14, 0.08, 0.05, 0.03, 0.03, 0.05, 0.15, 0.35, 0.55, 0.60, 0.65, 0.80,
    1.00, 0.95, 0.65, 0.60, 0.62, 0.70, 0.85, 1.00, 1.25, 1.30, 1.00, 0.45,
)  # fmt: skip
# Per topic: (impressions multiplier, like rate, repost rate, comment rate).
TOPIC_RATES = {
    "general": (1.0, 0.040, 0.004, 0.006),
    "product": (1.3, 0.045, 0.006, 0.012),
    "giveaway": (3.0, 0.050, 0.060, 0.020),
    "controversial": (2.0, 0.015, 0.010, 0.025),
}


def slot_of(moment: datetime) -> int:
    return int(moment.timestamp()) // SLOT_SECONDS


def slot_start(slot: int) -> datetime:
    return datetime.fromtimestamp(slot * SLOT_SECONDS, tz=UTC)


def activity_at(moment: datetime) -> float:
    return HOURLY_ACTIVITY[moment.astimezone(AUDIENCE_TZ).hour]


def poisson(rng: random.Random, mean: float) -> int:
    if mean <= 0:
        return 0
    if mean > 30:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def create_world(
    *,
    workspace: Any = None,
    seed: int,
    name: str = "",
    personas: int = 300,
    brand_terms: list[str] | None = None,
    competitor_terms: list[str] | None = None,
    start: datetime,
) -> World:
    """A new world at ``start`` with an audience drawn from the seed."""
    rng = random.Random(f"{seed}:personas")  # noqa: S311 - a simulation, not security
    with transaction.atomic():
        world = World.objects.create(
            workspace=workspace,
            name=name or (workspace.name if workspace else "Sandbox"),
            seed=seed,
            brand_terms=brand_terms or ["示例品牌"],
            competitor_terms=competitor_terms or ["竞品甲"],
            simulated_until=slot_start(slot_of(start)),
            next_number=personas + 1,
            created_at=start,
        )
        rows = []
        for index in range(personas):
            spec = content.make_persona(rng, index)
            rows.append(
                Account(
                    world=world,
                    number=index + 1,
                    kind=AccountKind.PERSONA,
                    handle=spec.handle,
                    display_name=spec.display_name,
                    lang=spec.lang,
                    bio=spec.bio,
                    interests=spec.interests,
                    location=spec.location,
                    activity=spec.activity,
                    disposition=spec.disposition,
                    botness=spec.botness,
                    avatar_url="" if spec.botness > 0.5 else f"sandbox://avatars/{spec.handle}.png",
                    followers_count=rng.randrange(0, 2000) if spec.botness < 0.5 else 0,
                    following_count=rng.randrange(20, 800),
                    created_at=start - timedelta(days=rng.randrange(30, 3000)),
                )
            )
        Account.objects.bulk_create(rows)
    return world


def advance(world: World, *, until: datetime) -> int:
    """Step ``world`` to the last slot boundary at or before ``until``; the events created."""
    last = slot_of(until)
    if slot_of(world.simulated_until) >= last:  # already there: no lock, no query
        return 0
    with transaction.atomic():
        current = World.objects.select_for_update().get(pk=world.pk)
        first = slot_of(current.simulated_until)
        if first >= last:
            _copy_state(current, world)
            return 0
        first = max(first, last - int(MAX_CATCH_UP / SLOT))
        # Claim the span first: a second advance running at once finds nothing to do.
        claimed = World.objects.filter(
            pk=current.pk, simulated_until=current.simulated_until
        ).update(simulated_until=slot_start(last))
        if not claimed:
            return 0
        run = _Run(current)
        for slot in range(first, last):
            run.step(slot)
        created = run.save()
        World.objects.filter(pk=current.pk).update(next_number=run.next_number)
    world.refresh_from_db()
    return created


def _copy_state(source: World, target: World) -> None:
    target.simulated_until = source.simulated_until
    target.next_number = source.next_number


@dataclass
class _Event:
    at: datetime
    row: Post | Message | Follow


@dataclass
class _Run:
    """One advance: the world's state in memory, the events of each slot, one save at the end."""

    world: World
    personas: list[Account] = field(init=False)
    ours: list[Account] = field(init=False)
    live: list[Post] = field(init=False)
    next_number: int = field(init=False)
    events: list[_Event] = field(default_factory=list)
    reposted: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    followed: set[tuple[int, int]] = field(default_factory=set)

    def __post_init__(self) -> None:
        world = self.world
        accounts = list(Account.objects.filter(world=world).order_by("number"))
        self.personas = [a for a in accounts if a.kind == AccountKind.PERSONA]
        self.ours = [a for a in accounts if a.kind == AccountKind.OURS]
        self.by_id = {a.pk: a for a in accounts}
        self.audience_weights = _cumulative([a.activity for a in self.personas])
        self.giveaway_weights = _cumulative(
            [a.activity * (1 + 8 * a.botness) for a in self.personas]
        )
        self.live = list(
            Post.objects.filter(
                world=world,
                author__kind=AccountKind.OURS,
                deleted_at__isnull=True,
                repost_of__isnull=True,
                created_at__gt=world.simulated_until - LIVE_FOR,
            ).order_by("number")
        )
        for post in self.live:
            post.author = self.by_id[post.author_id]
        for original, author in Post.objects.filter(
            repost_of__in=[p.pk for p in self.live]
        ).values_list("repost_of_id", "author_id"):
            self.reposted[original].add(author)
        self.followed = set(
            Follow.objects.filter(followee__in=self.ours).values_list("follower_id", "followee_id")
        )
        self.next_number = world.next_number
        self.dirty: set[int] = set()
        self.dirty_accounts: set[int] = set()

    # ---- one slot ------------------------------------------------------------------------

    def step(self, slot: int) -> None:
        if not self.personas:
            return
        rng = random.Random(f"{self.world.seed}:{slot}")  # noqa: S311 - a simulation
        start = slot_start(slot)
        end = start + SLOT
        middle = start + SLOT / 2
        activity = activity_at(middle)
        pending: list[_Event] = []
        engagement: dict[int, float] = defaultdict(float)
        controversy = 0.0
        product_live = 0.0

        for post in self.live:
            if post.created_at >= end or post.created_at <= start - LIVE_FOR:
                continue
            age_hours = max(0.0, (middle - post.created_at).total_seconds() / 3600)
            decay = math.exp(-age_hours / 6)
            reach, like_rate, repost_rate, comment_rate = TOPIC_RATES[post.topic]
            followers = post.author.followers_count
            hourly = (0.14 * followers + 55) * reach * decay * activity
            seen = poisson(rng, hourly * SLOT_SECONDS / 3600)
            if not seen:
                continue
            earliest = max(start, post.created_at)
            likes = poisson(rng, seen * like_rate)
            reposts = poisson(rng, seen * repost_rate)
            comments = poisson(rng, seen * comment_rate)
            post.impressions += seen
            post.likes += likes
            if post.link:
                post.clicks += poisson(rng, seen * 0.02)
            self.dirty.add(post.pk)
            for _ in range(reposts):
                self._repost(rng, post, earliest, end, pending)
            for _ in range(comments):
                self._comment(rng, post, earliest, end, pending)
            engagement[post.author_id] += likes + 3 * reposts + 3 * comments
            if post.topic == "controversial":
                controversy += decay
            elif post.topic == "product":
                product_live += decay

        for account in self.ours:
            self._follow_growth(rng, account, engagement[account.pk], activity, start, pending)
            boost = engagement[account.pk]
            for _ in range(poisson(rng, (0.03 + 0.002 * boost) * activity)):
                self._mention(rng, account, start, end, pending)
            dm_rate = (0.015 + 0.001 * boost + 0.02 * product_live + 0.03 * controversy) * activity
            for _ in range(poisson(rng, dm_rate)):
                self._dm(rng, account, start, end, pending)

        for _ in range(poisson(rng, 0.9 * activity)):
            self._public_post(rng, start, end, pending, negative=False)
        for _ in range(poisson(rng, 2.5 * controversy * activity)):
            self._public_post(rng, start, end, pending, negative=True)

        pending.sort(key=lambda event: event.at)  # stable: ties keep their draw order
        for event in pending:
            if isinstance(event.row, Post | Message):
                event.row.number = self.next_number
                self.next_number += 1
        self.events.extend(pending)

    # ---- events --------------------------------------------------------------------------

    def _when(self, rng: random.Random, earliest: datetime, end: datetime) -> datetime:
        span = max(1, int((end - earliest).total_seconds()))
        return earliest + timedelta(seconds=rng.randint(1, span))

    def _persona(self, rng: random.Random, *, giveaway: bool = False) -> Account:
        weights = self.giveaway_weights if giveaway else self.audience_weights
        return rng.choices(self.personas, cum_weights=weights)[0]

    def _repost(
        self, rng: random.Random, post: Post, earliest: datetime, end: datetime, out: list[_Event]
    ) -> None:
        persona = self._persona(rng, giveaway=post.topic == "giveaway")
        post.reposts += 1
        if persona.pk in self.reposted[post.pk]:
            return  # an anonymous repost: counted, not listed
        self.reposted[post.pk].add(persona.pk)
        if persona.botness > 0.5 or rng.random() < 0.5:
            text = "转发微博" if persona.lang == "zh" else "Reposting"
        else:
            reaction = content.pick_reaction(rng, post.topic, persona.disposition)
            text = rng.choice(content.COMMENTS[persona.lang][reaction])
        at = self._when(rng, earliest, end)
        row = Post(
            world=self.world,
            author=persona,
            text=f"{text}//@{post.author.handle}: {post.text}"[:2000],
            repost_of=post,
            topic=post.topic,
            created_at=at,
        )
        out.append(_Event(at, row))

    def _comment(
        self, rng: random.Random, post: Post, earliest: datetime, end: datetime, out: list[_Event]
    ) -> None:
        persona = self._persona(rng, giveaway=post.topic == "giveaway")
        if post.topic == "giveaway" and persona.botness > 0.5:
            reaction, text = "neutral", rng.choice(content.BOT_COMMENTS[persona.lang])
        else:
            reaction = content.pick_reaction(rng, post.topic, persona.disposition)
            text = rng.choice(content.COMMENTS[persona.lang][reaction])
        post.comments += 1
        at = self._when(rng, earliest, end)
        row = Message(
            world=self.world,
            kind=MessageKind.COMMENT,
            author=persona,
            recipient=post.author,
            post=post,
            text=text,
            sentiment=content.SENTIMENT_OF[reaction],
            intent=content.INTENT_OF[reaction],
            created_at=at,
        )
        out.append(_Event(at, row))

    def _follow_growth(
        self,
        rng: random.Random,
        account: Account,
        engagement: float,
        activity: float,
        start: datetime,
        out: list[_Event],
    ) -> None:
        hourly = 0.002 * account.followers_count + 0.4
        new = poisson(rng, hourly * activity * SLOT_SECONDS / 3600 + 0.08 * engagement)
        for _ in range(new):
            account.followers_count += 1
            if rng.random() < 0.35:
                persona = self._persona(rng)
                if (persona.pk, account.pk) not in self.followed:
                    self.followed.add((persona.pk, account.pk))
                    at = self._when(rng, start, start + SLOT)
                    follow = Follow(
                        world=self.world, follower=persona, followee=account, created_at=at
                    )
                    out.append(_Event(at, follow))
        self.dirty_accounts.add(account.pk)

    def _mention(
        self,
        rng: random.Random,
        account: Account,
        start: datetime,
        end: datetime,
        out: list[_Event],
    ) -> None:
        persona = self._persona(rng)
        template = rng.choice(content.MENTION_TEMPLATES[persona.lang])
        text = template.format(handle=account.handle, brand=rng.choice(self.world.brand_terms))
        sentiment = "negative" if ("投诉" in text or "hasn't" in text) else "neutral"
        at = self._when(rng, start, end)
        public = Post(
            world=self.world, author=persona, text=text, sentiment=sentiment, created_at=at
        )
        out.append(_Event(at, public))
        row = Message(
            world=self.world,
            kind=MessageKind.MENTION,
            author=persona,
            recipient=account,
            post=public,
            text=text,
            sentiment=sentiment,
            intent="complaint" if sentiment == "negative" else "question",
            created_at=at,
        )
        out.append(_Event(at, row))

    def _dm(
        self,
        rng: random.Random,
        account: Account,
        start: datetime,
        end: datetime,
        out: list[_Event],
    ) -> None:
        persona = self._persona(rng)
        reaction = rng.choices(("question", "negative", "purchase", "positive"), (5, 3, 2, 1))[0]
        at = self._when(rng, start, end)
        row = Message(
            world=self.world,
            kind=MessageKind.DM,
            author=persona,
            recipient=account,
            text=rng.choice(content.DMS[persona.lang][reaction]),
            sentiment=content.SENTIMENT_OF[reaction],
            intent=content.INTENT_OF[reaction],
            created_at=at,
        )
        out.append(_Event(at, row))

    def _public_post(
        self,
        rng: random.Random,
        start: datetime,
        end: datetime,
        out: list[_Event],
        *,
        negative: bool,
    ) -> None:
        persona = self._persona(rng)
        templates = content.PUBLIC_POSTS[persona.lang]
        if negative:
            kind = "negative"
        else:
            kind = rng.choices(("interest", "brand", "competitor"), (45, 35, 20))[0]
            if kind != "interest":
                kind = content.pick_reaction(rng, "general", persona.disposition)
                kind = kind if kind in ("positive", "negative") else "neutral"
        text = rng.choice(templates[kind]).format(
            brand=rng.choice(self.world.brand_terms),
            competitor=rng.choice(self.world.competitor_terms),
            interest=rng.choice(persona.interests or ["生活"]),
        )
        at = self._when(rng, start, end)
        row = Post(
            world=self.world,
            author=persona,
            text=text,
            sentiment="" if kind == "interest" else kind,
            created_at=at,
        )
        out.append(_Event(at, row))

    # ---- saving ----------------------------------------------------------------------------

    def save(self) -> int:
        posts = [e.row for e in self.events if isinstance(e.row, Post)]
        Post.objects.bulk_create(posts, batch_size=500)
        messages = [e.row for e in self.events if isinstance(e.row, Message)]
        Message.objects.bulk_create(messages, batch_size=500)
        Follow.objects.bulk_create(
            [e.row for e in self.events if isinstance(e.row, Follow)], batch_size=500
        )
        Post.objects.bulk_update(
            [p for p in self.live if p.pk in self.dirty],
            ["impressions", "likes", "reposts", "comments", "clicks"],
        )
        Account.objects.bulk_update(
            [a for a in self.ours if a.pk in self.dirty_accounts],
            ["followers_count"],
        )
        return len(self.events)


def _cumulative(weights: list[float]) -> list[float]:
    total, out = 0.0, []
    for weight in weights:
        total += max(weight, 1e-6)
        out.append(total)
    return out
