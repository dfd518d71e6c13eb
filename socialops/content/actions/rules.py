"""Every write to publishing rules: one transaction, one audit row with before and after."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from socialops.accounts.models import Workspace
from socialops.accounts.queries import Access
from socialops.accounts.roles import Perm
from socialops.content import queries
from socialops.content.models import ContentPillar, EditorialRule
from socialops.content.pillars import DEFAULT_PILLARS
from socialops.content.rules import Kind, ParamsError, clean_params
from socialops.core import audit
from socialops.core.audit import snapshot
from socialops.core.clock import now
from socialops.platforms import catalog

if TYPE_CHECKING:
    from django.http import HttpRequest

RULE_FIELDS = [
    "name",
    "kind",
    "params",
    "severity",
    "enabled",
    "applies_to",
    "scope",
    "reply_kinds",
]
RULE_CHANGES = {"name", "params", "severity", "enabled", "applies_to", "scope", "reply_kinds"}
REPLY_KINDS = ("comment", "mention", "dm")  # socialops.inbox.models.Kind


def _require_scope(access: Access, scope: str, request: HttpRequest | None) -> None:
    """Post rules are the content approvers'; the guidebook's reply rules the inbox managers'."""
    if scope != EditorialRule.Scope.REPLIES:
        access.require(Perm.CONTENT_APPROVE, request)
    if scope != EditorialRule.Scope.POSTS:
        access.require(Perm.INBOX_MANAGE, request)


def _clean_scope(scope: str, reply_kinds: list[str]) -> list[str]:
    fields: dict[str, str] = {}
    if scope not in EditorialRule.Scope.values:
        fields["scope"] = _("Choose posts, replies or both.")
    unknown = [kind for kind in reply_kinds if kind not in REPLY_KINDS]
    if unknown:
        fields["reply_kinds"] = _("Unknown kinds: %(kinds)s.") % {"kinds": ", ".join(unknown)}
    if fields:
        raise ValidationError(fields)
    return [kind for kind in REPLY_KINDS if kind in reply_kinds]


def _clean(kind: str, params: Any, severity: str, applies_to: list[str]) -> dict[str, Any]:
    fields: dict[str, str] = {}
    if kind not in EditorialRule.Kind.values:
        raise ValidationError({"kind": _("Not a kind of rule.")})
    if severity not in EditorialRule.Severity.values:
        fields["severity"] = _("Choose error or warning.")
    unknown = [code for code in applies_to if catalog.get(code) is None]
    if unknown:
        fields["applies_to"] = _("Unknown platforms: %(codes)s.") % {"codes": ", ".join(unknown)}
    try:
        cleaned = clean_params(Kind(kind), params)
    except ParamsError as exc:
        fields.update(exc.fields)
        cleaned = {}
    if fields:
        raise ValidationError(fields)
    return cleaned


@transaction.atomic
def create_rule(
    *,
    access: Access,
    kind: str,
    params: Any,
    name: str = "",
    severity: str = EditorialRule.Severity.ERROR,
    enabled: bool = True,
    applies_to: list[str] | None = None,
    scope: str = EditorialRule.Scope.POSTS,
    reply_kinds: list[str] | None = None,
    request: HttpRequest | None = None,
) -> EditorialRule:
    """A rule for posts (the default), for replies (the guidebook's) or for both."""
    _require_scope(access, scope, request)
    kinds = _clean_scope(scope, reply_kinds or [])
    platforms = sorted(set(applies_to or []))
    cleaned = _clean(kind, params, severity, platforms)
    rule = EditorialRule.objects.create(
        scope=scope,
        reply_kinds=kinds,
        workspace=access.workspace,
        name=name.strip(),
        kind=kind,
        params=cleaned,
        severity=severity,
        enabled=enabled,
        applies_to=platforms,
        created_by=access.user,
    )
    audit.record(
        action="editorial_rule.created",
        workspace=access.workspace,
        actor=access.user,
        request=request,
        target=rule,
        after=snapshot(rule, RULE_FIELDS),
    )
    return rule


