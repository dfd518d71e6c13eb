"""What people do on the crisis board: acknowledge, resolve and reopen an alert (audited).

Who may: anyone who answers the public (Perm.INBOX_REPLY: agents, managers, owners) or manages
listening (Perm.LISTENING_MANAGE: analysts too). A crisis is handled by whoever is on duty, often
an agent at night; saying "I'm on it" must not wait for a manager.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from socialops.accounts.queries import Access, AccessDenied
from socialops.accounts.roles import Perm
from socialops.core import audit
from socialops.core.clock import now

from .models import Alert

State = Alert.State
FIELDS = ["state", "acknowledged_by", "acknowledged_at", "resolved_at"]


def may_handle(access: Access) -> bool:
    return access.can(Perm.INBOX_REPLY) or access.can(Perm.LISTENING_MANAGE)


def require_handle(access: Access) -> None:
    if not may_handle(access):
        raise AccessDenied(access, Perm.LISTENING_MANAGE)


def _change(
    access: Access,
    alert: Alert,
    *,
    allowed_from: tuple[str, ...],
    action: str,
    request: HttpRequest | None,
    **changes: object,
) -> Alert:
    require_handle(access)
    with transaction.atomic():
        row = Alert.objects.select_for_update().get(pk=alert.pk, workspace=access.workspace)
        if row.state not in allowed_from:
            raise ValidationError(
                {"state": _("The alert is %(state)s.") % {"state": row.get_state_display()}}
            )
        before = audit.snapshot(row, FIELDS)
        for name, value in changes.items():
            setattr(row, name, value)
        row.save(update_fields=list(changes))
        audit.record(
            action=action,
            workspace=access.workspace,
            actor=access.user,
            request=request,
            target=row,
            before=before,
            after=audit.snapshot(row, FIELDS),
        )
        return row


def acknowledge(*, access: Access, alert: Alert, request: HttpRequest | None = None) -> Alert:
    """Someone is on it: open → acknowledged."""
    return _change(
        access,
        alert,
        allowed_from=(State.OPEN,),
        action="listening.alert_acknowledged",
        request=request,
        state=State.ACKNOWLEDGED,
        acknowledged_by=access.user,
        acknowledged_at=now(),
    )


def resolve(*, access: Access, alert: Alert, request: HttpRequest | None = None) -> Alert:
    """Handled: open or acknowledged → resolved (acknowledged by the resolver if nobody had)."""
    at = now()
    changes: dict[str, object] = {"state": State.RESOLVED, "resolved_at": at}
    if alert.acknowledged_at is None:
        changes.update(acknowledged_by=access.user, acknowledged_at=at)
    return _change(
        access,
        alert,
        allowed_from=(State.OPEN, State.ACKNOWLEDGED),
        action="listening.alert_resolved",
        request=request,
        **changes,
    )


def reopen(*, access: Access, alert: Alert, request: HttpRequest | None = None) -> Alert:
    """Not over after all: acknowledged or resolved → open, as if new."""
    return _change(
        access,
        alert,
        allowed_from=(State.ACKNOWLEDGED, State.RESOLVED),
        action="listening.alert_reopened",
        request=request,
        state=State.OPEN,
        acknowledged_by=None,
        acknowledged_at=None,
        resolved_at=None,
    )
