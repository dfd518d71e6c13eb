"""`socialops spikes FILE.csv`: the listening spike detector over a `timestamp,value` series."""

from __future__ import annotations

import csv
import math
import statistics
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import click

from socialops.listening.spikes import Settings, detect

OUTPUT_FORMAT = "%Y-%m-%d %H:%M:%S"


def read_series(path: Path) -> list[tuple[datetime, float]]:
    """The rows of a NAB-style CSV (header `timestamp,value`), checked, in rising time order."""
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            return list(_rows(csv.reader(handle)))
    except UnicodeDecodeError as error:
        raise click.ClickException(f"{path}: not UTF-8 text ({error.reason})") from None
    except OSError as error:
        raise click.ClickException(f"{path}: {error.strerror}") from None


def _rows(reader: Iterator[list[str]]) -> Iterator[tuple[datetime, float]]:
    header = next(reader, None)
    if header is None or [cell.strip().lower() for cell in header] != ["timestamp", "value"]:
        raise click.ClickException("line 1: the header must be `timestamp,value`")
    previous: datetime | None = None
    for row in reader:
        line = reader.line_num  # type: ignore[attr-defined]
        if not row or (len(row) == 1 and not row[0].strip()):
            continue
        if len(row) != 2:
            raise click.ClickException(f"line {line}: expected 2 columns, got {len(row)}")
        moment = _timestamp(row[0].strip(), line)
        try:
            value = float(row[1])
        except ValueError:
            raise click.ClickException(f"line {line}: value {row[1]!r} is not a number") from None
        if not math.isfinite(value) or value < 0:
            raise click.ClickException(f"line {line}: value {row[1]!r} must be a count ≥ 0")
        if previous is not None and _utc(moment) <= _utc(previous):
            raise click.ClickException(f"line {line}: timestamp {row[0]!r} is not after the last")
        previous = moment
        yield moment, value


def _timestamp(text: str, line: int) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        moment = None
    if moment is None or len(text) < 16:  # a date without a time is not a bucket
        raise click.ClickException(
            f"line {line}: timestamp {text!r} is not `YYYY-MM-DD HH:MM:SS` (ISO 8601)"
        )
    return moment


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def bucket_of(series: list[tuple[datetime, float]]) -> timedelta:
    """The series' step: the median gap between consecutive rows (1 minute when unknowable)."""
    moments = [_utc(moment) for moment, _ in series]
    gaps = [(b - a).total_seconds() for a, b in zip(moments, moments[1:], strict=False)]
    if not gaps:
        return Settings().bucket
    return timedelta(seconds=round(statistics.median(gaps)))


@click.command("spikes")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, readable=True, path_type=Path))
@click.option(
    "--ratio",
    type=click.FloatRange(min=1.0),
    default=Settings.ratio,
    show_default=True,
    help="Alert when a bucket holds at least this many times its baseline...",
)
@click.option(
    "--floor",
    type=click.FloatRange(min=0.0),
    default=Settings.floor,
    show_default=True,
    help="...and at least this many mentions (per bucket).",
)
@click.option(
    "--cooldown-minutes",
    type=click.IntRange(min=0),
    default=int(Settings.cooldown.total_seconds() // 60),
    show_default=True,
    help="After an alert, stay quiet until the spike has been over for this long.",
)
@click.option(
    "--bucket-minutes",
    type=click.FloatRange(min=0.0, min_open=True),
    default=None,
    help="Length of one row's bucket; default: detected from the timestamps.",
)
def spikes_command(
    file: Path,
    ratio: float,
    floor: float,
    cooldown_minutes: int,
    bucket_minutes: float | None,
) -> None:
    """Print the start of every mention spike in FILE, one `YYYY-MM-DD HH:MM:SS` per line.

    \b
    FILE is a CSV with the header `timestamp,value` (the NAB format): one row per time bucket,
    the number of mentions in it, in time order. Timestamps are ISO 8601 (`T` or a space, with or
    without fractional seconds); without an offset they are taken as UTC. Missing buckets count as
    zero. The detector is the one listening queries use, with the same defaults: a bucket is a spike
    when it holds at least RATIO times its baseline (the larger of the usual count at that time of
    day over the previous week and the median of the last hour) and at least FLOOR mentions; the
    first hour is only learnt from. Needs no database.
    """
    series = read_series(file)
    bucket = timedelta(minutes=bucket_minutes) if bucket_minutes else bucket_of(series)
    try:
        settings = replace(
            Settings(),
            ratio=ratio,
            floor=floor,
            cooldown=timedelta(minutes=cooldown_minutes),
            bucket=bucket,
        )
    except ValueError as error:
        raise click.UsageError(f"bucket of {bucket}: {error}") from None
    try:
        alerts = detect(series, settings)
    except ValueError as error:  # two rows in one bucket
        raise click.ClickException(f"{error} (rows closer together than the bucket?)") from None
    for moment in alerts:
        click.echo(moment.strftime(OUTPUT_FORMAT))
