"""Every write to listening queries and sources: one transaction, one audit row each.

A query's text must parse; every edit bumps its ``version`` and ``updated_at``, which is what the
pipeline watches to reload its matcher. A source's config is checked per kind; resetting it
clears the cursor so its reader starts over.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from socialops.accounts.queries import Access
from socialops.accounts.roles import Perm
from socialops.channels.models import Channel
from socialops.core import audit
from socialops.core.audit import snapshot
from socialops.core.clock import now

from .models import ListeningQuery, QueryKind, Source, SourceKind
from .query import Query, QuerySyntaxError, parse

if TYPE_CHECKING:
    from django.http import HttpRequest

NAME_LENGTH = 80
QUERY_FIELDS = [
    "name",
    "text",
    "kind",
    "group",
    "active",
    "spike_ratio",
    "spike_floor",
    "negative_share",
    "negative_floor",
    "cooldown_minutes",
    "alert_on_match",
]
SOURCE_FIELDS = ["name", "kind", "channel", "config", "enabled"]
MAX_RATIO = 1000.0
MAX_FLOOR = 1_000_000
MAX_COOLDOWN = 7 * 24 * 60  # a week, in minutes


class DuplicateName(ValidationError):
    """The only thing wrong: the workspace already has a row with this name (a conflict)."""


class SourceBusy(ValidationError):
    """A reader holds the source's lease: its cursor cannot be reset under it."""


class QueryTextError(ValidationError):
    """The query's text does not parse: a field error on ``text`` that keeps where and why."""

    def __init__(self, syntax: QuerySyntaxError, fields: dict[str, str]) -> None:
        super().__init__({**fields, "text": str(syntax)})
        self.syntax = syntax


def _name(value: Any, fields: dict[str, str], what: str) -> str:
    name = " ".join(str(value or "").split())
    if not name:
        fields["name"] = what
    elif len(name) > NAME_LENGTH:
        fields["name"] = _("At most %(n)d characters.") % {"n": NAME_LENGTH}
    return name


def _number(
    value: Any,
    name: str,
    fields: dict[str, str],
    *,
    low: float,
    high: float,
    above: bool = False,
    whole: bool = False,
) -> Any:
    """A number within [low, high] (or (low, high] with ``above``); a field error otherwise."""
    ok = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
    if ok and whole and not float(value).is_integer():
        ok = False
    if ok:
        ok = (value > low if above else value >= low) and value <= high
    if not ok:
        if whole:
            message = _("Give a whole number from %(low)s to %(high)s.")
        elif above:
            message = _("Give a number above %(low)s, at most %(high)s.")
        else:
            message = _("Give a number from %(low)s to %(high)s.")
        fields[name] = message % {"low": f"{low:g}", "high": f"{high:g}"}
        return value
    return int(value) if whole else float(value)


def _raise(fields: dict[str, str], *, duplicate: bool) -> None:
    if duplicate and fields.keys() == {"name"}:
        raise DuplicateName(fields)
    if fields:
        raise ValidationError(fields)


def _saved(row: ListeningQuery | Source) -> None:
    """Save; a name taken meanwhile by a concurrent request is a duplicate, not a crash."""
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError as exc:
        if isinstance(row, ListeningQuery):
            message = _("This workspace already has a query with this name.")
        else:
            message = _("This workspace already has a source with this name.")
        raise DuplicateName({"name": message}) from exc


def check_query_text(text: str) -> Query:
    """The parsed query, or QuerySyntaxError (with its position) saying what is wrong."""
    return parse(text)


