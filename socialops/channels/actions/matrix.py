"""The account matrix: role, owner, capacity, notes and complementary accounts."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from socialops.accounts.models import Membership
from socialops.accounts.queries import Access
from socialops.accounts.roles import Perm
from socialops.core import audit
from socialops.core.audit import snapshot

from ..models import Channel, Complement

if TYPE_CHECKING:
    from django.http import HttpRequest


MATRIX_FIELDS = ["role", "owner", "weekly_capacity_hours", "notes"]


MAX_CAPACITY_HOURS = Decimal("168")


_UNSET: Any = object()


def _capacity(value: Any) -> Decimal:
    try:
        hours = Decimal(str(value)).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError):
        raise ValidationError({"weekly_capacity_hours": _("Enter a number of hours.")}) from None
    if not Decimal(0) <= hours <= MAX_CAPACITY_HOURS:
        raise ValidationError({"weekly_capacity_hours": _("Choose between 0 and 168 hours.")})
    return hours


def _matrix_snapshot(channel: Channel) -> dict[str, Any]:
    pairs = Complement.objects.filter(from_channel=channel).order_by("to_channel_id")
    return {
        **snapshot(channel, MATRIX_FIELDS),
        "complements": {str(pair.to_channel_id): pair.why for pair in pairs},
    }


@transaction.atomic
def update_matrix(
    *,
    access: Access,
    channel: Channel,
    role: str | None = None,
    owner_id: int | None = _UNSET,
    weekly_capacity_hours: Any = None,
    notes: str | None = None,
    complements: Mapping[int, str] | None = None,
    request: HttpRequest | None = None,
) -> Channel:
    """Set the account's role, owner, capacity, notes and complementary accounts."""
    access.require(Perm.PLATFORM_MANAGE, request)
    channel = Channel.objects.select_for_update().get(pk=channel.pk, workspace=access.workspace)
    before = _matrix_snapshot(channel)
    if role is not None:
        if role not in Channel.Role.values:
            raise ValidationError({"role": _("Unknown role.")})
        channel.role = role
    if owner_id is not _UNSET:
        if (
            owner_id is not None
            and not Membership.objects.filter(workspace=access.workspace, user_id=owner_id).exists()
        ):
            raise ValidationError({"owner_id": _("The owner must be a member of this workspace.")})
        channel.owner_id = owner_id
    if weekly_capacity_hours is not None:
        channel.weekly_capacity_hours = _capacity(weekly_capacity_hours)
    if notes is not None:
        channel.notes = notes.strip()[:2000]
    channel.save(update_fields=["role", "owner", "weekly_capacity_hours", "notes"])
    if complements is not None:
        _set_complements(access, channel, complements)
    after = _matrix_snapshot(channel)
    if after != before:
        audit.record(
            action="channel.matrix_updated",
            workspace=access.workspace,
            actor=access.user,
            request=request,
            target=channel,
            before=before,
            after=after,
        )
    return channel


def _set_complements(access: Access, channel: Channel, wanted: Mapping[int, str]) -> None:
    others = {
        other.pk: other
        for other in Channel.objects.filter(workspace=access.workspace, pk__in=list(wanted))
        .exclude(status=Channel.Status.DISCONNECTED)
        .exclude(pk=channel.pk)
    }
    unknown = [pk for pk in wanted if pk not in others]
    if unknown:
        raise ValidationError(
            {"complements": _("Complements must be other live accounts of this workspace.")}
        )
    Complement.objects.filter(from_channel=channel).exclude(to_channel_id__in=others).delete()
    Complement.objects.filter(to_channel=channel).exclude(from_channel_id__in=others).delete()
    for pk, other in others.items():
        why = str(wanted[pk]).strip()[:200]
        for source, target in ((channel, other), (other, channel)):
            Complement.objects.update_or_create(
                from_channel=source, to_channel=target, defaults={"why": why}
            )
