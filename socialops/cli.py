"""The `socialops` command: set-up, serving, the worker and administration."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import click

BASE_DIR = Path(__file__).resolve().parent.parent


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "socialops.settings")
    import django

    django.setup()


def _call(name: str, *args: Any, **options: Any) -> None:
    _django()
    from django.core.management import call_command

    call_command(name, *args, **options)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """SocialOps: run a company's official social media accounts from one place."""


@main.command()
def init() -> None:
    """Generate SECRET_KEY and the credential key into var/ unless they exist or are set."""
    from socialops.core import secrets
    from socialops.core.env import env_str

    var_dir = Path(env_str("SOCIALOPS_VAR_DIR", str(BASE_DIR / "var")))
    secrets.secret_key(env_value=env_str("SECRET_KEY"), var_dir=var_dir, debug=False, generate=True)
    secrets.credential_keys(
        env_value=env_str("CREDENTIALS_KEYS"), var_dir=var_dir, debug=False, generate=True
    )
    click.echo(f"secrets ready in {var_dir} (environment variables take precedence)")


@main.command()
@click.option("--check", is_flag=True, help="Exit non-zero if a migration is missing.")
def migrate(check: bool) -> None:
    """Create or upgrade the database schema."""
    if check:
        _call("makemigrations", check=True, dry_run=True)
    _call("migrate", interactive=False)


@main.command()
def compilemessages() -> None:
    """Compile the translation catalogues (.po → .mo) with Babel; no gettext needed."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po_path in sorted((BASE_DIR / "socialops").glob("**/locale/*/LC_MESSAGES/*.po")):
        with po_path.open("rb") as handle:
            # the locale from the path: without it Babel leaves out Plural-Forms, and gettext
            # then picks plural forms that Chinese catalogues do not have (English shows)
            catalog = read_po(handle)
        catalog.locale = po_path.parent.parent.name  # type: ignore[assignment]
        with po_path.with_suffix(".mo").open("wb") as handle:
            write_mo(handle, catalog)
        click.echo(f"compiled {po_path.relative_to(BASE_DIR)}")


@main.command()
def collectstatic() -> None:
    """Gather static files, front-end packages from node_modules included, into var/static."""
    _call("collectstatic", interactive=False, verbosity=0)
    click.echo("static files collected")


@main.command()
@click.option("--email", required=True, help="Sign-in email.")
@click.option(
    "--password",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    help="Password (prompted when omitted).",
)
@click.option("--name", default="", help="Display name.")
@click.option(
    "--workspace",
    "workspace_slug",
    default="",
    help="Add the user to this workspace (by short name).",
)
@click.option(
    "--role",
    default="editor",
    show_default=True,
    type=click.Choice(["owner", "manager", "editor", "agent", "analyst"]),
    help="Role in --workspace.",
)
def createuser(email: str, password: str, name: str, workspace_slug: str, role: str) -> None:
    """Create a user, optionally as a member of a workspace."""
    _django()
    from django.core.exceptions import ValidationError

    from socialops.accounts.cli import create_user_with_membership

    try:
        create_user_with_membership(
            email=email, password=password, name=name, workspace_slug=workspace_slug, role=role
        )
    except ValidationError as exc:
        raise click.ClickException(" ".join(exc.messages)) from exc
    click.echo(
        f"user {email} created" + (f" as {role} of {workspace_slug}" if workspace_slug else "")
    )


@main.command()
def demo() -> None:
    """Load the demo workspace (示例品牌 / Demo Brand) and print its owner's login."""
    _django()
    from socialops.accounts.demo import load_demo

    for line in load_demo():
        click.echo(line)


