"""Assignment rules applied when a conversation arrives."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Count

from socialops.accounts.models import Membership
from socialops.accounts.roles import Perm, can
from socialops.core import audit

from .models import AssignmentRule, Conversation

if TYPE_CHECKING:
    from socialops.accounts.models import User


def _matches(rule: AssignmentRule, conversation: Conversation) -> bool:
    return (
        (not rule.channel_ids or conversation.channel_id in rule.channel_ids)
        and (not rule.kinds or conversation.kind in rule.kinds)
        and (not rule.langs or conversation.lang in rule.langs)
        and (not rule.intents or conversation.intent in rule.intents)
    )


def _eligible(rule: AssignmentRule) -> list[int]:
    """The rule's members, in its order, who are still members and may still reply."""
    roles = dict(
        Membership.objects.filter(
            workspace_id=rule.workspace_id, user_id__in=rule.member_ids, user__is_active=True
        ).values_list("user_id", "role")
    )
    return [pk for pk in rule.member_ids if pk in roles and can(roles[pk], Perm.INBOX_REPLY)]


def _pick(rule: AssignmentRule, eligible: list[int]) -> int:
    if rule.strategy == AssignmentRule.Strategy.ROUND_ROBIN:
        # the pointer walks member_ids; members who lost the permission are stepped over
        size = len(rule.member_ids)
        for step in range(size):
            index = (rule.next_index + step) % size
            if rule.member_ids[index] in eligible:
                AssignmentRule.objects.filter(pk=rule.pk).update(next_index=(index + 1) % size)
                return int(rule.member_ids[index])
    if rule.strategy == AssignmentRule.Strategy.LEAST_OPEN:
        load = dict(
            Conversation.objects.filter(
                workspace_id=rule.workspace_id,
                assignee_id__in=eligible,
                status__in=(Conversation.Status.OPEN, Conversation.Status.PENDING),
            )
            .values_list("assignee_id")
            .annotate(n=Count("id"))
        )
        return min(eligible, key=lambda pk: (load.get(pk, 0), eligible.index(pk)))
    return eligible[0]


@transaction.atomic
def assign_on_arrival(conversation: Conversation) -> User | None:
    """The first enabled rule that matches picks the assignee; no rule, no assignee.

    A rule whose members all lost the permission to reply is passed over for the next one.
    An already assigned conversation is left alone.
    """
    if conversation.assignee_id is not None:
        return conversation.assignee
    rules = AssignmentRule.objects.select_for_update().filter(
        workspace_id=conversation.workspace_id, enabled=True
    )
    for rule in rules.order_by("position", "id"):
        if not _matches(rule, conversation):
            continue
        eligible = _eligible(rule)
        if not eligible:
            continue
        conversation.assignee_id = _pick(rule, eligible)
        Conversation.objects.filter(pk=conversation.pk).update(assignee_id=conversation.assignee_id)
        audit.record(
            action="inbox.auto_assigned",
            workspace=conversation.workspace,
            target=conversation,
            before={"assignee": None},
            after={"assignee": conversation.assignee_id, "rule": rule.pk, "rule_name": rule.name},
        )
        return conversation.assignee
    return None
