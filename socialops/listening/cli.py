"""`socialops listen …`: listening from the command line."""

from __future__ import annotations

import click


@click.group("listen", context_settings={"help_option_names": ["-h", "--help"]})
def listen() -> None:
    """Listening: replay a JSONL stream through the pipeline, run the sources."""
