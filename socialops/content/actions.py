"""Every write to publishing rules: one transaction, one audit row with before and after."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from socialops.accounts.queries import Access
from socialops.accounts.roles import Perm
from socialops.core import audit
from socialops.core.audit import snapshot
from socialops.core.clock import now
from socialops.platforms import catalog

from .models import EditorialRule
from .rules import Kind, ParamsError, clean_params

if TYPE_CHECKING:
    from django.http import HttpRequest

RULE_FIELDS = ["name", "kind", "params", "severity", "enabled", "applies_to"]


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
    request: HttpRequest | None = None,
) -> EditorialRule:
    access.require(Perm.CONTENT_APPROVE, request)
    platforms = sorted(set(applies_to or []))
    cleaned = _clean(kind, params, severity, platforms)
    rule = EditorialRule.objects.create(
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
    """Change any of name, params, severity, enabled and applies_to; the kind stays."""
    access.require(Perm.CONTENT_APPROVE, request)
    unknown = set(changes) - {"name", "params", "severity", "enabled", "applies_to"}
    if unknown:
        raise TypeError(f"update_rule() got unexpected fields {sorted(unknown)}")
    locked = EditorialRule.objects.select_for_update().get(pk=rule.pk, workspace=access.workspace)
    before = snapshot(locked, RULE_FIELDS)
    name = changes.get("name", locked.name).strip()
    severity = changes.get("severity", locked.severity)
    platforms = sorted(set(changes.get("applies_to", locked.applies_to)))
    params = changes.get("params", locked.params)
    locked.params = _clean(locked.kind, params, severity, platforms)
    locked.name, locked.severity, locked.applies_to = name, severity, platforms
    locked.enabled = bool(changes.get("enabled", locked.enabled))
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
    access.require(Perm.CONTENT_APPROVE, request)
    locked = EditorialRule.objects.select_for_update().get(pk=rule.pk, workspace=access.workspace)
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
