"""Reading a CSV of posts: decode it, map its columns, resolve every row or refuse them all.

Nothing here writes; ``actions.import_posts`` creates the planned posts in one transaction.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
import zoneinfo
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _

from socialops.accounts.models import Workspace
from socialops.campaigns.models import Topic
from socialops.channels.models import Channel
from socialops.core.clock import now
from socialops.core.errors import ApiError

from .models import ContentPillar, Post

if TYPE_CHECKING:
    from django.http import HttpRequest

MAX_ROWS = 1000
MAX_BYTES = 1_048_576
LIMITS = {"title": 200, "body": 100_000, "first_comment": 5000, "link": 1000}

# Column → the header names it is known by (Chinese too: sheets are often written in it).
COLUMNS: dict[str, tuple[str, ...]] = {
    "title": ("title", "标题"),
    "body": ("body", "text", "正文", "内容"),
    "accounts": ("accounts", "account", "账号", "发布账号"),
    "scheduled_at": ("scheduled_at", "time", "发布时间", "时间"),
    "pillar": ("pillar", "内容支柱", "支柱", "内容构成"),
    "topics": ("topics", "topic", "话题"),
    "link": ("link", "url", "链接"),
    "first_comment": ("first_comment", "首评", "第一条评论"),
    "state": ("state", "状态"),
}
HEADER_NAMES = {alias: column for column, aliases in COLUMNS.items() for alias in aliases}
STATES = {
    "idea": Post.State.IDEA,
    "想法": Post.State.IDEA,
    "选题": Post.State.IDEA,
    "draft": Post.State.DRAFT,
    "草稿": Post.State.DRAFT,
}
LIST_SEPARATORS = re.compile(r"[;；、]")
LOCAL_TIME = re.compile(
    r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]+)(\d{1,2}):(\d{2})(?::(\d{2}))?$"
)


@dataclass
class PostPlan:
    """One row as the post it becomes."""

    row: int
    title: str = ""
    body: str = ""
    channel_ids: list[int] = field(default_factory=list)
    scheduled_at: datetime | None = None
    pillar_id: int | None = None
    topic_ids: list[int] = field(default_factory=list)
    link: str = ""
    first_comment: str = ""
    state: str = Post.State.DRAFT
    id: int | None = None  # once created

    def create_args(self) -> dict[str, Any]:
        args = asdict(self)
        del args["row"], args["id"]
        return args

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def decode(data: bytes) -> str:
    """UTF-8 with or without a BOM, UTF-16 with a BOM, else GBK (GB 18030) as Excel saves it."""
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le")):
        if data.startswith(bom):
            return _decoded(data[len(bom) :], encoding)
    if data.startswith(codecs.BOM_UTF16_BE):
        return _decoded(data[2:], "utf-16-be")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return _decoded(data, "gb18030")


def _decoded(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise ValidationError(
            {"csv": _("The file is neither UTF-8 nor GBK text; save it as CSV (UTF-8).")}
        ) from exc


def csv_from_request(request: HttpRequest, *, max_bytes: int = MAX_BYTES) -> str:
    """The CSV of an API request: a text/csv body or JSON {"csv": "..."} (posts and contacts)."""
    content_type = request.content_type or ""
    if len(request.body) > max_bytes:
        raise ApiError(413, "body_too_large", f"At most {max_bytes} bytes of CSV.")
    if content_type in ("text/csv", "text/plain", "application/csv"):
        return decode(request.body)
    if content_type == "application/json":
        try:
            given = json.loads(request.body)
        except ValueError as exc:
            raise ApiError(
                400, "malformed_body", "The request body is not valid JSON.", {"body": "not JSON"}
            ) from exc
        text = given.get("csv") if isinstance(given, dict) else None
        if not isinstance(text, str) or not text.strip() or set(given) != {"csv"}:
            raise ApiError(
                422, "invalid", "Some fields are invalid.", {"csv": "give the CSV text as csv"}
            )
        return text
    raise ApiError(
        415,
        "unsupported_media_type",
        "Send text/csv, or application/json with a csv field.",
        {"body": f"unsupported content type {content_type or '(none)'}"},
    )


def csv_records(text: str, *, max_bytes: int = MAX_BYTES) -> list[list[str]]:
    """The records of a CSV text, comma or tab separated; at least the header (posts, contacts)."""
    text = text.removeprefix("\ufeff")
    if "\x00" in text:
        raise ValidationError({"csv": _("The file holds NUL characters: it is not a text CSV.")})
    if len(text.encode()) > max_bytes * 2:  # GBK grows when encoded as UTF-8
        raise ValidationError({"csv": _("The file is too large.")})
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise ValidationError(
            {"csv": _("This is not readable as CSV: %(e)s") % {"e": exc}}
        ) from exc
    if not records:
        raise ValidationError({"csv": _("The file is empty.")})
    return records


def read_rows(text: str) -> list[tuple[int, dict[str, str]]]:
    """(row number, {column: cell}) of each non-blank row; the header is row 1."""
    records = csv_records(text)
    columns = _header(records[0])
    rows: list[tuple[int, dict[str, str]]] = []
    errors: dict[str, str] = {}
    for number, cells in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > len(columns) and any(c.strip() for c in cells[len(columns) :]):
            errors[f"row {number}"] = _("More cells than there are columns.")
        rows.append(
            (number, {col: (cells[i] if i < len(cells) else "") for i, col in enumerate(columns)})
        )
    if len(rows) > MAX_ROWS:
        raise ValidationError(
            {
                "csv": _("At most %(max)d posts per import; this file has %(n)d.")
                % {"max": MAX_ROWS, "n": len(rows)}
            }
        )
    if not rows:
        raise ValidationError({"csv": _("No posts in the file: only a header.")})
    if errors:
        raise ValidationError(errors)
    return rows


def _header(cells: list[str]) -> list[str]:
    columns: list[str] = []
    for cell in cells:
        name = cell.strip().lower().replace(" ", "_")
        column = HEADER_NAMES.get(name)
        if column is None:
            raise ValidationError(
                {
                    "header": _("Unknown column “%(name)s”; the columns are: %(known)s.")
                    % {"name": cell.strip(), "known": ", ".join(COLUMNS)}
                }
            )
        if column in columns:
            raise ValidationError(
                {"header": _("Column “%(name)s” appears twice.") % {"name": column}}
            )
        columns.append(column)
    if "title" not in columns and "body" not in columns:
        raise ValidationError({"header": _("Give at least a title or a body column.")})
    return columns


class _Directory:
    """The workspace's accounts, pillars and topics, looked up by what a sheet calls them."""

    def __init__(self, workspace: Workspace) -> None:
        channels = list(
            Channel.objects.filter(workspace=workspace).exclude(status=Channel.Status.DISCONNECTED)
        )
        self.channel_ids = {c.pk for c in channels}
        self.by_handle: dict[str, list[Channel]] = {}
        for channel in channels:
            for key in (channel.handle, f"{channel.platform}:{channel.handle}"):
                if channel.handle:
                    self.by_handle.setdefault(key.casefold(), []).append(channel)
        self.pillars = {
            p.name.casefold(): p.pk
            for p in ContentPillar.objects.filter(workspace=workspace, archived=False)
        }
        self.topics = {
            t.name.casefold(): t.pk
            for t in Topic.objects.filter(workspace=workspace, archived=False)
        }
        self.zone = zoneinfo.ZoneInfo(workspace.time_zone)

    def channel(self, token: str) -> int:
        name = token.strip().removeprefix("@").strip()
        if name.isdigit() and int(name) in self.channel_ids:
            return int(name)
        found = self.by_handle.get(name.casefold(), [])
        if len(found) > 1:
            raise ValueError(
                _("“%(name)s” is the handle of several accounts; write platform:handle.")
                % {"name": name}
            )
        if not found:
            raise ValueError(
                _("No connected account “%(name)s” in this workspace.") % {"name": name}
            )
        return found[0].pk


