"""A JSONL file replayed as a stream (``listening.replay.read_jsonl``): the cursor is the number
of lines consumed. Config: ``path`` (inside one of the allowed directories, setting
``LISTENING_REPLAY_DIRS``) and ``speed``: replay at N× the original pacing (the time between
two posts divided by N), or as fast as possible when absent. At the end the source is finished.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from socialops.channels.models import Channel
from socialops.listening.models import Source, SourceKind
from socialops.listening.replay import ReplayError, read_jsonl

from . import Item, Reader, Skip, SourceError, register

TICK = 1.0  # seconds between heartbeats while waiting for the next post's time


def replay_dirs() -> list[Path]:
    """Where replay files may be read from (LISTENING_REPLAY_DIRS)."""
    configured: Sequence[str | Path] | None = getattr(settings, "LISTENING_REPLAY_DIRS", None)
    if configured is None:
        configured = [Path(settings.VAR_DIR) / "replays"]
        shared = Path(settings.BASE_DIR).parent / "shared" / "data"
        if shared.is_dir():
            configured = [*configured, shared]
    return [Path(d).expanduser().resolve() for d in configured]


def allowed_path(raw: object) -> Path:
    """The replay file ``raw`` names, if it lies inside an allowed directory and exists."""
    if not isinstance(raw, str) or not raw.strip():
        raise SourceError(_("A replay needs the path of a JSONL file"), field="path")
    dirs = replay_dirs()
    path = Path(raw.strip()).expanduser()
    candidates = [path] if path.is_absolute() else [d / path for d in dirs]
    inside = False
    for candidate in candidates:
        resolved = candidate.resolve()
        if any(resolved.is_relative_to(d) for d in dirs):
            inside = True
            if resolved.is_file():
                return resolved
    if inside:
        raise SourceError(_("No file at %(path)s") % {"path": raw}, field="path")
    allowed = ", ".join(str(d) for d in dirs) or "(none configured)"
    raise SourceError(_("Replay files must be inside %(dirs)s") % {"dirs": allowed}, field="path")


def speed_of(raw: object) -> float | None:
    if raw is None or raw == "":
        return None
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        raise SourceError(_("speed must be a positive number"), field="speed")
    try:
        speed = float(raw)
    except ValueError:
        raise SourceError(_("speed must be a positive number"), field="speed") from None
    if not speed > 0 or speed == float("inf"):
        raise SourceError(_("speed must be a positive number"), field="speed")
    return speed


def start_of(cursor: str) -> int:
    if not cursor:
        return 0
    try:
        start = int(cursor)
    except ValueError:
        raise SourceError(
            _("A replay's cursor is a line count, not %(cursor)s") % {"cursor": cursor}
        ) from None
    if start < 0:
        raise SourceError(_("A replay's cursor cannot be negative"))
    return start


@register
class ReplayReader(Reader):
    kind = SourceKind.REPLAY
    streaming = True  # a paced replay runs as long as it is let to

    @classmethod
    def check(cls, config: Mapping[str, Any], channel: Channel | None) -> dict[str, Any]:
        allowed_path(config.get("path"))
        cleaned: dict[str, Any] = {"path": str(config.get("path")).strip()}
        speed = speed_of(config.get("speed"))
        if speed is not None:
            cleaned["speed"] = speed
        return cleaned

    def read(self, source: Source, cursor: str) -> Iterator[tuple[Item, str]]:
        config = source.config or {}
        path = allowed_path(config.get("path"))
        speed = speed_of(config.get("speed"))
        previous: datetime | None = None
        reached = cursor
        for item, line in read_jsonl(path, start=start_of(cursor)):
            after = str(line)
            if isinstance(item, ReplayError):
                reached = after
                yield Skip(str(item)), after
                continue
            if speed is not None and previous is not None:
                gap = (item.posted_at - previous).total_seconds() / speed
                while gap > 0:
                    step = min(TICK, gap)
                    if not self.budget.wait(step):
                        return  # out of time before this post's moment: it comes next run
                    gap -= step
                    if gap > 0:
                        yield Skip.TICK, reached
            previous, reached = item.posted_at, after
            yield item, after
            if self.budget.over():
                return
        self.finished = True
