"""Inbox API benchmark: the conversation list and one conversation, 50 clients, a real server.

    .venv/bin/python bench/inbox_api.py --messages 200000            # SQLite, temporary directory
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/socialops_bench \\
        .venv/bin/python bench/inbox_api.py --messages 1000000        # PostgreSQL (recreated)

It builds a fresh database holding one workspace with 20 accounts, 5 agents and N messages in
N/5 conversations (comments, mentions and DMs; open, pending and resolved; Chinese texts), starts
`socialops serve` (gunicorn, no worker) on a free port, then runs C concurrent clients for D
seconds, each choosing at random: the default list, a filtered list (status, kind, assignee,
account, priority), the next page of a list, or one conversation with its messages. It prints
p50/p95/p99 latency per request kind and overall, and requests per second. Not part of
`make test`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

CHANNELS = 20
AGENTS = 5
PER_CONVERSATION = 5
WORDS = (
    "发货 太慢了 客服 怎么 退款 新品 什么时候 上市 喜欢 支持 质量 问题 价格 优惠 活动 链接 "
    "下单 物流 包装 颜色 尺码 售后 换货 好评 差评 谢谢 请问 门店 会员 积分 抽奖 转发"
).split()


def _environment(var_dir: Path) -> dict[str, str]:
    from cryptography.fernet import Fernet

    os.environ["SOCIALOPS_VAR_DIR"] = str(var_dir)
    os.environ.setdefault("SECRET_KEY", "bench-" + Fernet.generate_key().decode())
    os.environ.setdefault("CREDENTIALS_KEYS", Fernet.generate_key().decode())
    os.environ["DJANGO_SETTINGS_MODULE"] = "socialops.settings"
    os.environ.pop("REDIS_URL", None)
    return dict(os.environ)


def _fresh_database() -> None:
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        return
    import psycopg

    name = url.rsplit("/", 1)[1].split("?")[0]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        db.execute(f'CREATE DATABASE "{name}"')


def _text(rng: random.Random) -> str:
    return "".join(rng.choice(WORDS) for _ in range(rng.randint(4, 14))) + rng.choice("。？！")


def load(messages: int, *, seed: int = 7) -> dict[str, Any]:
    """The workspace, its token and the ids the clients pick from."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    call_command("migrate", interactive=False, verbosity=0)
    from socialops.accounts import actions as accounts_actions
    from socialops.accounts.models import Membership
    from socialops.accounts.queries import Access
    from socialops.accounts.roles import Role
    from socialops.channels.models import Channel
    from socialops.core.clock import now
    from socialops.inbox.models import Conversation, Kind, Message

    rng = random.Random(seed)  # noqa: S311 - repeatable data, not secrets
    owner = accounts_actions.create_user(
        email="bench@example.com", password=secrets.token_urlsafe(16), name="Bench", via="system"
    )
    workspace = accounts_actions.create_workspace(actor=owner, name="Bench", slug="bench")
    agents = [owner]
    for n in range(AGENTS - 1):
        user = accounts_actions.create_user(
            email=f"agent{n}@example.com", password=secrets.token_urlsafe(16), name=f"坐席{n}"
        )
        Membership.objects.create(workspace=workspace, user=user, role=Role.AGENT)
        agents.append(user)
    membership = Membership.objects.get(workspace=workspace, user=owner)
    _token, raw = accounts_actions.create_api_token(
        access=Access(workspace=workspace, membership=membership), name="bench"
    )
    channels = Channel.objects.bulk_create(
        Channel(
            workspace=workspace,
            platform="weibo",
            connector="sandbox",
            remote_id=str(1000 + n),
            handle=f"brand_{n}",
            display_name=f"品牌账号{n}",
        )
        for n in range(CHANNELS)
    )
    kinds = [Kind.COMMENT] * 6 + [Kind.MENTION] * 2 + [Kind.DM] * 2
    statuses = ["open"] * 3 + ["pending"] + ["resolved"] * 6
    sentiments = ["positive", "neutral", "neutral", "negative"]
    intents = ["question", "complaint", "praise", "other", "other", "purchase"]
    start = now() - timedelta(days=90)
    span = 90 * 86400
    conversations = max(1, messages // PER_CONVERSATION)
    batch = 2000
    made = 0
    number = 0
    while made < conversations:
        size = min(batch, conversations - made)
        rows = []
        for n in range(made, made + size):
            author = rng.randint(1, conversations // 3 + 1)
            first_at = start + timedelta(seconds=span * n / conversations)
            rows.append(
                Conversation(
                    workspace=workspace,
                    channel=channels[n % CHANNELS],
                    kind=rng.choice(kinds),
                    thread_key=f"t{n}",
                    status=rng.choice(statuses),
                    priority=rng.choice([0, 1, 1, 1, 2, 3]),
                    assignee=rng.choice([None, *agents]),
                    author_remote_id=f"u{author}",
                    author_handle=f"user_{author}",
                    author_name=f"网友{author}",
                    sentiment=rng.choice(sentiments),
                    intent=rng.choice(intents),
                    preview=_text(rng)[:200],
                    message_count=PER_CONVERSATION,
                    unanswered=rng.random() < 0.3,
                    last_message_at=first_at + timedelta(minutes=PER_CONVERSATION * 7),
                    last_inbound_at=first_at,
                    created_at=first_at,
                    updated_at=first_at,
                )
            )
        with transaction.atomic():
            Conversation.objects.bulk_create(rows)
            saved = list(
                Conversation.objects.filter(thread_key__in=[row.thread_key for row in rows])
                .order_by("id")
                .values_list("id", "channel_id", "author_remote_id", "created_at")
            )
            texts = []
            for conversation_id, channel_id, author_id, first_at in saved:
                for k in range(PER_CONVERSATION):
                    inbound = k % 2 == 0
                    number += 1
                    texts.append(
                        Message(
                            workspace=workspace,
                            conversation_id=conversation_id,
                            channel_id=channel_id,
                            direction="in" if inbound else "out",
                            remote_id=f"m{number}",
                            author_remote_id=author_id if inbound else "brand",
                            author_handle=author_id,
                            text=_text(rng),
                            created_at=first_at + timedelta(minutes=7 * k),
                            send_state="received" if inbound else "sent",
                        )
                    )
            Message.objects.bulk_create(texts, batch_size=5000)
        made += size
        print(f"\r  loaded {made * PER_CONVERSATION:,} messages", end="", file=sys.stderr)
    print(file=sys.stderr)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    ids = list(Conversation.objects.values_list("id", flat=True))
    return {
        "token": raw,
        "conversation_ids": ids,
        "channel_ids": [channel.pk for channel in channels],
        "agent_ids": [agent.pk for agent in agents],
        "vendor": connection.vendor,
    }


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _serve(env: dict[str, str], port: int, workers: int) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(  # noqa: S603 - our own interpreter and fixed arguments
        [
            sys.executable,
            "-m",
            "socialops.cli",
            "serve",
            "--no-worker",
            "--workers",
            str(workers),
            "--port",
            str(port),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    import httpx

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("the server did not answer /healthz within 60 s")


def _requests(data: dict[str, Any], rng: random.Random) -> tuple[str, str]:
    """One request a client makes: (kind, path)."""
    roll = rng.random()
    base = "/api/v1/inbox/conversations"
    if roll < 0.30:
        return "list", base
    if roll < 0.55:
        filters = [
            f"status={rng.choice(['open', 'pending', 'resolved'])}",
            f"kind={rng.choice(['comment', 'mention', 'dm'])}",
            f"assignee={rng.choice(data['agent_ids'])}",
            f"channel={rng.choice(data['channel_ids'])}",
            f"priority={rng.choice([2, 3])}",
        ]
        return "list_filtered", f"{base}?{rng.choice(filters)}"
    if roll < 0.65:
        return "list_page", base  # the client follows the returned cursor
    conversation = rng.choice(data["conversation_ids"])
    return "conversation", f"{base}/{conversation}"


async def _client(
    port: int, data: dict[str, Any], until: float, seed: int, results: dict[str, list[float]]
) -> None:
    import httpx

    rng = random.Random(seed)  # noqa: S311 - repeatable data, not secrets
    headers = {"Authorization": f"Bearer {data['token']}"}
    async with httpx.AsyncClient(
        base_url=f"http://127.0.0.1:{port}", headers=headers, timeout=30
    ) as client:
        while time.monotonic() < until:
            kind, path = _requests(data, rng)
            began = time.monotonic()
            response = await client.get(path)
            if kind == "list_page" and response.status_code == 200:
                following = response.json().get("next")
                if following:
                    response = await client.get(following)
            elapsed = time.monotonic() - began
            if response.status_code != 200:
                results.setdefault("errors", []).append(float(response.status_code))
                continue
            results.setdefault(kind, []).append(elapsed)


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure(port: int, data: dict[str, Any], *, clients: int, seconds: float) -> dict[str, Any]:
    import logging

    logging.getLogger("httpx").setLevel(logging.WARNING)  # a log line per request costs CPU
    results: dict[str, list[float]] = {}
    until = time.monotonic() + seconds

    async def main() -> None:
        await asyncio.gather(*(_client(port, data, until, n, results) for n in range(clients)))

    began = time.monotonic()
    asyncio.run(main())
    elapsed = time.monotonic() - began
    errors = results.pop("errors", [])
    everything = [value for values in results.values() for value in values]
    summary: dict[str, Any] = {}
    for kind, values in sorted(results.items()):
        summary[kind] = {
            "n": len(values),
            "p50_ms": round(statistics.median(values) * 1000, 1),
            "p95_ms": round(_percentile(values, 0.95) * 1000, 1),
        }
    summary["all"] = {
        "n": len(everything),
        "p50_ms": round(statistics.median(everything) * 1000, 1),
        "p95_ms": round(_percentile(everything, 0.95) * 1000, 1),
        "p99_ms": round(_percentile(everything, 0.99) * 1000, 1),
        "requests_per_s": round(len(everything) / elapsed, 1),
        "errors": len(errors),
    }
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=200_000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--json", action="store_true", help="print the result as JSON only")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="socialops-bench-") as var_dir:
        env = _environment(Path(var_dir))
        _fresh_database()
        loading = time.monotonic()
        data = load(options.messages)
        load_seconds = time.monotonic() - loading
        port = _free_port()
        server = _serve(env, port, options.workers)
        try:
            measure(port, data, clients=5, seconds=3)  # warm the workers' caches
            summary = measure(port, data, clients=options.clients, seconds=options.seconds)
        finally:
            server.terminate()
            server.wait(timeout=30)
    result = {
        "database": data["vendor"],
        "messages": options.messages,
        "conversations": len(data["conversation_ids"]),
        "clients": options.clients,
        "seconds": options.seconds,
        "gunicorn_workers": options.workers,
        "load_seconds": round(load_seconds, 1),
        **summary,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}",
    }
    if options.json:
        print(json.dumps(result, ensure_ascii=False))
        return
    width = max(len(key) for key in result)
    for key, value in result.items():
        print(f"{key:<{width}}  {value}")


if __name__ == "__main__":
    main()
