"""Contacts from CSV and back: decode, map the columns, plan every row or refuse them all.

Two layouts, mixable in one file:

- one row per identity: ``platform, handle, remote_id, url`` name one platform account; rows
  with the same ``contact_id`` (or, without one, the same name and organisation) are one contact;
- one row per contact: a column named by a platform (``weibo``, ``微博``, ``sandbox``…) holds
  that contact's handles there, several separated by ``;`` or ``、``.

A row whose identity is already a contact's in the workspace (same platform and user id or
handle), or whose ``contact_id`` is a contact of this workspace, merges into that contact:
given cells replace, tags are added, new identities are added. The export writes the first
layout with ``contact_id``, so exporting and importing again changes nothing.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from socialops.accounts.models import Workspace
from socialops.content import imports as content_imports
from socialops.platforms import catalog

from . import platforms
from .models import Contact, Identity

if TYPE_CHECKING:
    from django.http import HttpRequest

    from socialops.accounts.queries import Access

MAX_ROWS = 5000
MAX_BYTES = 2_097_152
LIST_SEPARATORS = re.compile(r"[;；、|]")

COLUMNS: dict[str, tuple[str, ...]] = {
    "contact_id": ("contact_id", "id", "编号"),
    "name": ("name", "姓名", "名称", "名字"),
    "kind": ("kind", "type", "类型"),
    "importance": ("importance", "重要度", "重要性"),
    "organisation": ("organisation", "organization", "机构", "单位", "公司"),
    "tags": ("tags", "tag", "标签"),
    "notes": ("notes", "note", "备注"),
    "platform": ("platform", "平台"),
    "handle": ("handle", "账号", "用户名"),
    "remote_id": ("remote_id", "user_id", "用户id", "平台id"),
    "url": ("url", "主页", "链接"),
}
HEADER_NAMES = {alias: column for column, aliases in COLUMNS.items() for alias in aliases}
EXPORT_COLUMNS = [
    "contact_id", "name", "kind", "importance", "organisation", "tags", "notes",
    "platform", "handle", "remote_id", "url",
]  # fmt: skip
KINDS = {
    **{kind: kind for kind in Contact.Kind.values},
    "竞品": "competitor",
    "竞争对手": "competitor",
    "专家": "expert",
    "行业专家": "expert",
    "expert": "expert",
    "媒体": "media",
    "达人": "kol",
    "大v": "kol",
    "粉丝": "fan",
    "合作伙伴": "partner",
    "伙伴": "partner",
    "客户": "customer",
    **{str(label).casefold(): kind for kind, label in Contact.Kind.choices},
}
IMPORTANCE = {
    "0": 0, "1": 1, "2": 2, "3": 3,
    "low": 0, "normal": 1, "high": 2, "vip": 3,
    "低": 0, "普通": 1, "一般": 1, "中": 1, "高": 2, "重要": 2, "核心": 3,
}  # fmt: skip


def split_list(value: str) -> list[str]:
    return [part.strip() for part in LIST_SEPARATORS.split(value) if part.strip()]


PLATFORM_ALIASES = {
    "微博": "weibo",
    "微信": "wechat",
    "公众号": "wechat",
    "b站": "bilibili",
    "推特": "x",
    "twitter": "x",
    "模拟": "sandbox",
}


def platform_column(name: str) -> str | None:
    """A header naming a platform (code, its Chinese or English name, a usual short name)."""
    if platforms.is_known(name):
        return name
    if name in PLATFORM_ALIASES:
        return PLATFORM_ALIASES[name]
    for platform in catalog.platforms():
        if name in (platform.name.zh.casefold(), platform.name.en.casefold()):
            return platform.code
    return None


@dataclass
class ContactPlan:
    """What the import does to one contact: the rows that make it, and the changes."""

    rows: list[int]
    contact_id: int | None = None  # an existing contact to merge into
    name: str = ""
    kind: str = ""
    importance: int | None = None
    organisation: str = ""
    notes: str = ""
    tags: list[str] = field(default_factory=list)
    identities: list[dict[str, str]] = field(default_factory=list)  # the new ones
    created: bool = False  # once applied: a new contact

    @property
    def action(self) -> str:
        return "create" if self.created or self.contact_id is None else "merge"

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "action": self.action}


@dataclass
class _Row:
    number: int
    cells: dict[str, str]
    identities: list[dict[str, str]] = field(default_factory=list)
    existing: set[int] = field(default_factory=set)  # id() of identities already a contact's


def csv_from_request(request: HttpRequest) -> str:
    """The CSV of an API request: a text/csv body or JSON {"csv": "..."}."""
    return content_imports.csv_from_request(request, max_bytes=MAX_BYTES)


def read_rows(text: str) -> tuple[list[str], list[_Row]]:
    """The columns (platform columns as "@<code>") and each non-blank row; the header is row 1."""
    records = content_imports.csv_records(text, max_bytes=MAX_BYTES)
    columns = _header(records[0])
    rows: list[_Row] = []
    errors: dict[str, str] = {}
    for number, cells in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > len(columns) and any(c.strip() for c in cells[len(columns) :]):
            errors[f"row {number}"] = _("More cells than there are columns.")
        values = {
            col: (cells[i] if i < len(cells) else "").strip() for i, col in enumerate(columns)
        }
        rows.append(_Row(number, values))
    if len(rows) > MAX_ROWS:
        raise ValidationError(
            {
                "csv": _("At most %(max)d rows per import; this file has %(n)d.")
                % {"max": MAX_ROWS, "n": len(rows)}
            }
        )
    if not rows:
        raise ValidationError({"csv": _("No contacts in the file: only a header.")})
    if errors:
        raise ValidationError(errors)
    return columns, rows


def _header(cells: list[str]) -> list[str]:
    columns: list[str] = []
    for cell in cells:
        name = cell.strip().casefold().replace(" ", "_")
        column = HEADER_NAMES.get(name)
        if column is None:
            code = platform_column(name)
            column = f"@{code}" if code else None
        if column is None:
            raise ValidationError(
                {
                    "header": _(
                        "Unknown column “%(name)s”; the columns are %(known)s, or a platform."
                    )
                    % {"name": cell.strip(), "known": ", ".join(COLUMNS)}
                }
            )
        if column in columns:
            raise ValidationError(
                {"header": _("Column “%(name)s” appears twice.") % {"name": column}}
            )
        columns.append(column)
    has_identity = "platform" in columns or any(c.startswith("@") for c in columns)
    if "name" not in columns and not has_identity:
        raise ValidationError({"header": _("Give at least a name or a platform column.")})
    return columns


def _row_identities(row: _Row, errors: dict[str, str]) -> None:
    from .actions import clean_identity

    cells = row.cells
    given = [cells.get(key, "") for key in ("platform", "handle", "remote_id", "url")]
    if any(given):
        try:
            row.identities.append(
                clean_identity(
                    {
                        "platform": cells.get("platform", ""),
                        "handle": cells.get("handle", ""),
                        "remote_id": cells.get("remote_id", ""),
                        "url": cells.get("url", ""),
                    },
                    prefix=f"row {row.number}",
                )
            )
        except ValidationError as exc:
            errors.update({key: " ".join(msgs) for key, msgs in exc.message_dict.items()})
    for column, value in cells.items():
        if not column.startswith("@") or not value:
            continue
        for handle in split_list(value):
            try:
                row.identities.append(
                    clean_identity(
                        {"platform": column[1:], "handle": handle},
                        prefix=f"row {row.number}.{column[1:]}",
                    )
                )
            except ValidationError as exc:
                errors.update({key: " ".join(msgs) for key, msgs in exc.message_dict.items()})


def _row_fields(row: _Row, errors: dict[str, str]) -> dict[str, Any]:
    from .actions import LIMITS, clean_tags

    cells, prefix = row.cells, f"row {row.number}"
    values: dict[str, Any] = {}
    for key, limit in LIMITS.items():
        text = " ".join(cells.get(key, "").split()) if key != "notes" else cells.get(key, "")
        if len(text) > limit:
            errors[f"{prefix}.{key}"] = _("At most %(n)d characters.") % {"n": limit}
        values[key] = text
    kind = cells.get("kind", "")
    values["kind"] = KINDS.get(kind.casefold(), "") if kind else ""
    if kind and not values["kind"]:
        errors[f"{prefix}.kind"] = _("One of: %(kinds)s.") % {
            "kinds": ", ".join(Contact.Kind.values)
        }
    importance = cells.get("importance", "")
    values["importance"] = IMPORTANCE.get(importance.casefold()) if importance else None
    if importance and values["importance"] is None:
        errors[f"{prefix}.importance"] = _("0 (low) to 3 (VIP), or low, normal, high, vip.")
    try:
        values["tags"] = clean_tags(split_list(cells.get("tags", "")))
    except ValidationError as exc:
        errors[f"{prefix}.tags"] = " ".join(exc.messages)
        values["tags"] = []
    contact_id = cells.get("contact_id", "")
    if contact_id and not contact_id.isdigit():
        errors[f"{prefix}.contact_id"] = _("A contact number, or empty.")
    values["contact_id"] = int(contact_id) if contact_id.isdigit() and len(contact_id) < 19 else 0
    return values


def plan_import(workspace: Workspace, text: str) -> list[ContactPlan]:
    """Every row resolved into a contact to create or merge into, or a ValidationError naming
    each bad row's cell (fields like ``row 3.handle``; the header is row 1)."""
    _columns, rows = read_rows(text)
    errors: dict[str, str] = {}
    plans: dict[tuple[Any, ...], ContactPlan] = {}
    claimed: dict[tuple[str, str], tuple[tuple[Any, ...], int]] = {}
    existing_ids = set(
        Contact.objects.filter(
            workspace=workspace,
            pk__in=[
                int(r.cells["contact_id"])
                for r in rows
                if r.cells.get("contact_id", "").isdigit() and len(r.cells["contact_id"]) < 19
            ],
        ).values_list("pk", flat=True)
    )
    for row in rows:
        before = len(errors)
        _row_identities(row, errors)
        values = _row_fields(row, errors)
        if len(errors) > before:
            continue
        key = _group(workspace, row, values, existing_ids, errors)
        if key is None:
            continue
        identity_keys = [k for identity in row.identities for k in _identity_keys(identity)]
        clash = next(
            (claimed[k] for k in identity_keys if k in claimed and claimed[k][0] != key), None
        )
        if clash is not None:
            errors[f"row {row.number}.handle"] = _(
                "The same account is given for another contact in row %(row)d."
            ) % {"row": clash[1]}
            continue
        plan = plans.setdefault(
            key, ContactPlan(rows=[], contact_id=key[1] if key[0] == "contact" else None)
        )
        _merge_row(plan, row, values, claimed, key)
    for plan in plans.values():
        if plan.contact_id is None and not plan.name:
            errors[f"row {plan.rows[0]}.name"] = _("Give the new contact a name.")
    if errors:
        raise ValidationError(errors)
    return list(plans.values())