@transaction.atomic
def update_rule(
    *,
    access: Access,
    rule: EditorialRule,
    request: HttpRequest | None = None,
    **changes: Any,
) -> EditorialRule:
    """Change any of name, params, severity, enabled, applies_to, scope and reply_kinds.

    The kind stays. Moving a rule between scopes needs the rights of both.
    """
    unknown = set(changes) - RULE_CHANGES
    if unknown:
        raise TypeError(f"update_rule() got unexpected fields {sorted(unknown)}")
    locked = EditorialRule.objects.select_for_update().get(pk=rule.pk, workspace=access.workspace)
    _require_scope(access, locked.scope, request)
    scope = changes.get("scope", locked.scope)
    if scope != locked.scope:
        _require_scope(access, scope, request)
    kinds = _clean_scope(scope, changes.get("reply_kinds", locked.reply_kinds))
    before = snapshot(locked, RULE_FIELDS)
    name = changes.get("name", locked.name).strip()
    severity = changes.get("severity", locked.severity)
    platforms = sorted(set(changes.get("applies_to", locked.applies_to)))
    params = changes.get("params", locked.params)
    locked.params = _clean(locked.kind, params, severity, platforms)
    locked.name, locked.severity, locked.applies_to = name, severity, platforms
    locked.enabled = bool(changes.get("enabled", locked.enabled))
    locked.scope, locked.reply_kinds = scope, kinds
    after = snapshot(locked, RULE_FIELDS)
    if after != before:
        locked.updated_at = now()
        locked.save()
        if _only_enabled_changed(before, after):
            action = "editorial_rule.enabled" if locked.enabled else "editorial_rule.disabled"
        else:
            action = "editorial_rule.updated"
        audit.record(
            action=action,
            workspace=access.workspace,
            actor=access.user,
            request=request,
            target=locked,
            before=before,
            after=after,
        )
    return locked


def _only_enabled_changed(before: dict[str, Any], after: dict[str, Any]) -> bool:
    return [key for key in before if before[key] != after[key]] == ["enabled"]


def set_rule_enabled(
    *, access: Access, rule: EditorialRule, enabled: bool, request: HttpRequest | None = None
) -> EditorialRule:
    return update_rule(access=access, rule=rule, enabled=enabled, request=request)


@transaction.atomic
def delete_rule(*, access: Access, rule: EditorialRule, request: HttpRequest | None = None) -> None:
    locked = EditorialRule.objects.select_for_update().get(pk=rule.pk, workspace=access.workspace)
    _require_scope(access, locked.scope, request)
    before = snapshot(locked, RULE_FIELDS)
    audit.record(
        action="editorial_rule.deleted",
        workspace=access.workspace,
        actor=access.user,
        request=request,
        target=locked,
        before=before,
    )
    locked.delete()


# Content pillars (内容构成) ---------------------------------------------------------------------

PILLAR_FIELDS = ["name", "description", "colour", "target_share", "position", "archived"]
PILLAR_CHANGES = {"name", "description", "colour", "target_share", "position", "archived"}
COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


def _check_pillar(access: Access, pillar: ContentPillar) -> None:
    """Field errors of a pillar about to be saved, the sum of active targets included."""
    fields: dict[str, str] = {}
    if not pillar.name:
        fields["name"] = _("Give the pillar a name.")
    elif len(pillar.name) > 50:
        fields["name"] = _("At most 50 characters.")
    elif (
        not pillar.archived
        and ContentPillar.objects.filter(
            workspace=access.workspace, archived=False, name__iexact=pillar.name
        )
        .exclude(pk=pillar.pk)
        .exists()
    ):
        fields["name"] = _("Another pillar already has this name.")
    if len(pillar.description) > 500:
        fields["description"] = _("At most 500 characters.")
    if not COLOUR.match(pillar.colour):
        fields["colour"] = _("A colour like #1a2b3c.")
    if not 0 <= pillar.target_share <= 100:
        fields["target_share"] = _("A share from 0 to 100 percent.")
    elif not pillar.archived:
        others = queries.allocated_share(access.workspace, exclude=pillar.pk)
        if others + pillar.target_share > 100:
            fields["target_share"] = _(
                "Active targets would add up to %(total)s%%; at most 100%%. "
                "%(free)s%% is unallocated."
            ) % {"total": others + pillar.target_share, "free": max(0, 100 - others)}
    if fields:
        raise ValidationError(fields)


def _record_pillar(
    access: Access,
    action: str,
    pillar: ContentPillar,
    request: HttpRequest | None,
    before: dict[str, Any] | None = None,
) -> None:
    audit.record(
        action=action,
        workspace=access.workspace,
        actor=access.user,
        request=request,
        target=pillar,
        before=before,
        after=snapshot(pillar, PILLAR_FIELDS),
    )


@transaction.atomic
def create_pillar(
    *,
    access: Access,
    name: str,
    target_share: int,
    description: str = "",
    colour: str = "#0d6efd",
    request: HttpRequest | None = None,
) -> ContentPillar:
    access.require(Perm.CONTENT_APPROVE, request)
    Workspace.objects.select_for_update().filter(pk=access.workspace.pk).first()  # one at a time
    last = queries.workspace_pillars(access.workspace, archived=None).order_by("-position").first()
    pillar = ContentPillar(
        workspace=access.workspace,
        name=name.strip(),
        description=description.strip(),
        colour=colour.lower(),
        target_share=target_share,
        position=(last.position + 1) if last else 0,
    )
    _check_pillar(access, pillar)
    pillar.save()
    _record_pillar(access, "content_pillar.created", pillar, request)
    return pillar


