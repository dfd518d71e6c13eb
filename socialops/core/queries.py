"""Reads of the audit log and worker health."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import connection
from django.db.models import QuerySet

from socialops.core.clock import now
from socialops.core.models import AuditEvent, WorkerHeartbeat


@dataclass(frozen=True)
class AuditFilter:
    action: str = ""
    actor: str = ""
    target_type: str = ""
    since: datetime | None = None
    until: datetime | None = None


def audit_events(workspace_id: int, flt: AuditFilter) -> QuerySet[AuditEvent]:
    events = AuditEvent.objects.filter(workspace_id=workspace_id).select_related("actor")
    if flt.action:
        events = events.filter(action__startswith=flt.action)
    if flt.actor:
        events = events.filter(actor_label__icontains=flt.actor)
    if flt.target_type:
        events = events.filter(target_type=flt.target_type)
    if flt.since:
        events = events.filter(created_at__gte=flt.since)
    if flt.until:
        events = events.filter(created_at__lt=flt.until)
    return events


def audit_actions(workspace_id: int) -> list[str]:
    return sorted(
        AuditEvent.objects.filter(workspace_id=workspace_id)
        .values_list("action", flat=True)
        .distinct()
    )


def database_ok() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any failure means "not ok", reported as text
        return False, f"{type(exc).__name__}: {exc}"
    return True, connection.vendor


def worker_status() -> dict[str, object]:
    beat = WorkerHeartbeat.objects.order_by("-beat_at").first()
    if beat is None:
        return {"ok": False, "status": "never_seen", "last_beat": None, "age_seconds": None}
    age = (now() - beat.beat_at).total_seconds()
    fresh = age <= settings.WORKER_HEARTBEAT_STALE_SECONDS
    return {
        "ok": fresh,
        "status": "ok" if fresh else "stale",
        "last_beat": beat.beat_at.isoformat(),
        "age_seconds": round(age, 1),
        "worker": beat.worker,
    }
