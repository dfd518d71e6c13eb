"""Raising alerts (one row per (workspace, key), a pending delivery per destination), and the
actions that set up where they go (destinations).

The detector may fire the same alert many times (a spike minute seen by two workers, a crisis
word in a repost): the unique (workspace, key) constraint makes the first firing the alert and
every repeat only adds its mentions. Delivery happens afterwards (``delivery.dispatch``).
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from socialops.core import audit
from socialops.core.clock import now
from socialops.core.crypto import encrypt

from .models import Alert, AlertKind, Delivery, Destination, DestinationKind

if TYPE_CHECKING:
    from django.http import HttpRequest

    from socialops.accounts.queries import Access


def destinations_for(workspace_id: int, kind: str) -> list[Destination]:
    """The enabled destinations of the workspace that take alerts of ``kind``."""
    rows = Destination.objects.filter(workspace_id=workspace_id, enabled=True).order_by("id")
    return [d for d in rows if not d.alert_kinds or kind in d.alert_kinds]


def _link_mentions(alert_id: int, mention_ids: Sequence[int]) -> None:
    ids = sorted({int(m) for m in mention_ids})
    if not ids:
        return
    through = Alert.mentions.through
    through.objects.bulk_create(
        [through(alert_id=alert_id, mention_id=m) for m in ids],  # type: ignore[misc]
        ignore_conflicts=True,
        batch_size=500,
    )


def raise_alert(
    workspace_id: int,
    *,
    kind: str,
    key: str,
    title: str,
    query_id: int | None = None,
    detail: dict[str, Any] | None = None,
    mention_ids: Sequence[int] = (),
    window_start: datetime | None = None,
    window_end: datetime | None = None,
) -> Alert | None:
    """Raise the alert ``key`` once; a repeat adds ``mention_ids`` to it and returns None.

    A new alert gets one pending Delivery per enabled destination whose ``alert_kinds`` is empty
    or holds ``kind``; nothing is sent yet (``delivery.dispatch`` does that).
    """
    key = key[:200]
    existing = Alert.objects.filter(workspace_id=workspace_id, key=key).only("id").first()
    if existing is None:
        try:
            with transaction.atomic():
                alert = Alert.objects.create(
                    workspace_id=workspace_id,
                    kind=kind,
                    key=key,
                    title=title[:200],
                    query_id=query_id,
                    detail=detail or {},
                    window_start=window_start,
                    window_end=window_end,
                    created_at=now(),
                )
                _link_mentions(alert.pk, mention_ids)
                at = now()
                Delivery.objects.bulk_create(
                    [
                        Delivery(
                            workspace_id=workspace_id,
                            alert=alert,
                            destination=destination,
                            next_attempt_at=at,
                            created_at=at,
                        )
                        for destination in destinations_for(workspace_id, kind)
                    ]
                )
            return alert
        except IntegrityError:
            # another worker raised it between our look and our insert
            existing = Alert.objects.filter(workspace_id=workspace_id, key=key).only("id").first()
            if existing is None:  # pragma: no cover - the constraint named something else
                raise
    _link_mentions(existing.pk, mention_ids)
    return None


# ---- destinations ------------------------------------------------------------------------------

NAME_LENGTH = 80
URL_LENGTH = 1000
SECRET_LENGTH = 500
MAX_RECIPIENTS = 50
URL_KINDS = {
    DestinationKind.WECOM,
    DestinationKind.DINGTALK,
    DestinationKind.FEISHU,
    DestinationKind.SLACK,
    DestinationKind.WEBHOOK,
}
SIGNED_KINDS = {DestinationKind.DINGTALK, DestinationKind.FEISHU, DestinationKind.WEBHOOK}
ALERT_KINDS = [kind for kind in AlertKind.values if kind != AlertKind.TEST]
FIELDS = ["name", "kind", "url", "recipients", "alert_kinds", "enabled"]


def masked_url(url: str) -> str:
    """The scheme and host only: a bot's URL carries its access token."""
    parts = urllib.parse.urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return ""
    return f"{parts.scheme}://{parts.netloc}/…"


def destination_snapshot(destination: Destination) -> dict[str, Any]:
    """What the audit log keeps: no secret and no token-bearing URL."""
    return {
        "name": destination.name,
        "kind": destination.kind,
        "url": masked_url(destination.url),
        "has_secret": bool(destination.secret),
        "recipients": list(destination.recipients),
        "alert_kinds": list(destination.alert_kinds),
        "enabled": destination.enabled,
    }


def _clean_url(kind: str, value: Any, fields: dict[str, str]) -> str:
    url = str(value or "").strip()
    if kind not in URL_KINDS:
        return ""
    if not url:
        fields["url"] = _("Give the webhook address.")
        return ""
    if len(url) > URL_LENGTH:
        fields["url"] = _("At most %(n)d characters.") % {"n": URL_LENGTH}
        return ""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or any(c.isspace() for c in url):
        fields["url"] = _("Give an http:// or https:// address.")
        return ""
    return url


def _clean_recipients(kind: str, value: Any, fields: dict[str, str]) -> list[str]:
    if kind != DestinationKind.EMAIL:
        return []
    if isinstance(value, str):
        value = value.replace(",", "\n").replace(";", "\n").split()
    if not isinstance(value, list | tuple):
        fields["recipients"] = _("Give a list of email addresses.")
        return []
    recipients: list[str] = []
    for item in value:
        address = str(item).strip()
        if not address or address.lower() in (r.lower() for r in recipients):
            continue
        try:
            validate_email(address)
        except ValidationError:
            fields["recipients"] = _("%(value)s is not a valid email address.") % {
                "value": address[:100]
            }
            return []
        recipients.append(address)
    if not recipients:
        fields["recipients"] = _("Give at least one email address.")
    elif len(recipients) > MAX_RECIPIENTS:
        fields["recipients"] = _("At most %(n)d addresses.") % {"n": MAX_RECIPIENTS}
    return recipients