def _identity_keys(identity: dict[str, str]) -> list[tuple[str, str]]:
    keys = []
    if identity["remote_id"]:
        keys.append((identity["platform"], f"id:{identity['remote_id']}"))
    if identity["handle"]:
        keys.append((identity["platform"], f"@{identity['handle'].casefold()}"))
    return keys


def _group(
    workspace: Workspace,
    row: _Row,
    values: dict[str, Any],
    existing_ids: set[int],
    errors: dict[str, str],
) -> tuple[Any, ...] | None:
    """Which contact the row is about: an existing one, a file-local number, or a name."""
    owners: set[int] = set()
    for identity in row.identities:
        found = _owner(workspace, identity)
        if found is not None:
            owners.add(found.contact_id)
            row.existing.add(id(identity))
    if values["contact_id"] in existing_ids:
        owners.add(values["contact_id"])
    if len(owners) > 1:
        errors[f"row {row.number}.handle"] = _(
            "These accounts belong to different contacts already (numbers %(ids)s)."
        ) % {"ids": ", ".join(str(i) for i in sorted(owners))}
        return None
    if owners:
        return ("contact", owners.pop())
    if values["contact_id"]:
        return ("file", values["contact_id"])
    if not values["name"]:
        errors[f"row {row.number}.name"] = _("Give the new contact a name.")
        return None
    return ("name", values["name"].casefold(), values["organisation"].casefold())


