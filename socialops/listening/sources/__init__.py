"""Where public posts come from: one reader per source kind, each resumable from a cursor.

A reader turns a Source row into a stream of ``(item, cursor)`` pairs, oldest first, where the
cursor is the one to resume *after* the item. An item is an ``IncomingPost`` for the pipeline,
or a ``Skip``: something read and passed over (a broken line, an unreadable message: counted in
``skipped_total``), or a heartbeat (``Skip.TICK``, not counted) that a waiting stream hands back
about once a second so the runner can flush and save on time. A reader stops when its source
has nothing more for now (polled kinds), at the run's deadline (streams), or at the end of a
finite source, when it sets ``finished`` (a replay). Failures raise: ``SourceError`` for a
source that cannot be read as configured, the connector's and the network's own errors
otherwise; the runner records them and keeps the cursor.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from django.utils.translation import gettext as _

from socialops.listening.incoming import IncomingPost

if TYPE_CHECKING:
    from socialops.channels.models import Channel
    from socialops.listening.models import Source

__all__ = [
    "Budget",
    "check_config",
    "Item",
    "Reader",
    "SourceError",
    "Skip",
    "reader_for",
    "register",
]


class SourceError(Exception):
    """The source cannot be read as configured (bad path, missing channel, bad config)."""

    def __init__(self, message: str, *, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True, slots=True)
class Skip:
    reason: str
    counted: bool = True

    TICK: ClassVar[Skip]


Skip.TICK = Skip("", counted=False)

Item = IncomingPost | Skip


class Budget:
    """How long a run may go on: a deadline and a stop event, and sleeps that honour both."""

    def __init__(self, seconds: float, stop: threading.Event | None = None) -> None:
        self.deadline = time.monotonic() + max(0.0, seconds)
        self.stop = stop or threading.Event()

    def left(self) -> float:
        return max(0.0, self.deadline - time.monotonic())

    def over(self) -> bool:
        return self.stop.is_set() or time.monotonic() >= self.deadline

    def wait(self, seconds: float) -> bool:
        """Sleep ``seconds``; False (early) if the deadline comes first or stop is set."""
        if seconds > self.left():
            self.stop.wait(self.left())
            return False
        return not self.stop.wait(max(0.0, seconds))


class Reader:
    """Base class of the readers; one instance per run of one source."""

    kind: ClassVar[str]
    streaming: ClassVar[bool] = False  # kept connected for the whole run, vs. polled now and then

    def __init__(self, budget: Budget | None = None) -> None:
        self.budget = budget or Budget(3600.0)
        self.finished = False  # a finite source (a replay) was read to its end

    def read(self, source: Source, cursor: str) -> Iterator[tuple[Item, str]]:
        raise NotImplementedError

    @classmethod
    def check(cls, config: Mapping[str, Any], channel: Channel | None) -> dict[str, Any]:
        """The config cleaned for storing, or SourceError naming the field and the reason."""
        return dict(config)

    def close(self) -> None:
        """Let go of connections; called once the run is over, whatever happened."""


_READERS: dict[str, type[Reader]] = {}


def register(cls: type[Reader]) -> type[Reader]:
    _READERS[cls.kind] = cls
    return cls


def _load() -> None:
    from . import jetstream, mastodon, replay, sandbox, search  # noqa: F401 - registers them


def reader_class(kind: str) -> type[Reader]:
    _load()
    try:
        return _READERS[kind]
    except KeyError:
        raise SourceError(
            _("No reader for sources of kind %(kind)s") % {"kind": kind}, field="kind"
        ) from None


def reader_for(kind: str, budget: Budget | None = None) -> Reader:
    return reader_class(kind)(budget)


def check_config(kind: str, config: Any, *, channel: Channel | None = None) -> dict[str, Any]:
    """What the API and the UI store for a new or edited source: the config cleaned, or
    SourceError(message, field=…) saying which field is wrong and why."""
    if config is None:
        config = {}
    if not isinstance(config, Mapping):
        raise SourceError(_("The config is a JSON object"), field="config")
    return reader_class(kind).check(config, channel)


def backfill_hours(config: Mapping[str, Any], default: float) -> float:
    raw = config.get("backfill_hours", default)
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        raise SourceError(_("backfill_hours must be a number of hours"), field="backfill_hours")
    try:
        hours = float(raw)
    except ValueError:
        raise SourceError(
            _("backfill_hours must be a number of hours"), field="backfill_hours"
        ) from None
    if not 0 <= hours <= 24 * 31:
        raise SourceError(_("backfill_hours must be between 0 and 744"), field="backfill_hours")
    return hours


def is_streaming(kind: str) -> bool:
    try:
        return reader_class(kind).streaming
    except SourceError:
        return False
