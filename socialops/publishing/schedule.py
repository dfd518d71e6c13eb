"""When metrics are collected after a post goes out: 1 h, 6 h, 24 h, 3 d and 7 d."""

from __future__ import annotations

from datetime import datetime, timedelta

METRICS_SCHEDULE: tuple[tuple[str, timedelta], ...] = (
    ("1h", timedelta(hours=1)),
    ("6h", timedelta(hours=6)),
    ("24h", timedelta(hours=24)),
    ("3d", timedelta(days=3)),
    ("7d", timedelta(days=7)),
)


def metrics_due(published_at: datetime, step: int) -> datetime | None:
    """When collection ``step`` is due; None once the schedule is done."""
    if step >= len(METRICS_SCHEDULE):
        return None
    return published_at + METRICS_SCHEDULE[step][1]