def _owner(workspace: Workspace, identity: dict[str, str]) -> Identity | None:
    from django.db.models import Q

    match = Q(pk__in=[])
    if identity["remote_id"]:
        match |= Q(remote_id=identity["remote_id"])
    if identity["handle"]:
        match |= Q(handle__iexact=identity["handle"])
    return Identity.objects.filter(
        match, workspace=workspace, platform=identity["platform"]
    ).first()


def _merge_row(
    plan: ContactPlan,
    row: _Row,
    values: dict[str, Any],
    claimed: dict[tuple[str, str], tuple[tuple[Any, ...], int]],
    key: tuple[Any, ...],
) -> None:
    plan.rows.append(row.number)
    for name in ("name", "kind", "organisation", "notes"):
        if values[name] and not getattr(plan, name):
            setattr(plan, name, values[name])
    if values["importance"] is not None and plan.importance is None:
        plan.importance = values["importance"]
    known = {tag.casefold() for tag in plan.tags}
    plan.tags += [tag for tag in values["tags"] if tag.casefold() not in known]
    for identity in row.identities:
        keys = _identity_keys(identity)
        if any(k in claimed for k in keys) or id(identity) in row.existing:
            continue
        for k in keys:
            claimed[k] = (key, row.number)
        plan.identities.append(identity)


