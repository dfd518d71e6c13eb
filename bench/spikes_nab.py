"""Spike detector on the NAB realTweets series: windows caught, false alerts per day, delay.

    .venv/bin/python bench/spikes_nab.py [--data ../shared/data] [--out FILE.md] [--json]

Reads ../shared/data/nab_realtweets/Twitter_volume_*.csv (Numenta Anomaly Benchmark, 5-minute
Twitter mention counts, MIT licence) and its windows.json; exits cleanly with a message when the
folder is absent (nothing is copied into the repository). Runs ``socialops.listening.spikes.detect``
over each series with the product's defaults (``Settings()``, only ``bucket`` set to the series'
5 minutes) — the same as ``socialops spikes FILE.csv`` — and scores the alerts:

- a window is *caught* when an alert falls inside it or at most ``--lead`` (1 hour) before it;
- a *false alert* is one outside every window so widened; false alerts per day = false alerts /
  days the series covers;
- chance: windows the same number of alerts, placed uniformly at random, would catch on average
  (NAB windows are wide, about 10 % of a series, so a chatty detector catches them by luck);
- delay: first alert of a caught window minus the window's start, and minus its centre (NAB centres
  its windows on the labelled anomaly), in hours.

Nothing here is tuned: the detector's defaults are the product's. Not part of `make test`.
"""

from __future__ import annotations

import argparse
import csv
import json
import statistics
import sys
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from socialops.listening.spikes import Settings, detect  # noqa: E402 - after the path

BUCKET = timedelta(minutes=5)


@dataclass
class Score:
    series: str
    days: float
    windows: int
    caught: int = 0
    chance: float = 0.0  # windows caught on average by as many alerts placed at random
    alerts: int = 0
    false_alerts: int = 0
    delays_from_start_h: list[float] = field(default_factory=list)
    delays_from_label_h: list[float] = field(default_factory=list)

    @property
    def false_per_day(self) -> float:
        return self.false_alerts / self.days if self.days else 0.0


def load(path: Path) -> list[tuple[datetime, float]]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [(datetime.fromisoformat(row["timestamp"]), float(row["value"])) for row in rows]


def score(
    name: str,
    series: list[tuple[datetime, float]],
    windows: list[tuple[datetime, datetime]],
    alerts: list[datetime],
    lead: timedelta,
) -> Score:
    days = (series[-1][0] - series[0][0] + BUCKET) / timedelta(days=1)
    result = Score(name, days, len(windows), alerts=len(alerts))
    span = series[-1][0] - series[0][0] + BUCKET
    result.chance = sum(
        1 - (1 - min(1.0, (end - start + lead) / span)) ** len(alerts) for start, end in windows
    )
    for start, end in windows:
        inside = [a for a in alerts if start - lead <= a <= end]
        if inside:
            result.caught += 1
            hours = timedelta(hours=1)
            result.delays_from_start_h.append((inside[0] - start) / hours)
            result.delays_from_label_h.append((inside[0] - (start + (end - start) / 2)) / hours)
    result.false_alerts = sum(
        1 for a in alerts if not any(start - lead <= a <= end for start, end in windows)
    )
    return result


def table(scores: list[Score], settings: Settings, lead: timedelta) -> str:
    def median(values: list[float]) -> str:
        return f"{statistics.median(values):+.1f}" if values else "–"

    lines = [
        f"Defaults: ratio {settings.ratio:g}, floor {settings.floor:g} per bucket, cooldown "
        f"{settings.cooldown}, bucket {settings.bucket}; caught = an alert in the window or up to "
        f"{lead} before it.",
        "",
        "| series | days | windows caught | by chance | alerts | false alerts | false / day "
        "| delay from window start, h (median) | from labelled anomaly, h (median) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for s in scores:
        lines.append(
            f"| {s.series} | {s.days:.1f} | {s.caught}/{s.windows} | {s.chance:.1f} | {s.alerts} | "
            f"{s.false_alerts} | {s.false_per_day:.2f} | {median(s.delays_from_start_h)} | "
            f"{median(s.delays_from_label_h)} |"
        )
    days = sum(s.days for s in scores)
    false = sum(s.false_alerts for s in scores)
    lines.append(
        f"| **all** | {days:.1f} | {sum(s.caught for s in scores)}/"
        f"{sum(s.windows for s in scores)} | {sum(s.chance for s in scores):.1f} | "
        f"{sum(s.alerts for s in scores)} | {false} | "
        f"{false / days:.2f} | {median([d for s in scores for d in s.delays_from_start_h])} | "
        f"{median([d for s in scores for d in s.delays_from_label_h])} |"
    )
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=BASE_DIR.parent / "shared" / "data")
    parser.add_argument("--lead", type=float, default=60.0, help="minutes before a window")
    parser.add_argument("--out", type=Path, help="also write the Markdown table here")
    parser.add_argument("--json", action="store_true", help="print JSON instead of the table")
    args = parser.parse_args()

    folder = args.data / "nab_realtweets"
    if not (folder / "windows.json").is_file():
        print(f"skipped: {folder} is absent (see ../shared/data/README.md)")
        return 0
    labels = json.loads((folder / "windows.json").read_text(encoding="utf-8"))
    settings = replace(Settings(), bucket=BUCKET)
    lead = timedelta(minutes=args.lead)
    scores = []
    for path in sorted(folder.glob("Twitter_volume_*.csv")):
        series = load(path)
        windows = [
            (datetime.fromisoformat(start), datetime.fromisoformat(end))
            for start, end in labels.get(f"realTweets/{path.name}", [])
        ]
        alerts = detect(series, settings)
        name = path.stem.removeprefix("Twitter_volume_")
        scores.append(score(name, series, windows, alerts, lead))

    if args.json:
        rows = [asdict(s) | {"false_per_day": s.false_per_day} for s in scores]
        print(json.dumps(rows, indent=1))
    else:
        print(table(scores, settings, lead), end="")
    if args.out:
        args.out.write_text(table(scores, settings, lead), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
