"""`socialops listen run` and `socialops listen sources`: the listener from the command line."""

from __future__ import annotations

import signal
import threading

import click


@click.command("run")
@click.option("--once", is_flag=True, help="Read each source once (one budget), then exit.")
@click.option("--source", "source_id", type=int, default=None, help="Only this source (its id).")
@click.option(
    "--budget",
    type=click.FloatRange(min=0.1),
    default=20.0,
    show_default=True,
    help="Seconds each source is read per turn.",
)
def run(once: bool, source_id: int | None, budget: float) -> None:
    """Read the enabled sources into the listening pipeline until stopped (SIGTERM/SIGINT stop
    cleanly: what was read is stored and the cursors saved)."""
    from socialops.cli import _django

    _django()
    from socialops.listening.loop import Listener
    from socialops.listening.models import Source

    if source_id is not None and not Source.objects.filter(pk=source_id).exists():
        raise click.BadParameter(f"no source {source_id}", param_hint="--source")
    stop = threading.Event()

    def on_signal(signum: int, _frame: object) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
    listener = Listener(stop=stop, source_id=source_id, stream_budget=budget, poll_budget=budget)
    click.echo("listener ready", err=True)
    try:
        if once:
            for result in listener.run_once(force=True):
                click.echo(
                    f"source {result.source_id}: read {result.read}, matched {result.matched}, "
                    f"skipped {result.skipped_items}, cursor {result.cursor or '-'}"
                    + (" (finished)" if result.finished else "")
                    + (f"  error: {result.error}" if result.error else "")
                )
        else:
            listener.run_forever()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


@click.command("sources")
@click.option("--workspace", "slug", default=None, help="Only this workspace's (its slug).")
def sources(slug: str | None) -> None:
    """List the sources: state, cursor, counters, last error."""
    from socialops.cli import _django

    _django()
    from socialops.core.clock import now
    from socialops.listening.models import Source

    rows = Source.objects.select_related("workspace").order_by("workspace__slug", "name", "pk")
    if slug:
        rows = rows.filter(workspace__slug=slug)
    if not rows:
        click.echo("no sources")
        return
    at = now()
    for row in rows:
        cursor = row.cursor if len(row.cursor) <= 40 else row.cursor[:37] + "..."
        state = str(row.state)
        if row.state == Source.State.RUNNING and (
            row.locked_until is None or row.locked_until < at
        ):
            state += " (its runner stopped; the next run takes over)"
        elif row.state == Source.State.ERROR and row.locked_until and row.locked_until > at:
            state += f" (retried after {row.locked_until:%H:%M:%S})"
        click.echo(
            f"{row.pk:>4}  {row.workspace.slug}  {row.name}  [{row.kind}]"
            f"  {'enabled' if row.enabled else 'disabled'}  {state}"
            f"  read {row.read_total}  matched {row.matched_total}  skipped {row.skipped_total}"
            f"  cursor {cursor or '-'}"
            + (f"  last read {row.last_read_at:%Y-%m-%d %H:%M:%S}" if row.last_read_at else "")
        )
        if row.last_error:
            click.echo(f"      last error: {row.last_error}")