def _split(value: str) -> list[str]:
    return [part.strip() for part in LIST_SEPARATORS.split(value) if part.strip()]


def parse_time(value: str, zone: zoneinfo.ZoneInfo) -> datetime:
    """As _parse_time; a date at the edge of what datetime holds is simply not a date."""
    try:
        return _parse_time(value, zone)
    except OverflowError as exc:
        raise ValueError(_("Not a date and time.")) from exc


def _parse_time(value: str, zone: zoneinfo.ZoneInfo) -> datetime:
    """Local "YYYY-MM-DD HH:MM" (also with / or seconds) in ``zone``, or ISO 8601 with an offset."""
    local = LOCAL_TIME.match(value)
    if local:
        year, month, day, hour, minute, second = (int(g or 0) for g in local.groups())
        try:
            naive = datetime(year, month, day, hour, minute, second)  # noqa: DTZ001 - zoned below
        except ValueError as exc:
            raise ValueError(_("Not a date and time.")) from exc
        at = naive.replace(tzinfo=zone)
        if at.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != naive:
            raise ValueError(
                _("This time does not exist in %(zone)s (the clocks go forward).")
                % {"zone": zone.key}
            )
        return at.astimezone(UTC)
    try:
        at = datetime.fromisoformat(value)
    except ValueError as exc:
        raise ValueError(
            _("Write “YYYY-MM-DD HH:MM” (the workspace's time) or ISO 8601 with an offset.")
        ) from exc
    if at.tzinfo is None:
        at = at.replace(tzinfo=zone)
    return at.astimezone(UTC)