def apply_plans(*, access: Access, plans: list[ContactPlan], request: HttpRequest | None) -> None:
    """Create or merge each planned contact (inside the caller's transaction)."""
    from . import actions

    for plan in plans:
        where = f"row {plan.rows[0]}"
        try:
            if plan.contact_id is None:
                contact = actions.create_contact(
                    access=access,
                    name=plan.name,
                    kind=plan.kind or Contact.Kind.FAN,
                    importance=(
                        plan.importance
                        if plan.importance is not None
                        else Contact.Importance.NORMAL
                    ),
                    organisation=plan.organisation,
                    tags=plan.tags,
                    notes=plan.notes,
                    identities=plan.identities,
                    request=request,
                )
                plan.contact_id, plan.created = contact.pk, True
                continue
            contact = Contact.objects.get(pk=plan.contact_id, workspace=access.workspace)
            changes: dict[str, Any] = {
                name: getattr(plan, name)
                for name in ("name", "kind", "organisation", "notes")
                if getattr(plan, name)
            }
            if plan.importance is not None:
                changes["importance"] = plan.importance
            known = {tag.casefold() for tag in contact.tags}
            added = [tag for tag in plan.tags if tag.casefold() not in known]
            if added:
                changes["tags"] = [*contact.tags, *added]
            actions.update_contact(access=access, contact=contact, request=request, **changes)
            for identity in plan.identities:
                actions.add_identity(access=access, contact=contact, request=request, **identity)
        except ValidationError as exc:  # the caller's transaction rolls every row back
            raise ValidationError(
                {
                    f"{where}.{key.rsplit('.', 1)[-1]}": msgs
                    for key, msgs in exc.message_dict.items()
                }
            ) from exc


# ---- export --------------------------------------------------------------------------------


class _Echo:
    def write(self, value: str) -> str:
        return value


def export_rows(workspace: Workspace) -> Iterator[str]:
    """The workspace's contacts as CSV lines (UTF-8 with a BOM, for Excel), one per identity."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(EXPORT_COLUMNS)
    contacts = (
        Contact.objects.filter(workspace=workspace)
        .prefetch_related("identities")
        .order_by("name_key", "id")
    )
    for contact in contacts.iterator(chunk_size=500):
        base = [
            contact.pk,
            contact.name,
            contact.kind,
            contact.importance,
            contact.organisation,
            ";".join(contact.tags),
            contact.notes,
        ]
        identities = list(contact.identities.all())
        if not identities:
            yield writer.writerow([*base, "", "", "", ""])
        for identity in identities:
            yield writer.writerow(
                [*base, identity.platform, identity.handle, identity.remote_id, identity.url]
            )
