"""`socialops listen …`: listening from the command line."""

from __future__ import annotations

import click


@click.group("listen", context_settings={"help_option_names": ["-h", "--help"]})
def listen() -> None:
    """Listening: replay a JSONL stream through the pipeline, run the sources."""


from socialops.listening.cli_replay import replay  # noqa: E402 - registered after the group
from socialops.listening.cli_sources import run, sources  # noqa: E402 - registered after the group

listen.add_command(replay)
listen.add_command(run)
listen.add_command(sources)
