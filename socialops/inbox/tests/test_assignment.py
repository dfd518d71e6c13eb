"""Assignment rules: matching, round robin, fixed, least open, skipping, CRUD and order."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from socialops.accounts.models import Membership
from socialops.accounts.roles import Role
from socialops.conftest import Team, audit_count, make_user
from socialops.inbox import actions
from socialops.inbox.assignment import assign_on_arrival
from socialops.inbox.models import AssignmentRule, Conversation

from . import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english() -> Any:
    with translation.override("en"):
        yield


@pytest.fixture
def gina(team: Team) -> Any:
    user = make_user("gina")
    Membership.objects.create(workspace=team.workspace, user=user, role=Role.AGENT)
    return user


def _rule(team: Team, **values: Any) -> AssignmentRule:
    return actions.create_rule(access=team.access("bob"), **values)


def _arrive(channel: Any, **fields: Any) -> Conversation:
    conversation = factories.conversation(channel, **fields)
    assign_on_arrival(conversation)
    conversation.refresh_from_db()
    return conversation


def test_it_leaves_a_conversation_unassigned_without_rules(team: Team, channel: Any) -> None:
    assert _arrive(channel).assignee_id is None


def test_it_goes_round_the_members_in_order(team: Team, channel: Any, gina: Any) -> None:
    _rule(team, name="轮流", strategy="round_robin", member_ids=[team.dave.pk, gina.pk])
    assignees = [_arrive(channel).assignee_id for _ in range(5)]
    assert assignees == [team.dave.pk, gina.pk, team.dave.pk, gina.pk, team.dave.pk]
    assert audit_count("inbox.auto_assigned") == 5


def test_it_steps_over_a_member_who_lost_the_permission(
    team: Team, channel: Any, gina: Any
) -> None:
    _rule(team, name="轮流", strategy="round_robin", member_ids=[team.dave.pk, gina.pk])
    Membership.objects.filter(user=team.dave).update(role=Role.ANALYST)
    assert [_arrive(channel).assignee_id for _ in range(3)] == [gina.pk] * 3


def test_it_falls_through_to_the_next_rule_when_nobody_is_left(
    team: Team, channel: Any, gina: Any
) -> None:
    _rule(team, name="首选", strategy="fixed", member_ids=[team.dave.pk])
    _rule(team, name="后备", strategy="fixed", member_ids=[gina.pk])
    Membership.objects.filter(user=team.dave).delete()
    assert _arrive(channel).assignee_id == gina.pk


def test_it_matches_kind_language_intent_and_account(team: Team, channel: Any, gina: Any) -> None:
    _rule(
        team,
        name="英文投诉私信",
        strategy="fixed",
        member_ids=[gina.pk],
        kinds=["dm"],
        langs=["en"],
        intents=["complaint"],
        channel_ids=[channel.pk],
    )
    _rule(team, name="其余", strategy="fixed", member_ids=[team.dave.pk])
    assert _arrive(channel, kind="dm", lang="en", intent="complaint").assignee_id == gina.pk
    assert _arrive(channel, kind="dm", lang="zh", intent="complaint").assignee_id == team.dave.pk
    assert _arrive(channel, kind="comment", lang="en", intent="complaint").assignee_id == (
        team.dave.pk
    )


def test_it_picks_who_has_fewest_open(team: Team, channel: Any, gina: Any) -> None:
    for _ in range(2):
        factories.conversation(channel, assignee=team.dave)
    factories.conversation(channel, assignee=gina)
    factories.conversation(channel, assignee=gina, status="resolved")
    _rule(team, name="最少", strategy="least_open", member_ids=[team.dave.pk, gina.pk])
    # dave 2 open, gina 1 (her resolved one does not count); a tie goes to the first listed
    assignees = [_arrive(channel).assignee_id for _ in range(3)]
    assert assignees == [gina.pk, team.dave.pk, gina.pk]


def test_it_skips_disabled_rules_and_keeps_an_assignee(team: Team, channel: Any, gina: Any) -> None:
    rule = _rule(team, name="关", strategy="fixed", member_ids=[gina.pk])
    actions.update_rule(access=team.access("bob"), rule=rule, enabled=False)
    assert _arrive(channel).assignee_id is None
    assert _arrive(channel, assignee=team.dave).assignee_id == team.dave.pk


def test_it_validates_rules_and_needs_inbox_manage(team: Team, channel: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        _rule(team, name="", strategy="random", member_ids=[team.erin.pk], kinds=["tweet"])
    assert set(caught.value.message_dict) == {"name", "strategy", "member_ids", "kinds"}
    with pytest.raises(PermissionDenied):
        actions.create_rule(
            access=team.access("dave"), name="x", strategy="fixed", member_ids=[team.dave.pk]
        )
    assert not AssignmentRule.objects.exists()


def test_it_reorders_rules_listing_each_once(team: Team, gina: Any) -> None:
    first = _rule(team, name="一", strategy="fixed", member_ids=[gina.pk])
    second = _rule(team, name="二", strategy="fixed", member_ids=[gina.pk])
    assert (first.position, second.position) == (0, 1)
    actions.reorder_rules(access=team.access("bob"), rule_ids=[second.pk, first.pk])
    assert list(AssignmentRule.objects.order_by("position").values_list("name", flat=True)) == [
        "二",
        "一",
    ]
    with pytest.raises(ValidationError):
        actions.reorder_rules(access=team.access("bob"), rule_ids=[second.pk])
    assert audit_count("inbox.rules_reordered") == 1
