"""`socialops inbox …`: the inbox from the command line."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from socialops.channels.models import Channel
    from socialops.inbox.ingest import SyncResult


@click.group()
def inbox() -> None:
    """The unified inbox: sync comments, mentions and DMs."""


@inbox.command()
@click.option("--channel", "channel_ids", type=int, multiple=True, help="Account id (repeatable).")
@click.option("--all", "all_", is_flag=True, help="Every connected account with an inbox.")
@click.option("--workspace", default="", help="Only this workspace's accounts (short name).")
@click.option(
    "--pages",
    default=20,
    show_default=True,
    type=click.IntRange(1, 100_000),
    help="At most this many pages per account.",
)
def sync(channel_ids: tuple[int, ...], all_: bool, workspace: str, pages: int) -> None:
    """Fetch new comments, mentions and DMs now and print what arrived."""
    from socialops.cli import _django

    _django()
    from socialops.accounts.models import Workspace
    from socialops.channels.models import Channel
    from socialops.inbox import ingest

    if bool(channel_ids) == all_:
        raise click.UsageError("Give --channel ID (one or more) or --all.")
    scope = None
    if workspace:
        scope = Workspace.objects.filter(slug=workspace).first()
        if scope is None:
            raise click.UsageError(f"No workspace {workspace!r}.")
    if all_:
        channels = ingest.syncable_channels(scope)
    else:
        found = {c.pk: c for c in Channel.objects.filter(pk__in=channel_ids)}
        missing = [str(pk) for pk in channel_ids if pk not in found]
        if missing:
            raise click.UsageError(f"No account {', '.join(missing)}.")
        channels = [found[pk] for pk in channel_ids]
    failed = False
    for channel in channels:
        result = ingest.sync_channel(channel, limit_pages=pages)
        failed |= bool(result.error)
        click.echo(f"{_name(channel)}: {_summary(result)}")
    if not channels:
        click.echo("no connected account with an inbox")
    if failed:
        raise SystemExit(1)


def _name(channel: Channel) -> str:
    who = channel.handle or channel.remote_id
    return f"account {channel.pk} ({channel.connector} @{who})"


def _summary(result: SyncResult) -> str:
    if result.skipped and not result.pages:
        return "skipped (not connected, no inbox, rate limited, or another sync is running)"
    text = (
        f"fetched {result.fetched} in {result.pages} page(s), {result.stored} new message(s), "
        f"{result.conversations} new conversation(s), {result.duplicates} already held"
    )
    if result.unplaced:
        text += f", {result.unplaced} of our own not placed"
    if result.has_more:
        text += "; more waiting (raise --pages)"
    if result.error:
        text += f"; error: {result.error}"
    return text
