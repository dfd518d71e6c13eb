"""The demo's inbox: its sandbox accounts synced once, so a fresh start shows conversations.

The demo world's history is simulated before the demo accounts exist, so its audience has never
written to them; until it has, a small backlog of mentions and DMs from the last two days is
written into the simulated network first (deterministic: drawn from the world's seed, in the
sandbox's own words). After this, the periodic sync (inbox.tasks.sync_inboxes) keeps the inbox
filling as the simulated audience writes.
"""

from __future__ import annotations

import random
from datetime import timedelta

from socialops.accounts.models import Workspace
from socialops.channels.models import Channel

from .ingest import sync_channel

DEMO_PAGES = 200
BACKLOG = 12  # messages per account
BACKLOG_SPAN = timedelta(hours=48)


def load_demo_inbox(workspace: Workspace) -> int:
    """Sync the workspace's connected sandbox accounts; how many messages arrived."""
    channels = list(
        Channel.objects.filter(
            workspace=workspace, connector="sandbox", status=Channel.Status.CONNECTED
        ).order_by("pk")
    )
    for channel in channels:
        _backlog(channel)
    return sum(sync_channel(channel, limit_pages=DEMO_PAGES).stored for channel in channels)


def _backlog(channel: Channel) -> int:
    """Mentions and DMs to an account nobody in its world has written to yet; how many."""
    from socialops.channels.actions import credentials_of
    from socialops.connectors.sandbox import content, network
    from socialops.connectors.sandbox.models import Account, AccountKind, Message, Post

    account_id = int(credentials_of(channel).get("account_id") or 0)
    ours = Account.objects.select_related("world").filter(pk=account_id).first()
    if ours is None or Message.objects.filter(recipient=ours).exclude(author=ours).exists():
        return 0
    world = ours.world
    personas = list(
        Account.objects.filter(world=world, kind=AccountKind.PERSONA, botness__lt=0.5).order_by(
            "number"
        )
    )
    if not personas:
        return 0
    rng = random.Random(f"{world.seed}:demo-inbox:{ours.number}")  # noqa: S311 - demo data
    until = world.simulated_until
    for _ in range(BACKLOG):
        persona = rng.choice(personas)
        lang = persona.lang if persona.lang in content.DMS else "zh"
        at = until - timedelta(seconds=rng.randint(60, int(BACKLOG_SPAN.total_seconds())))
        if rng.random() < 0.4:
            text = rng.choice(content.MENTION_TEMPLATES[lang]).format(
                handle=ours.handle, brand=rng.choice(world.brand_terms or ["示例品牌"])
            )
            post = Post.objects.create(
                world=world,
                number=network._numbers(world),
                author=persona,
                text=text,
                created_at=at,
            )
            kind = "mention"
        else:
            reaction = rng.choices(("question", "negative", "purchase", "positive"), (5, 3, 2, 1))
            text = rng.choice(content.DMS[lang][reaction[0]])
            post, kind = None, "dm"
        Message.objects.create(
            world=world,
            number=network._numbers(world),
            kind=kind,
            author=persona,
            recipient=ours,
            post=post,
            text=text,
            created_at=at,
        )
    return BACKLOG