@transaction.atomic
def update_pillar(
    *,
    access: Access,
    pillar: ContentPillar,
    request: HttpRequest | None = None,
    **changes: Any,
) -> ContentPillar:
    """Change any of name, description, colour, target_share, position and archived."""
    access.require(Perm.CONTENT_APPROVE, request)
    unknown = set(changes) - PILLAR_CHANGES
    if unknown:
        raise TypeError(f"update_pillar() got unexpected fields {sorted(unknown)}")
    Workspace.objects.select_for_update().filter(pk=access.workspace.pk).first()
    locked = ContentPillar.objects.select_for_update().get(pk=pillar.pk, workspace=access.workspace)
    before = snapshot(locked, PILLAR_FIELDS)
    for key, value in changes.items():
        if isinstance(value, str):
            value = value.strip().lower() if key == "colour" else value.strip()
        setattr(locked, key, value)
    _check_pillar(access, locked)
    after = snapshot(locked, PILLAR_FIELDS)
    if after != before:
        locked.updated_at = now()
        locked.save()
        changed = [key for key in before if before[key] != after[key]]
        if changed == ["archived"]:
            action = "content_pillar.archived" if locked.archived else "content_pillar.restored"
        else:
            action = "content_pillar.updated"
        _record_pillar(access, action, locked, request, before)
    return locked


def archive_pillar(
    *, access: Access, pillar: ContentPillar, request: HttpRequest | None = None
) -> ContentPillar:
    """Archived pillars keep their posts' tags but leave the targets and the pickers."""
    return update_pillar(access=access, pillar=pillar, archived=True, request=request)


@transaction.atomic
def reorder_pillars(
    *, access: Access, order: list[int], request: HttpRequest | None = None
) -> list[ContentPillar]:
    """Put the workspace's active pillars in the given order of ids (others follow as they were)."""
    access.require(Perm.CONTENT_APPROVE, request)
    pillars = list(
        queries.workspace_pillars(access.workspace).select_for_update().order_by("position", "id")
    )
    known = {p.pk: p for p in pillars}
    unknown = [pid for pid in order if pid not in known]
    if unknown or len(set(order)) != len(order):
        raise ValidationError({"order": _("Give each active pillar of this workspace once.")})
    ordered = [known[pid] for pid in order] + [p for p in pillars if p.pk not in set(order)]
    before = {str(p.pk): p.position for p in pillars}
    for position, pillar in enumerate(ordered):
        if pillar.position != position:
            pillar.position = position
            pillar.updated_at = now()
            pillar.save(update_fields=["position", "updated_at"])
    after = {str(p.pk): p.position for p in ordered}
    if after != before:
        audit.record(
            action="content_pillar.reordered",
            workspace=access.workspace,
            actor=access.user,
            request=request,
            before={"order": [p.pk for p in pillars]},
            after={"order": [p.pk for p in ordered]},
        )
    return ordered


def move_pillar(
    *, access: Access, pillar: ContentPillar, step: int, request: HttpRequest | None = None
) -> list[ContentPillar]:
    """Move an active pillar one place up (step -1) or down (+1)."""
    ids = list(queries.workspace_pillars(access.workspace).values_list("pk", flat=True))
    if pillar.pk not in ids:
        raise ValidationError({"order": _("Only active pillars can be moved.")})
    index = ids.index(pillar.pk)
    other = index + step
    if 0 <= other < len(ids):
        ids[index], ids[other] = ids[other], ids[index]
    return reorder_pillars(access=access, order=ids, request=request)


@transaction.atomic
def load_default_pillars(
    *, access: Access, request: HttpRequest | None = None
) -> list[ContentPillar]:
    """Add the suggested pillars the workspace lacks (by active name); refused past 100%."""
    access.require(Perm.CONTENT_APPROVE, request)
    Workspace.objects.select_for_update().filter(pk=access.workspace.pk).first()
    active = {
        name.lower()
        for name in queries.workspace_pillars(access.workspace).values_list("name", flat=True)
    }
    missing = [d for d in DEFAULT_PILLARS if d.name.lower() not in active]
    adding = sum(d.target_share for d in missing)
    allocated = queries.allocated_share(access.workspace)
    if allocated + adding > 100:
        raise ValidationError(
            {
                "target_share": _(
                    "The suggested pillars need %(need)s%% but only %(free)s%% is unallocated; "
                    "lower or archive some targets first."
                )
                % {"need": adding, "free": max(0, 100 - allocated)}
            }
        )
    return [
        create_pillar(
            access=access,
            name=d.name,
            description=d.description,
            colour=d.colour,
            target_share=d.target_share,
            request=request,
        )
        for d in missing
    ]
