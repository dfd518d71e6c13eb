"""`socialops classify sentiment|emotion|intent`: one text per line in, one label per line out."""

from __future__ import annotations

import io
import sys

import click

TASKS = ("sentiment", "emotion", "intent")


@click.command("classify")
@click.argument("task", type=click.Choice(TASKS))
@click.option(
    "--lang",
    type=click.Choice(["zh", "en", "auto"]),
    default="auto",
    show_default=True,
    help="Language of every line; auto detects it per line.",
)
@click.option("--scores", is_flag=True, help="Add a TAB and the label's confidence (0-1).")
def classify_command(task: str, lang: str, scores: bool) -> None:
    """Classify texts from stdin, one per line, printing one label per line in the same order.

    \b
    sentiment: positive / neutral / negative
    emotion:   neutral / happy / angry / sad / fear / surprise, or unknown
    intent:    complaint / question / praise / purchase / spam / abuse / other
    Empty lines get a line too (neutral / unknown / other). Needs no database.
    """
    from socialops.classify import classify

    stdin = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace", newline=None)
    out = sys.stdout
    given = "" if lang == "auto" else lang
    for line in stdin:
        result = classify(line.rstrip("\n"), lang=given)
        label = getattr(result, task) or "unknown"
        if scores:
            label = f"{label}\t{result.scores.get(f'{task}:{label}', 0.0):.3f}"
        out.write(label + "\n")
        out.flush()  # streaming: a reader sees each label as soon as its line is done