@main.command("rotate-keys")
@click.option("--batch-size", default=200, show_default=True, type=int)
def rotate_keys(batch_size: int) -> None:
    """Re-encrypt every account's credentials with the newest key of CREDENTIALS_KEYS."""
    _django()
    from socialops.channels.actions import rotate_credentials

    rotated, unreadable = rotate_credentials(batch_size=batch_size)
    click.echo(f"re-encrypted {rotated} account credential(s); {unreadable} unreadable")
    if unreadable:
        raise click.ClickException(
            "some credentials match none of CREDENTIALS_KEYS; keep the old keys until fixed"
        )


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option(
    "--workers", default=2, show_default=True, type=int, help="gunicorn worker processes."
)
@click.option(
    "--with-worker/--no-worker",
    default=True,
    show_default=True,
    help="Also run the background worker in a child process.",
)
def serve(host: str, port: int, workers: int, with_worker: bool) -> None:
    """Serve the product with gunicorn (and, by default, the background worker)."""
    children: list[subprocess.Popen[bytes]] = []
    if with_worker:
        worker_cmd = [sys.executable, "-m", "socialops.cli", "worker"]
        children.append(subprocess.Popen(worker_cmd))  # noqa: S603 - our own interpreter
    gunicorn = subprocess.Popen(  # noqa: S603 - our own interpreter and fixed arguments
        [
            sys.executable,
            "-m",
            "gunicorn",
            "socialops.wsgi:application",
            "--bind",
            f"{host}:{port}",
            "--workers",
            str(workers),
            "--threads",
            "4",
            "--access-logfile",
            "-",
            "--graceful-timeout",
            "10",
        ]
    )
    children.append(gunicorn)
    click.echo(f"SocialOps is serving at http://{host}:{port}/")

    def stop(signum: int, _frame: object) -> None:
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        while all(child.poll() is None for child in children):
            try:
                gunicorn.wait(timeout=1)
            except subprocess.TimeoutExpired:
                continue
    finally:
        stop(signal.SIGTERM, None)
        for child in children:
            try:
                child.wait(timeout=15)
            except subprocess.TimeoutExpired:
                child.kill()
    sys.exit(gunicorn.returncode or 0)


@main.command()
@click.option("--threads", default=2, show_default=True, type=int)
@click.option(
    "--publisher/--no-publisher",
    default=True,
    show_default=True,
    help="Also run the publisher loop in a thread (see `socialops publisher`).",
)
@click.option(
    "--listener/--no-listener",
    default=True,
    show_default=True,
    help="Also read the listening sources in a thread (see `socialops listen run`).",
)
def worker(threads: int, publisher: bool, listener: bool) -> None:
    """Run the Huey background worker (periodic tasks, publishing, ingestion, listening)."""
    _django()
    from socialops.listening.loop import ListenerThread
    from socialops.publishing.loop import PublisherThread

    thread = PublisherThread() if publisher else None
    if thread is not None:
        thread.start()
    listening = ListenerThread() if listener else None
    if listening is not None:
        listening.start()
    try:
        _call("run_huey", workers=threads, worker_type="thread")
    finally:
        if listening is not None:
            listening.stop()
        if thread is not None:
            thread.stop()


@main.command()
@click.option(
    "--interval",
    default=0.5,
    show_default=True,
    type=click.FloatRange(min=0.01),
    help="Seconds to wait when nothing is due.",
)
@click.option("--once", is_flag=True, help="One pass (sweep, claim, publish), then exit.")
@click.option(
    "--batch", default=50, show_default=True, type=click.IntRange(1, 1000), help="Rows per claim."
)
@click.option(
    "--lease",
    default=120.0,
    show_default=True,
    type=click.FloatRange(min=1),
    help="Seconds a claim is held before the sweeper treats its worker as lost.",
)
@click.option(
    "--concurrency",
    default=None,
    type=click.IntRange(1, 64),
    help="Posts sent at once, each in its own thread "
    "[default: PUBLISH_CONCURRENCY: 4 on PostgreSQL, 1 on SQLite].",
)
@click.option("--slow", default=0.0, type=float, hidden=True)  # crash tests widen the windows
def publisher(
    interval: float, once: bool, batch: int, lease: float, concurrency: int | None, slow: float
) -> None:
    """Publish due posts until stopped (SIGTERM/SIGINT finish the posts being sent, then exit)."""
    _django()
    import threading
    from datetime import timedelta

    from socialops.publishing.loop import run_forever

    stop = threading.Event()

    def on_signal(signum: int, _frame: object) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
    click.echo("publisher ready", err=True)
    try:
        run_forever(
            stop,
            interval=interval,
            limit=batch,
            lease=timedelta(seconds=lease),
            once=once,
            slow=slow,
            concurrency=concurrency,
        )
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


@main.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def manage(args: tuple[str, ...]) -> None:
    """Run any Django management command, e.g. `socialops manage check --deploy`."""
    _django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["socialops manage", *args])


from socialops.classify.cli import classify_command  # noqa: E402 - registered with the others

main.add_command(classify_command)


from socialops.inbox.cli import inbox  # noqa: E402 - registered with the others

main.add_command(inbox)

from socialops.listening.cli import listen  # noqa: E402 - registered with the others

main.add_command(listen)

from socialops.listening.cli_spikes import spikes_command  # noqa: E402 - registered with the others

main.add_command(spikes_command)

if __name__ == "__main__":
    main()
