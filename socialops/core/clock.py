"""The one source of the current time; tests move it with time-machine."""

from __future__ import annotations

from datetime import UTC, date, datetime

# Days a query may ask about: far enough from date.min/max that windows around them never overflow.
EARLIEST_DAY, LATEST_DAY = date(1970, 1, 1), date(2999, 12, 31)


def now() -> datetime:
    return datetime.now(tz=UTC)