def plan_import(workspace: Workspace, text: str) -> list[PostPlan]:
    """Every row resolved to a PostPlan, or a ValidationError naming each bad row's cell."""
    directory = _Directory(workspace)
    plans: list[PostPlan] = []
    errors: dict[str, str] = {}
    for number, cells in read_rows(text):
        plan = PostPlan(row=number)
        for column, raw in cells.items():
            try:
                _apply(plan, column, raw.strip(), directory)
            except ValueError as exc:
                errors[f"row {number}.{column}"] = str(exc)
        if not plan.title and not plan.body and f"row {number}.body" not in errors:
            errors[f"row {number}.body"] = _("Give a title or a body.")
        plans.append(plan)
    if errors:
        raise ValidationError(errors)
    return plans


def _apply(plan: PostPlan, column: str, value: str, directory: _Directory) -> None:
    limit = LIMITS.get(column)
    if limit is not None and len(value) > limit:
        raise ValueError(_("At most %(limit)d characters.") % {"limit": limit})
    if not value:
        return
    if column in ("title", "body", "first_comment"):
        setattr(plan, column, value)
    elif column == "link":
        try:
            URLValidator(schemes=["http", "https"])(value)
        except ValidationError as exc:
            raise ValueError(_("Not a web address (http:// or https://).")) from exc
        plan.link = value
    elif column == "accounts":
        plan.channel_ids = list(dict.fromkeys(directory.channel(t) for t in _split(value)))
    elif column == "scheduled_at":
        at = parse_time(value, directory.zone)
        if at <= now():
            raise ValueError(_("That time has passed."))
        plan.scheduled_at = at
    elif column == "pillar":
        pillar_id = directory.pillars.get(value.casefold())
        if pillar_id is None:
            raise ValueError(_("No active pillar named “%(name)s”.") % {"name": value})
        plan.pillar_id = pillar_id
    elif column == "topics":
        ids = []
        for name in _split(value):
            topic_id = directory.topics.get(name.strip("#").casefold())
            if topic_id is None:
                raise ValueError(_("No topic named “%(name)s”.") % {"name": name})
            ids.append(topic_id)
        plan.topic_ids = list(dict.fromkeys(ids))
    elif column == "state":
        state = STATES.get(value.casefold())
        if state is None:
            raise ValueError(_("Write idea or draft."))
        plan.state = state