def _clean_alert_kinds(value: Any, fields: dict[str, str]) -> list[str]:
    if not isinstance(value, list | tuple):
        fields["alert_kinds"] = _("Give a list of alert kinds.")
        return []
    kinds: list[str] = []
    for item in value:
        if item not in ALERT_KINDS:
            fields["alert_kinds"] = _("%(value)s is not an alert kind.") % {"value": str(item)[:40]}
            return []
        if item not in kinds:
            kinds.append(item)
    return [kind for kind in ALERT_KINDS if kind in kinds]


def clean_destination(
    workspace_id: int, destination: Destination | None, values: dict[str, Any]
) -> dict[str, Any]:
    """The destination's fields from ``values`` (all of them), or ValidationError by field.

    ``secret``: None keeps the stored one, "" removes it, text replaces it (stored encrypted).
    """
    fields: dict[str, str] = {}
    name = " ".join(str(values.get("name") or "").split())
    if not name:
        fields["name"] = _("Give the destination a name.")
    elif len(name) > NAME_LENGTH:
        fields["name"] = _("At most %(n)d characters.") % {"n": NAME_LENGTH}
    else:
        others = Destination.objects.filter(workspace_id=workspace_id, name=name)
        if (others.exclude(pk=destination.pk) if destination else others).exists():
            fields["name"] = _("This workspace already has a destination with this name.")
    kind = values.get("kind")
    if kind not in DestinationKind.values:
        fields["kind"] = _("Choose one of the destination kinds.")
        kind = ""
    url = _clean_url(kind, values.get("url"), fields)
    recipients = _clean_recipients(kind, values.get("recipients") or [], fields)
    alert_kinds = _clean_alert_kinds(values.get("alert_kinds") or [], fields)
    secret = values.get("secret")
    cleaned: dict[str, Any] = {
        "name": name,
        "kind": kind,
        "url": url,
        "recipients": recipients,
        "alert_kinds": alert_kinds,
        "enabled": bool(values.get("enabled", True)),
    }
    if secret is not None:
        secret = str(secret).strip()
        if secret and kind and kind not in SIGNED_KINDS:
            fields["secret"] = _("Only DingTalk, Feishu and webhook destinations are signed.")
        elif len(secret) > SECRET_LENGTH:
            fields["secret"] = _("At most %(n)d characters.") % {"n": SECRET_LENGTH}
        cleaned["secret"] = encrypt(secret) if secret else ""
    elif kind and kind not in SIGNED_KINDS:
        cleaned["secret"] = ""  # a kind that signs nothing keeps no secret
    if fields:
        raise ValidationError(fields)
    return cleaned


def destination_values(destination: Destination) -> dict[str, Any]:
    """The stored fields as ``clean_destination`` takes them (secret: kept)."""
    return {name: getattr(destination, name) for name in FIELDS} | {"secret": None}


@transaction.atomic
def create_destination(
    *, access: Access, request: HttpRequest | None = None, **values: Any
) -> Destination:
    cleaned = clean_destination(access.workspace.pk, None, values)
    at = now()
    destination = Destination.objects.create(
        workspace=access.workspace, created_at=at, updated_at=at, **cleaned
    )
    audit.record(
        action="listening.destination_created",
        workspace=access.workspace,
        actor=access.user,
        request=request,
        target=destination,
        after=destination_snapshot(destination),
    )
    return destination


@transaction.atomic
def update_destination(
    *,
    access: Access,
    destination: Destination,
    request: HttpRequest | None = None,
    **changes: Any,
) -> Destination:
    """Change the given fields; the others keep their values."""
    locked = Destination.objects.select_for_update().get(pk=destination.pk)
    before = destination_snapshot(locked)
    old_secret = locked.secret
    values = destination_values(locked) | changes
    cleaned = clean_destination(access.workspace.pk, locked, values)
    for name, value in cleaned.items():
        setattr(locked, name, value)
    locked.updated_at = now()
    locked.save()
    after = destination_snapshot(locked)
    secret_changed = "secret" in cleaned and cleaned["secret"] != old_secret
    if after != before or secret_changed:
        audit.record(
            action="listening.destination_updated",
            workspace=access.workspace,
            actor=access.user,
            request=request,
            target=locked,
            before=before,
            after=after | ({"secret_changed": True} if secret_changed else {}),
        )
    return locked


@transaction.atomic
def delete_destination(
    *, access: Access, destination: Destination, request: HttpRequest | None = None
) -> None:
    audit.record(
        action="listening.destination_deleted",
        workspace=access.workspace,
        actor=access.user,
        request=request,
        target=destination,
        before=destination_snapshot(destination),
    )
    destination.delete()


def send_destination_test(
    *, access: Access, destination: Destination, request: HttpRequest | None = None
) -> Any:
    """Send a test alert to this destination now; the outcome (state, status_code, error)."""
    from .delivery import send_test

    outcome = send_test(destination)
    audit.record(
        action="listening.destination_tested",
        workspace=access.workspace,
        actor=access.user,
        request=request,
        target=destination,
        after={"state": outcome.state, "status_code": outcome.status_code, "error": outcome.error},
    )
    return outcome