def _clean_query(
    access: Access, existing: ListeningQuery | None, values: dict[str, Any]
) -> dict[str, Any]:
    fields: dict[str, str] = {}
    name = _name(values.get("name"), fields, _("Give the query a name."))
    duplicate = False
    if "name" not in fields:
        others = ListeningQuery.objects.filter(workspace=access.workspace, name=name)
        if duplicate := (others.exclude(pk=existing.pk) if existing else others).exists():
            fields["name"] = _("This workspace already has a query with this name.")
    kind = values.get("kind") or QueryKind.BRAND
    if kind not in QueryKind.values:
        fields["kind"] = _("Choose one of: %(kinds)s.") % {"kinds": ", ".join(QueryKind.values)}
    group = " ".join(str(values.get("group") or "").split())
    if len(group) > NAME_LENGTH:
        fields["group"] = _("At most %(n)d characters.") % {"n": NAME_LENGTH}
    cleaned = {
        "name": name,
        "kind": kind,
        "group": group,
        "active": bool(values.get("active", True)),
        "alert_on_match": bool(values.get("alert_on_match", False)),
        "spike_ratio": _number(
            values.get("spike_ratio", 3.0), "spike_ratio", fields, low=1, high=MAX_RATIO, above=True
        ),
        "spike_floor": _number(
            values.get("spike_floor", 20), "spike_floor", fields, low=1, high=MAX_FLOOR, whole=True
        ),
        "negative_share": _number(
            values.get("negative_share", 0.5), "negative_share", fields, low=0, high=1
        ),
        "negative_floor": _number(
            values.get("negative_floor", 10),
            "negative_floor",
            fields,
            low=0,
            high=MAX_FLOOR,
            whole=True,
        ),
        "cooldown_minutes": _number(
            values.get("cooldown_minutes", 30),
            "cooldown_minutes",
            fields,
            low=1,
            high=MAX_COOLDOWN,
            whole=True,
        ),
    }
    text = str(values.get("text") or "").strip()
    try:
        check_query_text(text)
    except QuerySyntaxError as error:
        raise QueryTextError(error, fields) from error
    _raise(fields, duplicate=duplicate)
    cleaned["text"] = text
    return cleaned


def _query_snapshot(query: ListeningQuery) -> dict[str, Any]:
    return {**snapshot(query, QUERY_FIELDS), "version": query.version}


@transaction.atomic
def create_query(
    *, access: Access, request: HttpRequest | None = None, **values: Any
) -> ListeningQuery:
    """values: name, text and optionally the other QUERY_FIELDS (defaults as in the model)."""
    access.require(Perm.LISTENING_MANAGE, request)
    unknown = set(values) - set(QUERY_FIELDS)
    if unknown:
        raise TypeError(f"create_query() got unexpected fields {sorted(unknown)}")
    cleaned = _clean_query(access, None, values)
    at = now()
    created = ListeningQuery(
        workspace=access.workspace, created_by=access.user, created_at=at, updated_at=at, **cleaned
    )
    _saved(created)
    audit.record(
        action="listening.query_created",
        workspace=access.workspace,
        actor=access.user,
        request=request,
        target=created,
        after=_query_snapshot(created),
    )
    return created


@transaction.atomic
def update_query(
    *, access: Access, query: ListeningQuery, request: HttpRequest | None = None, **changes: Any
) -> ListeningQuery:
    """Change any of QUERY_FIELDS; a real change bumps the version the pipeline reloads on."""
    access.require(Perm.LISTENING_MANAGE, request)
    unknown = set(changes) - set(QUERY_FIELDS)
    if unknown:
        raise TypeError(f"update_query() got unexpected fields {sorted(unknown)}")
    locked = ListeningQuery.objects.select_for_update().get(pk=query.pk, workspace=access.workspace)
    before = _query_snapshot(locked)
    cleaned = _clean_query(access, locked, {**snapshot(locked, QUERY_FIELDS), **changes})
    if {key: before[key] for key in cleaned} == cleaned:
        return locked
    for key, value in cleaned.items():
        setattr(locked, key, value)
    locked.version += 1
    locked.updated_at = now()
    _saved(locked)
    audit.record(
        action="listening.query_updated",
        workspace=access.workspace,
        actor=access.user,
        request=request,
        target=locked,
        before=before,
        after=_query_snapshot(locked),
    )
    return locked


@transaction.atomic
def delete_query(
    *, access: Access, query: ListeningQuery, request: HttpRequest | None = None
) -> None:
    """Its matches and minute counts go with it; its mentions and alerts stay."""
    access.require(Perm.LISTENING_MANAGE, request)
    locked = ListeningQuery.objects.select_for_update().get(pk=query.pk, workspace=access.workspace)
    audit.record(
        action="listening.query_deleted",
        workspace=access.workspace,
        actor=access.user,
        request=request,
        target=locked,
        before=_query_snapshot(locked),
    )
    locked.delete()


# ---- sources ---------------------------------------------------------------------------------


def _check_config(
    kind: str, channel: Channel | None, config: Any, fields: dict[str, str]
) -> dict[str, Any]:
    """The config as the kind's reader will read it (``sources.check_config``, the one place
    that knows each kind); its complaint as a field error: config.<key>, or channel_id."""
    from .sources import SourceError, check_config

    try:
        return check_config(kind, config, channel=channel)
    except SourceError as error:
        if error.field == "channel":
            name = "channel_id"
        elif error.field in ("kind", "config", ""):
            name = error.field or "config"
        else:
            name = f"config.{error.field}"
        fields[name] = error.message
        return {}


