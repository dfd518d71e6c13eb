"""Inbox ingestion benchmark: N sandbox comments, mentions and DMs synced into the inbox.

    .venv/bin/python bench/inbox_ingest.py                    # SQLite, 100,000 messages
    .venv/bin/python bench/inbox_ingest.py --quick            # 2,000 messages, a smoke run
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/socialops_bench \\
        .venv/bin/python bench/inbox_ingest.py --messages 10000  # PostgreSQL (database recreated)

It builds a fresh database, connects one sandbox account, writes N messages to it straight into
the simulated network's tables (bulk_create: 60 % comments under 50 posts of ours, 15 % mentions,
25 % DMs, from the world's 300 personas, texts from the sandbox's own lexicon), then times
`inbox.ingest.sync_channel` until the account's inbox is empty: every message fetched page by
page, deduplicated, threaded, classified (with the classifier installed in socialops.classify),
linked to contacts and counted, each page committed with its cursor. A second pass with the
cursor reset measures the dedupe path (every message already held). Not part of `make test`.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
sys.path.insert(0, str(BASE_DIR / "bench"))

from publishing import _environment, _fresh_database  # noqa: E402 - after the path is set

SHARES = (("comment", 60), ("mention", 15), ("dm", 25))
OUR_POSTS = 50


def _setup() -> Any:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    import secrets

    from socialops.accounts import actions as accounts_actions
    from socialops.accounts.models import Membership
    from socialops.accounts.queries import Access
    from socialops.channels.actions import connect_channel

    owner = accounts_actions.create_user(
        email="bench@example.com", password=secrets.token_urlsafe(16), name="Bench", via="system"
    )
    workspace = accounts_actions.create_workspace(actor=owner, name="Bench", slug="bench")
    membership = Membership.objects.get(workspace=workspace, user=owner)
    return connect_channel(
        access=Access(workspace=workspace, membership=membership),
        connector="sandbox",
        fields={"display_name": "Bench help", "handle": "bench_help"},
        platform="weibo",
    )


def _fill(channel: Any, messages: int, *, seed: int = 5) -> dict[str, int]:
    """N audience messages to the account, oldest a week ago; the world frozen after them."""
    from socialops.channels.actions import credentials_of
    from socialops.connectors.sandbox import content
    from socialops.connectors.sandbox.models import Account, AccountKind, Message, Post, World
    from socialops.core.clock import now

    rng = random.Random(seed)  # noqa: S311 - test data
    ours = Account.objects.select_related("world").get(pk=credentials_of(channel)["account_id"])
    world = ours.world
    personas = list(Account.objects.filter(world=world, kind=AccountKind.PERSONA))
    start = now() - timedelta(days=7)
    step = timedelta(days=7) / max(messages, 1)
    number = world.next_number
    posts = []
    for n in range(OUR_POSTS):
        posts.append(
            Post(
                world=world,
                number=number,
                author=ours,
                text=f"示例品牌第{n}条微博",
                created_at=start - timedelta(hours=1),
            )
        )
        number += 1
    Post.objects.bulk_create(posts, batch_size=1000)
    kinds = [kind for kind, share in SHARES for _ in range(share)]
    counts = {kind: 0 for kind, _share in SHARES}
    batch: list[Message] = []
    public: list[Post] = []
    for n in range(messages):
        kind = rng.choice(kinds)
        persona = rng.choice(personas)
        lang = persona.lang if persona.lang in content.COMMENTS else "zh"
        at = start + step * n
        post = None
        if kind == "comment":
            reaction = rng.choice(content.REACTIONS)
            text = rng.choice(content.COMMENTS[lang][reaction])
            post = rng.choice(posts)
        elif kind == "mention":
            template = rng.choice(content.MENTION_TEMPLATES[lang])
            text = template.format(handle=ours.handle, brand="示例品牌")
            post = Post(world=world, number=number, author=persona, text=text, created_at=at)
            number += 1
            public.append(post)
        else:
            reaction = rng.choice(("question", "negative", "purchase", "positive"))
            text = rng.choice(content.DMS[lang][reaction])
        counts[kind] += 1
        batch.append(
            Message(
                world=world,
                number=number,
                kind=kind,
                author=persona,
                recipient=ours,
                post=post,
                text=text,
                created_at=at,
            )
        )
        number += 1
        if len(batch) >= 5000:
            Post.objects.bulk_create(public, batch_size=1000)
            Message.objects.bulk_create(batch, batch_size=1000)
            batch, public = [], []
    Post.objects.bulk_create(public, batch_size=1000)
    Message.objects.bulk_create(batch, batch_size=1000)
    # The world stands still for the run: no simulated audience adds to what is measured.
    World.objects.filter(pk=world.pk).update(
        next_number=number, simulated_until=now() + timedelta(days=1)
    )
    return counts


def _drain(channel: Any) -> tuple[float, dict[str, int]]:
    from socialops.inbox.ingest import sync_channel

    totals = {"pages": 0, "fetched": 0, "stored": 0, "conversations": 0, "duplicates": 0}
    began = time.monotonic()
    while True:
        result = sync_channel(channel, limit_pages=100)
        if result.error:
            raise SystemExit(f"sync failed: {result.error}")
        for key in totals:
            totals[key] += getattr(result, key)
        if not result.has_more:
            break
    return time.monotonic() - began, totals


def _without_hooks() -> None:
    """The SLA and assignment hooks as no-ops: what ingestion itself costs."""
    from socialops.inbox import assignment
    from socialops.sla import hooks

    for name in ("on_inbound", "on_status_changed", "on_priority_changed"):
        setattr(hooks, name, lambda *args, **kwargs: None)
    assignment.assign_on_arrival = lambda conversation: None


def run(messages: int, *, dedupe: bool, hooks: bool = True) -> dict[str, Any]:
    import django

    django.setup()
    if not hooks:
        _without_hooks()
    from django.db import connection

    from socialops import classify
    from socialops.inbox.models import Conversation, Message, SyncCursor

    started = time.monotonic()
    channel = _setup()
    counts = _fill(channel, messages)
    setup_seconds = time.monotonic() - started
    seconds, totals = _drain(channel)
    stored = Message.objects.filter(channel=channel).count()
    result: dict[str, Any] = {
        "database": connection.vendor,
        "messages": messages,
        "mix": ", ".join(f"{kind} {count}" for kind, count in counts.items()),
        "classifier": type(classify._current).__name__,
        "sla_and_assignment_hooks": "on" if hooks else "off (no-ops)",
        "stored": stored,
        "conversations": Conversation.objects.filter(channel=channel).count(),
        "pages": totals["pages"],
        "ingest_seconds": round(seconds, 1),
        "messages_per_s": round(totals["stored"] / max(seconds, 1e-9), 1),
    }
    if dedupe:
        SyncCursor.objects.filter(channel=channel).update(cursor="")
        again, totals = _drain(channel)
        result["resync_seconds"] = round(again, 1)
        result["resync_duplicates_per_s"] = round(totals["duplicates"] / max(again, 1e-9), 1)
        result["resync_stored"] = totals["stored"]
    result["setup_seconds"] = round(setup_seconds, 1)
    result["machine"] = (
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--quick", action="store_true", help="2,000 messages, no dedupe pass")
    parser.add_argument("--no-dedupe", action="store_true", help="skip the second pass")
    parser.add_argument(
        "--no-hooks", action="store_true", help="SLA and assignment hooks as no-ops"
    )
    parser.add_argument("--json", action="store_true", help="print the result as JSON only")
    options = parser.parse_args()
    messages = 2_000 if options.quick else options.messages
    with tempfile.TemporaryDirectory(prefix="socialops-bench-") as var_dir:
        _environment(Path(var_dir))
        _fresh_database()
        result = run(
            messages, dedupe=not (options.quick or options.no_dedupe), hooks=not options.no_hooks
        )
    if options.json:
        print(json.dumps(result, ensure_ascii=False))
        return
    width = max(len(key) for key in result)
    for key, value in result.items():
        print(f"{key:<{width}}  {value}")


if __name__ == "__main__":
    main()
