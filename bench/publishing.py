"""Publishing benchmark: N posts due in one minute across M sandbox accounts, one worker.

    .venv/bin/python bench/publishing.py                      # SQLite, in a temporary directory
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/socialops_bench \\
        .venv/bin/python bench/publishing.py                  # PostgreSQL (database recreated)

It builds a fresh database, connects M sandbox accounts, writes N scheduled publications due
at instants spread evenly over one minute (--burst: all at the minute's first second), then
runs one worker's `run_once` loop in this process (with --concurrency threads) and reports
lateness (published_at − due_at) p50/p99/max and posts per second. Not part of `make test`.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import secrets
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))


def _environment(var_dir: Path) -> None:
    from cryptography.fernet import Fernet

    os.environ["SOCIALOPS_VAR_DIR"] = str(var_dir)
    os.environ.setdefault("SECRET_KEY", "bench-" + Fernet.generate_key().decode())
    os.environ.setdefault("CREDENTIALS_KEYS", Fernet.generate_key().decode())
    os.environ["DJANGO_SETTINGS_MODULE"] = "socialops.settings"
    os.environ.pop("REDIS_URL", None)


def _fresh_database() -> str:
    """Recreate the PostgreSQL database named in DATABASE_URL; '' on SQLite."""
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        return ""
    import psycopg

    name = url.rsplit("/", 1)[1].split("?")[0]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{name}"')
        db.execute(f'CREATE DATABASE "{name}"')
    return name


def _setup(posts: int, accounts: int) -> tuple[Any, list[Any]]:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    from socialops.accounts import actions as accounts_actions
    from socialops.accounts.models import Membership
    from socialops.accounts.queries import Access
    from socialops.channels.actions import connect_channel

    owner = accounts_actions.create_user(
        email="bench@example.com", password=secrets.token_urlsafe(16), name="Bench", via="system"
    )
    workspace = accounts_actions.create_workspace(actor=owner, name="Bench", slug="bench")
    membership = Membership.objects.get(workspace=workspace, user=owner)
    access = Access(workspace=workspace, membership=membership)
    first = connect_channel(
        access=access,
        connector="sandbox",
        fields={"display_name": "Bench 0", "handle": "bench_0"},
        platform="weibo",
    )
    return workspace, [first, *_more_channels(first, accounts - 1)]


def _more_channels(first: Any, count: int) -> list[Any]:
    """Accounts in the first one's world, registered directly: connect_channel also reads each
    profile and audits its facade, which makes set-up take minutes; none of it is measured."""
    from socialops.channels.actions import credentials_of
    from socialops.channels.actions.credentials import seal
    from socialops.channels.models import Channel
    from socialops.connectors.sandbox import network
    from socialops.connectors.sandbox.models import Account
    from socialops.core.clock import now

    world = Account.objects.get(pk=credentials_of(first)["account_id"]).world
    channels = []
    for n in range(1, count + 1):
        account = network.register_account(
            world, handle=f"bench_{n}", display_name=f"Bench {n}", followers=1000, at=now()
        )
        credentials = {"world": world.pk, "account_id": account.pk, "token": account.token}
        channels.append(
            Channel.objects.create(
                workspace=first.workspace,
                platform=first.platform,
                connector=first.connector,
                remote_id=str(account.number),
                handle=account.handle,
                display_name=account.display_name,
                credentials_ciphertext=seal(credentials),
                config=first.config,
            )
        )
    return channels


def _schedule(workspace: Any, channels: list[Any], posts: int, *, start: datetime, burst: bool):
    from socialops.content.models import Post, Variant
    from socialops.publishing.actions import new_key
    from socialops.publishing.models import Publication

    owner = workspace.memberships.first().user
    spacing = timedelta(0) if burst else timedelta(seconds=60) / posts
    due = [start + spacing * n for n in range(posts)]
    rows = Post.objects.bulk_create(
        Post(
            workspace=workspace,
            body=f"基准测试第{n}条 #{n}",
            state=Post.State.SCHEDULED,
            scheduled_at=due[n],
            created_by=owner,
        )
        for n in range(posts)
    )
    variants = Variant.objects.bulk_create(
        Variant(post=post, channel=channels[n % len(channels)], text=post.body)
        for n, post in enumerate(rows)
    )
    Publication.objects.bulk_create(
        (
            Publication(
                workspace=workspace,
                post=post,
                variant=variant,
                channel=variant.channel,
                due_at=due[n],
                not_before=due[n],
                idempotency_key=new_key(),
                request={"text": post.body, "media": [], "link": "", "first_comment": ""},
            )
            for n, (post, variant) in enumerate(zip(rows, variants, strict=True))
        ),
        batch_size=1000,
    )


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def run(
    posts: int, accounts: int, *, lead: float, burst: bool, batch: int, concurrency: int | None
) -> dict[str, Any]:
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    from socialops.core.clock import now
    from socialops.publishing.engine import Publisher
    from socialops.publishing.models import Publication

    started = time.monotonic()
    workspace, channels = _setup(posts, accounts)
    start = now() + timedelta(seconds=lead)
    _schedule(workspace, channels, posts, start=start, burst=burst)
    setup_seconds = time.monotonic() - started
    if concurrency is None:
        concurrency = settings.PUBLISH_CONCURRENCY
    publisher = Publisher(worker="bench", limit=batch, concurrency=concurrency)
    while now() < start:
        time.sleep(0.001)
    began = time.monotonic()
    deadline = began + 60 + posts / 10  # generous: a broken run still ends
    remaining = posts
    while remaining and time.monotonic() < deadline:
        if not publisher.run_once():
            time.sleep(0.01)
            remaining = Publication.objects.exclude(state="published").count()
    elapsed = time.monotonic() - began
    publisher.close()
    rows = list(Publication.objects.values_list("state", "due_at", "published_at"))
    published = [(due, at) for state, due, at in rows if state == "published" and at is not None]
    lateness = [(at - due).total_seconds() for due, at in published]
    last = max(at for _due, at in published)
    first_due = min(due for due, _at in published)
    return {
        "database": connection.vendor,
        "posts": posts,
        "accounts": accounts,
        "due": "all in the first second" if burst else "spread evenly over one minute",
        "batch": batch,
        "concurrency": concurrency,
        "published": len(published),
        "not_published": posts - len(published),
        "lateness_p50_s": round(statistics.median(lateness), 3),
        "lateness_p99_s": round(_percentile(lateness, 0.99), 3),
        "lateness_max_s": round(max(lateness), 3),
        "posts_per_s": round(len(published) / max((last - first_due).total_seconds(), 1e-9), 1),
        "run_seconds": round(elapsed, 1),
        "setup_seconds": round(setup_seconds, 1),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--accounts", type=int, default=1_000)
    parser.add_argument("--batch", type=int, default=50, help="rows per claim")
    parser.add_argument(
        "--concurrency", type=int, default=None, help="threads (default: PUBLISH_CONCURRENCY)"
    )
    parser.add_argument("--lead", type=float, default=3.0, help="seconds from set-up to the minute")
    parser.add_argument("--burst", action="store_true", help="every post due at the same second")
    parser.add_argument("--json", action="store_true", help="print the result as JSON only")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="socialops-bench-") as var_dir:
        _environment(Path(var_dir))
        _fresh_database()
        result = run(
            options.posts,
            options.accounts,
            lead=options.lead,
            burst=options.burst,
            batch=options.batch,
            concurrency=options.concurrency,
        )
    if options.json:
        print(json.dumps(result, ensure_ascii=False))
        return
    width = max(len(key) for key in result)
    for key, value in result.items():
        print(f"{key:<{width}}  {value}")


if __name__ == "__main__":
    main()
