"""`socialops listen replay`: a JSONL file through the whole listening pipeline."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import click

REPLAY_PREFIX = "replay:"


def read_queries(path: Path) -> dict[int, str]:
    """Queries one per line (blank lines and # comments skipped), by line number; a query that
    does not parse is a ClickException naming its line, with a caret under the error."""
    from .query import QuerySyntaxError, parse

    queries: dict[int, str] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        try:
            parse(text)
        except QuerySyntaxError as error:
            raise click.ClickException(f"{path}:{number}: {error}\n{error.caret()}") from error
        queries[number] = text
    if not queries:
        raise click.ClickException(f"{path}: no queries (one per line)")
    return queries


@click.command("replay")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--queries",
    "queries_file",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Queries, one per line (query language of docs/query-language.md); blank lines and "
    "lines starting with # are skipped.",
)
@click.option(
    "--workspace",
    "slug",
    help="Store into this workspace (by short name): mentions, minute counts, samples and "
    "alerts, as a source would. Each query becomes the workspace's query named "
    "'replay:<line number>' (created, or updated when its text changed), and the file is read "
    "by a 'replay:<file name>' source. Without it nothing is stored: counts are kept in memory "
    "and no database is needed.",
)
@click.option("--limit", type=int, default=0, help="Read at most this many lines (0: all).")
@click.option(
    "--no-classify",
    is_flag=True,
    help="Skip sentiment/intent classification of the matched posts (faster).",
)
@click.option("--batch-size", type=int, default=2000, show_default=True, help="Posts per flush.")
def replay(
    file: Path, queries_file: Path, slug: str | None, limit: int, no_classify: bool, batch_size: int
) -> None:
    """Replay FILE (JSONL, plain or .gz) through the listening pipeline.

    Each line is a JSON object with at least "text"; optional "time" (ISO 8601, UTC when it has
    no offset; now when missing), "id" (else the line number), "author" (a string, or an object
    with "uid"/"name"/"screen_name"), "platform" (default "replay"), "url", "lang". Broken lines
    are counted and reported, never fatal.

    Prints texts read per second, matched posts per second, broken lines, and the number of
    mentions counted per query (most first).
    """
    from socialops.cli import _django

    _django()
    from .pipeline import Pipeline
    from .replay import ReplayError, read_jsonl
    from .store import MemoryStore

    queries = read_queries(queries_file)
    names: dict[int, str] = {}
    store: Any = None
    workspace_id = 0
    source = None
    if slug:
        workspace_id, source, ids = _setup_workspace(slug, queries, file)
        names = {ids[number]: queries[number] for number in queries}
        pipe = Pipeline(batch_size=batch_size, classify=not no_classify, max_delay=None)
    else:
        store = MemoryStore()
        names = dict(queries)
        pipe = Pipeline(
            store=store,
            batch_size=batch_size,
            classify=not no_classify,
            max_delay=None,
            queries=queries,
        )
    broken: list[ReplayError] = []
    lines = 0
    started = time.perf_counter()
    for item, cursor in read_jsonl(file):
        lines = cursor
        if isinstance(item, ReplayError):
            broken.append(item)
        else:
            pipe.add(item, source=source, workspace_id=workspace_id)
        if limit and cursor >= limit:
            break
    pipe.flush()
    seconds = max(time.perf_counter() - started, 1e-9)
    stats = pipe.stats
    if source is not None:
        source.cursor = str(lines)
        source.skipped_total += len(broken)
        source.save(update_fields=["cursor", "skipped_total"])
    click.echo(
        f"read {stats.read:,} posts in {seconds:.1f} s: {stats.read / seconds:,.0f} texts/s; "
        f"matched {stats.matched:,} ({stats.matched / seconds:,.0f} matched posts/s); "
        f"new mentions {stats.stored:,}, copies {stats.duplicates:,}, alerts {stats.alerts:,}"
    )
    click.echo(f"broken lines: {len(broken):,}")
    for error in broken[:10]:
        click.echo(f"  {error}")
    if len(broken) > 10:
        click.echo(f"  … and {len(broken) - 10:,} more")
    ranked = sorted(names, key=lambda key: (-stats.per_query.get(key, 0), str(key)))
    for key in ranked:
        click.echo(f"{stats.per_query.get(key, 0):>10,}  {names[key]}")


def _setup_workspace(
    slug: str, queries: dict[int, str], file: Path
) -> tuple[int, Any, dict[int, int]]:
    """The workspace's replay queries and source, created or updated (audited)."""
    from django.db import transaction

    from socialops.accounts.models import Workspace
    from socialops.core import audit
    from socialops.core.clock import now

    from .models import ListeningQuery, Source, SourceKind

    workspace = Workspace.objects.filter(slug=slug).first()
    if workspace is None:
        raise click.ClickException(f"no workspace {slug!r}")
    ids: dict[int, int] = {}
    with transaction.atomic():
        for number, text in queries.items():
            name = f"{REPLAY_PREFIX}{number}"
            row = ListeningQuery.objects.filter(workspace=workspace, name=name).first()
            if row is None:
                row = ListeningQuery.objects.create(workspace=workspace, name=name, text=text)
                audit.record(
                    action="listening.query_created",
                    workspace=workspace,
                    target=row,
                    after={"text": text},
                    actor_label="socialops listen replay",
                )
            elif row.text != text or not row.active:
                before = {"text": row.text, "active": row.active}
                row.text, row.active, row.version = text, True, row.version + 1
                row.updated_at = now()
                row.save(update_fields=["text", "active", "version", "updated_at"])
                audit.record(
                    action="listening.query_updated",
                    workspace=workspace,
                    target=row,
                    before=before,
                    after={"text": text, "active": True},
                    actor_label="socialops listen replay",
                )
            ids[number] = row.pk
        source, _ = Source.objects.get_or_create(
            workspace=workspace,
            name=f"{REPLAY_PREFIX}{file.name}"[:80],
            defaults={"kind": SourceKind.REPLAY, "config": {"path": str(file)}, "enabled": False},
        )
    return workspace.pk, source, ids