def _clean_source(
    access: Access, existing: Source | None, values: dict[str, Any]
) -> dict[str, Any]:
    fields: dict[str, str] = {}
    name = _name(values.get("name"), fields, _("Give the source a name."))
    duplicate = False
    if "name" not in fields:
        others = Source.objects.filter(workspace=access.workspace, name=name)
        if duplicate := (others.exclude(pk=existing.pk) if existing else others).exists():
            fields["name"] = _("This workspace already has a source with this name.")
    kind = values.get("kind")
    channel_id = values.get("channel")
    if isinstance(channel_id, Channel):
        channel_id = channel_id.pk
    channel = None
    if channel_id is not None:
        channel = Channel.objects.filter(workspace=access.workspace, pk=channel_id).first()
        if channel is None:
            fields["channel_id"] = _("This workspace has no such account.")
    config: dict[str, Any] = {}
    if kind not in SourceKind.values:
        fields["kind"] = _("Choose one of: %(kinds)s.") % {"kinds": ", ".join(SourceKind.values)}
    elif "channel_id" not in fields:
        config = _check_config(kind, channel, values.get("config") or {}, fields)
    _raise(fields, duplicate=duplicate)
    return {
        "name": name,
        "kind": kind,
        "channel": channel,
        "config": config,
        "enabled": bool(values.get("enabled", True)),
    }


def _source_snapshot(found: Source) -> dict[str, Any]:
    return {**snapshot(found, SOURCE_FIELDS), "cursor": found.cursor, "state": found.state}


@transaction.atomic
def create_source(*, access: Access, request: HttpRequest | None = None, **values: Any) -> Source:
    """values: name, kind, channel (an id or a Channel, or None), config, enabled."""
    access.require(Perm.LISTENING_MANAGE, request)
    cleaned = _clean_source(access, None, values)
    at = now()
    created = Source(workspace=access.workspace, created_at=at, updated_at=at, **cleaned)
    _saved(created)
    audit.record(
        action="listening.source_created",
        workspace=access.workspace,
        actor=access.user,
        request=request,
        target=created,
        after=_source_snapshot(created),
    )
    return created


@transaction.atomic
def update_source(
    *, access: Access, source: Source, request: HttpRequest | None = None, **changes: Any
) -> Source:
    """Change name, channel, config or enabled (the kind stays: the cursor belongs to it)."""
    access.require(Perm.LISTENING_MANAGE, request)
    unknown = set(changes) - (set(SOURCE_FIELDS) - {"kind"})
    if unknown:
        raise TypeError(f"update_source() got unexpected fields {sorted(unknown)}")
    locked = Source.objects.select_for_update().get(pk=source.pk, workspace=access.workspace)
    before = _source_snapshot(locked)
    merged = {**snapshot(locked, SOURCE_FIELDS), **changes}
    cleaned = _clean_source(access, locked, merged)
    for key, value in cleaned.items():
        setattr(locked, key, value)
    after = _source_snapshot(locked)
    if after == before:
        return locked
    locked.updated_at = now()
    _saved(locked)
    audit.record(
        action="listening.source_updated",
        workspace=access.workspace,
        actor=access.user,
        request=request,
        target=locked,
        before=before,
        after=after,
    )
    return locked


@transaction.atomic
def delete_source(*, access: Access, source: Source, request: HttpRequest | None = None) -> None:
    """Its mentions and sample posts stay (without a source)."""
    access.require(Perm.LISTENING_MANAGE, request)
    locked = Source.objects.select_for_update().get(pk=source.pk, workspace=access.workspace)
    audit.record(
        action="listening.source_deleted",
        workspace=access.workspace,
        actor=access.user,
        request=request,
        target=locked,
        before=_source_snapshot(locked),
    )
    locked.delete()


@transaction.atomic
def reset_source(*, access: Access, source: Source, request: HttpRequest | None = None) -> Source:
    """Clear the cursor and the error: the reader starts over from the beginning (or now)."""
    access.require(Perm.LISTENING_MANAGE, request)
    locked = Source.objects.select_for_update().get(pk=source.pk, workspace=access.workspace)
    if locked.locked_until is not None and locked.locked_until > now():
        raise SourceBusy(
            {"state": _("The source is being read right now: disable it, wait a minute, retry.")}
        )
    before = _source_snapshot(locked)
    locked.cursor = ""
    locked.state = Source.State.IDLE
    locked.last_error = ""
    locked.last_error_at = None
    locked.updated_at = now()
    locked.save()
    audit.record(
        action="listening.source_reset",
        workspace=access.workspace,
        actor=access.user,
        request=request,
        target=locked,
        before=before,
        after=_source_snapshot(locked),
    )
    return locked
